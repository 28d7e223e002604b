"""End-to-end tests of the request path over real processes on loopback:
client -> proxy -> worker -> scripted backend (a test fixture), with
simulated attestation. Usage: request_path_test.py COCOON SCRIPTED_BACKEND
"""
import concurrent.futures
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "network"))
from checks import check, failures  # noqa: E402
from cocoon_network import Network, chat_body  # noqa: E402

COCOON, BACKEND = sys.argv[1], sys.argv[2]
API_KEY = "test-key-0123456789"
TINY_KEY = "tiny-key-0123456789"
# A marker no daemon may ever log: it is in every prompt.
SECRET = "PROMPT-SECRET-7f3a9c"


def sha256(text):
    import hashlib
    return hashlib.sha256(text.encode()).hexdigest()


def post(url, path, body, headers=None, timeout=30):
    """Returns (status, headers, body bytes)."""
    host, port = url.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    conn.request("POST", path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data


def auth(key=API_KEY):
    return {"Authorization": f"Bearer {key}"}


def backend_stats(b):
    with urllib.request.urlopen(b.url + "/fixture/stats", timeout=5) as r:
        return json.loads(r.read())


def keys_config():
    return (f'[[client.api_keys]]\nname = "app"\nsha256 = "{sha256(API_KEY)}"\n'
            f'[[client.api_keys]]\nname = "tiny"\nsha256 = "{sha256(TINY_KEY)}"\nrequests_per_minute = 1\n')


def main_network(tmp):
    """Two deterministic workers, trace logging, API keys."""
    flags = ["--deterministic", "--chunks", "8", "--chunk-bytes", "24", "--prompt-tokens", "11",
             "--cached-tokens", "3", "--reasoning-tokens", "2"]
    net = Network(COCOON, BACKEND, os.path.join(tmp, "main"), backends=[flags, flags],
                  log_level="trace", client_extra=keys_config(), api_key=API_KEY,
                  models=("scripted-model", "idle-model"))
    # idle-model is allowed by the registry but served by nobody.
    net.backend_specs = [{"flags": flags, "models": ["scripted-model"]}] * 2
    return net.start()


def test_main(net):
    direct = net.backends[0].url
    body = chat_body(SECRET, stream=True, stream_options={"include_usage": True})
    status, headers, through = post(net.client_url, "/v1/chat/completions", body, auth())
    _, _, expected = post(direct, "/v1/chat/completions", body)
    check("streaming answer is byte for byte the backend's", status == 200 and through == expected,
          f"{status} {through[:200]!r} vs {expected[:200]!r}")
    check("stream ends with data: [DONE]", through.endswith(b"data: [DONE]\n\n"))
    check("stream carries usage with cached and reasoning tokens",
          b'"cached_tokens":3' in through and b'"reasoning_tokens":2' in through)
    check("response has a request id", re.fullmatch(r"[0-9a-f]{24}", headers.get("x-request-id", "")) is not None,
          headers)
    timing = headers.get("server-timing", "")
    check("Server-Timing names every hop",
          all(f"{hop};dur=" in timing for hop in ("backend", "worker", "proxy", "client")), timing)
    check("response names the serving worker", len(headers.get("x-cocoon-worker", "")) == 64, headers)

    body = chat_body(SECRET)
    status, headers, through = post(net.client_url, "/v1/chat/completions", body, auth())
    _, _, expected = post(direct, "/v1/chat/completions", body)
    check("whole answer is byte for byte the backend's", status == 200 and through == expected,
          f"{status} {through[:300]!r}")
    check("whole answer has usage", json.loads(through)["usage"]["prompt_tokens"] == 11)

    comp = json.dumps({"model": "scripted-model", "prompt": SECRET, "stream": True,
                       "stream_options": {"include_usage": True}}).encode()
    status, _, through = post(net.client_url, "/v1/completions", comp, auth())
    _, _, expected = post(direct, "/v1/completions", comp)
    check("/v1/completions streams byte for byte", status == 200 and through == expected)

    status, _, data = post(net.client_url, "/v1/chat/completions",
                           chat_body(SECRET, unknown_field={"x": 1}, max_tokens=3), auth())
    check("unknown fields pass through and max_tokens is honoured",
          status == 200 and json.loads(data)["usage"]["completion_tokens"] == 3, data[:300])

    # The caller's own request id is kept.
    status, headers, _ = post(net.client_url, "/v1/chat/completions", chat_body(SECRET),
                              {**auth(), "X-Request-Id": "my-req-1"})
    check("caller's X-Request-Id is kept", headers.get("x-request-id") == "my-req-1", headers)

    # curl -N as an SSE client.
    out = subprocess.run(["curl", "-sN", "-H", f"Authorization: Bearer {API_KEY}", "-H",
                          "Content-Type: application/json", "-d",
                          chat_body(SECRET, stream=True).decode(),
                          net.client_url + "/v1/chat/completions"],
                         capture_output=True, timeout=30)
    check("curl -N reads the stream", out.returncode == 0 and out.stdout.endswith(b"data: [DONE]\n\n")
          and out.stdout.count(b"data: ") == 10, out.stdout[-200:])

    # Load spreads over both workers; 100 concurrent streams complete.
    def one(i):
        s, h, d = post(net.client_url, "/v1/chat/completions", chat_body(f"{SECRET} {i}", stream=True),
                       auth(), timeout=60)
        return s, h.get("x-cocoon-worker"), d.endswith(b"data: [DONE]\n\n")
    with concurrent.futures.ThreadPoolExecutor(100) as pool:
        results = list(pool.map(one, range(100)))
    ok = [r for r in results if r[0] == 200 and r[2]]
    check("100 concurrent streams complete", len(ok) == 100, [r[0] for r in results if r[0] != 200][:5])
    served = {r[1] for r in results}
    check("load spreads over 2 workers", len(served) == 2, served)
    counts = [backend_stats(b)["requests"] for b in net.backends]
    check("both backends served a fair share", min(counts) >= 20, counts)

    # Error statuses, each in the OpenAI shape.
    def error_of(status, data):
        try:
            e = json.loads(data)["error"]
            return status, e.get("code"), e.get("type"), e.get("message")
        except Exception:
            return status, None, None, data[:200]
    cases = [
        ("400 malformed body", post(net.client_url, "/v1/chat/completions", b"{not json", auth()), 400),
        ("400 missing model", post(net.client_url, "/v1/chat/completions",
                                   json.dumps({"messages": []}).encode(), auth()), 400),
        ("401 bad key", post(net.client_url, "/v1/chat/completions", chat_body(SECRET), auth("wrong")), 401),
        ("401 no key", post(net.client_url, "/v1/chat/completions", chat_body(SECRET)), 401),
        ("404 unknown model", post(net.client_url, "/v1/chat/completions",
                                   chat_body(SECRET, model="no-such-model"), auth()), 404),
        ("503 no worker for an allowed model", post(net.client_url, "/v1/chat/completions",
                                                    chat_body(SECRET, model="idle-model"), auth()), 503),
    ]
    post(net.client_url, "/v1/chat/completions", chat_body(SECRET), auth(TINY_KEY))
    cases.append(("429 over the key's rate limit",
                  post(net.client_url, "/v1/chat/completions", chat_body(SECRET), auth(TINY_KEY)), 429))
    for name, (status, headers, data), want in cases:
        st, code, typ, msg = error_of(status, data)
        check(f"{name}: status and OpenAI error shape", st == want and typ and msg and "x-request-id" in headers,
              (st, code, typ, msg))
    check("404 says model_not_found", error_of(*cases[4][1][::2])[1] == "model_not_found")

    models = net.get_json("/v1/models", auth())
    entry = {m["id"]: m for m in models["data"]}
    check("/v1/models lists live workers and prices",
          models["object"] == "list" and entry["scripted-model"]["workers"] == 2
          and entry["scripted-model"]["price_coefficient"] == {"min": 1000, "max": 1100}
          and entry["idle-model"]["workers"] == 0, models)
    # Admin ports.
    proxy = net.proxies[0]
    status, metrics = proxy.admin("/metrics")
    check("proxy /metrics counts requests and shows per-worker load",
          status == 200 and 'cocoon_proxy_requests_total{model="scripted-model",outcome="ok"}' in metrics
          and "cocoon_proxy_worker_in_flight{worker=" in metrics
          and "cocoon_proxy_request_duration_seconds_bucket" in metrics, metrics[:500])
    status, stats = proxy.admin("/stats")
    check("proxy /stats lists both workers", status == 200 and len(json.loads(stats)["workers"]) == 2, stats[:300])
    stats = json.loads(stats)
    # (a keepalive frame may be on its way: a few bytes queued are fine)
    check("proxy /stats: once the answers are in, no stream is left open and nothing is buffered",
          all(b["open_streams"] == 0 and b["buffered_receive_bytes"] == 0 and b["held_by_relays_bytes"] == 0
              and b["queued_write_bytes"] < 64 for b in stats["buffers"].values()) and set(stats["buffers"]) == {"clients", "workers"},
          stats["buffers"])
    check("proxy /stats shows each connection's traffic",
          stats["clients"][0]["connection"]["bytes_sent"] > 0
          and sum(w["connection"]["bytes_received"] for w in stats["workers"]) > 0,
          [c.get("connection") for c in stats["clients"]])
    check("proxy /healthz is ok", proxy.admin("/healthz")[0] == 200)
    status, metrics = net.client.admin("/metrics")
    check("client /metrics counts requests by outcome",
          status == 200 and 'cocoon_client_requests_total{model="scripted-model",outcome="ok"}' in metrics)
    client_stats = json.loads(net.client.admin("/stats")[1])
    links = [p.get("connection") for p in client_stats["proxies"]]
    check("client /stats: once the answers are in, its proxy connection holds nothing and its callers'"
          " connections no request",
          len(links) == 1 and links[0] is not None and links[0]["open_streams"] == 0
          and links[0]["buffered_receive_bytes"] == 0 and links[0]["held_by_relays_bytes"] == 0
          and links[0]["bytes_received"] > 0
          and client_stats["http"]["read_buffer_bytes"] <= 2048 * max(1, client_stats["http"]["connections"]),
          client_stats)
    for d in net.daemons():
        text = d.admin("/stats")[1] + d.admin("/metrics")[1]
        check(f"{d.name} admin pages carry no prompt and no API key", SECRET not in text and API_KEY not in text)
    w = net.workers[0]
    check("worker /healthz is ok", w.admin("/healthz")[0] == 200)
    status, _ = w.admin("/admin/disable", "POST")
    time.sleep(0.3)
    disabled = net.get_json("/v1/models", auth())
    w.admin("/admin/enable", "POST")
    time.sleep(0.3)
    enabled = net.get_json("/v1/models", auth())
    count = lambda models: {m["id"]: m["workers"] for m in models["data"]}["scripted-model"]
    check("a worker disabled by its operator leaves the routing and comes back",
          status == 200 and count(disabled) == 1 and count(enabled) == 2, (disabled, enabled))

    att = net.get_json("/v1/attestation", auth())
    proxies = att["proxies"]
    check("/v1/attestation shows the proxy and both workers, verified",
          len(proxies) == 1 and proxies[0]["evidence"]["image_hash"] == net.hashes["proxy"]
          and len(proxies[0]["workers"]) == 2
          and all(w["verified"] and w["evidence"]["image_hash"] == net.hashes["worker"] for w in proxies[0]["workers"]),
          json.dumps(att)[:500])
    # Re-verify a worker's certificate offline with the CLI.
    pem = os.path.join(net.dir, "worker-cert.pem")
    with open(pem, "w") as f:
        f.write(proxies[0]["workers"][0]["certificate_pem"])
    out = subprocess.run([COCOON, "cert", "inspect", pem, "--verify-with", net.path("client.toml"),
                          "--expect-role", "worker"], capture_output=True, text=True)
    check("a worker certificate from /v1/attestation re-verifies offline", out.returncode == 0,
          out.stdout[-300:] + out.stderr[-300:])


def test_failures(tmp):
    slow = ["--chunks", "40", "--delay-ms", "50"]
    net = Network(COCOON, BACKEND, os.path.join(tmp, "failures"), backends=[slow, slow]).start()
    try:
        # A worker killed mid-stream: a clean error event, then the other worker serves.
        host, port = net.client_url.replace("http://", "").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("POST", "/v1/chat/completions", body=chat_body(SECRET, stream=True),
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        first = r.read1(4096)
        victim_key = r.getheader("X-Cocoon-Worker")
        stats = net.get_json("/v1/attestation")["proxies"][0]["workers"]
        names = {w["public_key"]: w["name"] for w in stats}
        victim = next(w for w in net.workers if w.name == names.get(victim_key))
        victim.kill()
        rest = r.read()
        conn.close()
        text = (first + rest).decode()
        check("killed worker: the stream ends with a clean error event",
              r.status == 200 and '"error"' in text.split("data: ")[-1] and "[DONE]" not in text,
              text[-300:])
        status, headers, _ = post(net.client_url, "/v1/chat/completions", chat_body(SECRET), timeout=30)
        check("next request goes to the other worker",
              status == 200 and headers.get("x-cocoon-worker") != victim_key, (status, headers))

        # A client that disconnects: the backend sees the cancellation.
        survivor = net.backends[[w.name for w in net.workers].index(
            next(w for w in net.workers if w is not victim).name)]
        before = backend_stats(survivor)["cancelled"]
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("POST", "/v1/chat/completions", body=chat_body(SECRET, stream=True),
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        r.read1(100)
        conn.sock.close()
        conn.close()
        deadline = time.time() + 5
        while time.time() < deadline and backend_stats(survivor)["cancelled"] == before:
            time.sleep(0.1)
        check("client disconnect cancels the backend request",
              backend_stats(survivor)["cancelled"] == before + 1, backend_stats(survivor))
    finally:
        codes = net.stop()
    check("daemons stop cleanly on SIGTERM",
          all(codes[n] == 0 for n in ("client", "proxy-1")), codes)


def test_retries_and_refusals(tmp):
    net = Network(COCOON, BACKEND, os.path.join(tmp, "retries"),
                  backends=[["--chunks", "4"], ["--chunks", "4", "--fail-status", "500"]],
                  models=("scripted-model", "slow-model"),
                  proxy_extra="first_token_timeout_ms = 1000\n")
    net.backend_specs = [{"flags": ["--chunks", "4"], "models": ["scripted-model"]},
                         {"flags": ["--chunks", "4", "--fail-status", "500"], "models": ["scripted-model"]},
                         {"flags": ["--hang"], "models": ["slow-model"]}]
    net.start()
    try:
        rogue, rogue_backend = net.add_worker("rogue", [], measured_extra="extra = true")
        other_key = net.path("other-platform.key")
        subprocess.run([COCOON, "key", "generate", "--out", other_key], check=True, capture_output=True)
        forged, forged_backend = net.add_worker("forged", [], platform_key=other_key)
        time.sleep(1.5)
        statuses = [post(net.client_url, "/v1/chat/completions", chat_body(SECRET))[0] for _ in range(12)]
        check("a worker failing before the first token is retried transparently",
              statuses == [200] * 12 and backend_stats(net.backends[1])["requests"] > 0,
              (statuses, backend_stats(net.backends[1])))
        check("a worker with a disallowed image hash never receives a request",
              backend_stats(rogue_backend)["requests"] == 0)
        check("a worker signed by an untrusted platform key never receives a request",
              backend_stats(forged_backend)["requests"] == 0)
        proxy_log = net.proxies[0].text()
        check("the proxy logged both refusals",
              "ratls.image_not_allowed" in proxy_log and "is not trusted" in proxy_log)
        status, _, data = post(net.client_url, "/v1/chat/completions", chat_body(SECRET, model="slow-model"))
        check("504 when the worker does not answer in time",
              status == 504 and json.loads(data)["error"]["type"] == "server_error", (status, data[:200]))
    finally:
        net.stop()
    return net


def test_proxy_failover(tmp):
    net = Network(COCOON, BACKEND, os.path.join(tmp, "failover"), backends=[["--chunks", "4"]] * 2,
                  proxies=2).start()
    try:
        before = [post(net.client_url, "/v1/chat/completions", chat_body(SECRET))[1].get("x-cocoon-proxy")
                  for _ in range(6)]
        check("the client uses both proxies", len(set(before)) == 2, before)
        net.proxies[0].kill()
        statuses = [post(net.client_url, "/v1/chat/completions", chat_body(SECRET, stream=True))[0]
                    for _ in range(6)]
        check("a dead proxy: the client fails over to the other one", statuses == [200] * 6, statuses)
    finally:
        net.stop()


def test_long_answers(tmp):
    """Answers many flow-control windows long, to a quick and to a slow caller:
    every relay must hand the credit back as it passes pieces on."""
    flags = ["--deterministic", "--chunks", "400", "--chunk-bytes", "512"]
    net = Network(COCOON, BACKEND, os.path.join(tmp, "long"), backends=[flags]).start()
    try:
        direct = net.backends[0].url
        body = chat_body(SECRET, stream=True, stream_options={"include_usage": True})
        _, _, expected = post(direct, "/v1/chat/completions", body)
        status, _, through = post(net.client_url, "/v1/chat/completions", body)
        check("a long answer (many 32 KiB windows) streams byte for byte",
              status == 200 and len(expected) > 200_000 and through == expected,
              (status, len(through), len(expected)))

        host, port = net.client_url.replace("http://", "").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        conn.request("POST", "/v1/chat/completions", body=body, headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        slow = b""
        while True:
            piece = r.read(4096)
            if not piece:
                break
            slow += piece
            time.sleep(0.004)  # a caller slower than the backend: the path must hold back, not drop
        conn.close()
        check("a slow caller gets the whole long answer", r.status == 200 and slow == expected,
              (r.status, len(slow), len(expected)))

        stats = json.loads(net.proxies[0].admin("/stats")[1])
        check("after long answers the proxy holds no stream and no buffered bytes",
              all(b["open_streams"] == 0 and b["buffered_receive_bytes"] == 0 and b["held_by_relays_bytes"] == 0
                  for b in stats["buffers"].values()), stats["buffers"])
    finally:
        net.stop()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        net = main_network(tmp)
        try:
            test_main(net)
        finally:
            codes = net.stop()
        check("main network stops cleanly", all(c == 0 for c in codes.values()), codes)
        logs = [p for p in net.daemons()]
        test_failures(tmp)
        test_long_answers(tmp)
        retry_net = test_retries_and_refusals(tmp)
        test_proxy_failover(tmp)
        for p in logs + retry_net.daemons():
            text = p.text()
            check(f"{p.name} never logs prompt or completion text",
                  SECRET not in text and "brown fox" not in text,
                  [l for l in text.splitlines() if SECRET in l][:2])
        check("debug logging was on in the main network", " debug " in net.client.text())
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

"""End-to-end payments on the local chain (contracts/localnet): real
processes (client, proxy, worker, scripted backend) whose node wallets are
funded from the faucet; the proxy deploys its contract, the client its
client contract; every request is settled in the proxy's ledger and paid
through vouchers that the client and worker put on chain.

Checks, from the chain itself, that what the client paid, what the worker
earned and the proxy's commission equal usage × price, usage × worker fee
and the difference, to the nanoTON; that a client without the credit for a
request's worst case gets OpenAI's 429 insufficient_quota, and is served
again after it tops up; that a ledger restored from an older copy is caught
at the next handshake with a peer that holds a later voucher; and that a
proxy SIGKILLed at random moments under load (20 times) never charges a
request twice, never loses a committed one, and that every voucher it
issued stays valid.

Usage: payments_test.py COCOON SCRIPTED_BACKEND. Exits 77 (skipped) without
node or contracts/node_modules (bash contracts/prepare.sh).
"""
import concurrent.futures
import http.client
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "network"))
from checks import check, failures  # noqa: E402
from cocoon_network import Network, Process, chat_body  # noqa: E402
from localnet import Localnet, available  # noqa: E402

COCOON, BACKEND = sys.argv[1], sys.argv[2]

# The local chain's parameters for this test (contracts/localnet config).
PRICE, FEE = 1000, 800
PROMPT_MULT, CACHED_MULT, COMPLETION_MULT, REASONING_MULT = 10000, 1000, 10000, 10000


def post(url, body, timeout=30):
    host, port = url.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    conn.request("POST", "/v1/chat/completions", body=body, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def usage_of(status, data, stream):
    """The usage object of an answer (the last usage event of a stream)."""
    if status != 200:
        return None
    if not stream:
        return json.loads(data).get("usage")
    usage = None
    for line in data.decode().split("\n"):
        if line.startswith("data: {"):
            u = json.loads(line[6:]).get("usage")
            if u:
                usage = u
    return usage


def adjusted(usage, coefficient=1000):
    """adjusted = sum over disjoint categories of floor(n × coef × mult / 10^7)."""
    cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens", 0)
    reasoning = (usage.get("completion_tokens_details") or {}).get("reasoning_tokens", 0)
    parts = [(usage["prompt_tokens"] - cached, PROMPT_MULT), (cached, CACHED_MULT),
             (usage["completion_tokens"] - reasoning, COMPLETION_MULT), (reasoning, REASONING_MULT)]
    return sum(n * coefficient * m // 10**7 for n, m in parts)


def chain_config(**params):
    p = {"pricePerToken": str(PRICE), "workerFeePerToken": str(FEE), "promptMult": PROMPT_MULT,
         "cachedMult": CACHED_MULT, "completionMult": COMPLETION_MULT, "reasoningMult": REASONING_MULT,
         "proxyCloseDelay": 60, "clientCloseDelay": 60, "minProxyStake": "10000000000",
         "minClientStake": "1000000000"}
    p.update(params)
    return {"params": p}


def proxy_stats(net):
    status, text = net.proxies[0].admin("/stats")
    return json.loads(text) if status == 200 else {}


def settlement_matches_usage(workdir):
    chain = Localnet(os.path.join(workdir, "chain"), chain_config())
    net = Network(COCOON, BACKEND, os.path.join(workdir, "net"), backends=[["--chunks", "6", "--deterministic"]],
                  chain=chain)
    try:
        net.start()
        total = 0
        costs_ok = True
        for i in range(12):
            stream = i % 2 == 0
            body = chat_body(content=f"question {i} " + "x" * (i * 7), stream=stream,
                             **({"stream_options": {"include_usage": True}} if stream else {}))
            status, data = post(net.client_url, body)
            usage = usage_of(status, data, stream)
            if usage is None:
                costs_ok = False
                print(f"  request {i}: status {status} {data[:300]!r}")
                continue
            a = adjusted(usage)
            total += a
            if usage.get("adjusted_tokens") != a or usage.get("cost_nanoton") != a * PRICE:
                costs_ok = False
                print(f"  request {i}: usage {usage}, expected adjusted {a}")
        check("every answer's usage carries its cost (adjusted tokens × price, to the nanoTON)",
              costs_ok and total > 0)
        # A request id is the caller's choice: reusing one must not make the
        # second answer free (the ledger's key is the proxy's own).
        for _ in range(2):
            host, port = net.client_url.replace("http://", "").split(":")
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("POST", "/v1/chat/completions", body=chat_body(content="same id"),
                         headers={"Content-Type": "application/json", "X-Request-Id": "reused-id"})
            r = conn.getresponse()
            usage = usage_of(r.status, r.read(), False)
            conn.close()
            if usage:
                total += usage["adjusted_tokens"]
        requests = 14
        stats = proxy_stats(net)
        pay = stats.get("payments") or {}
        client_contract = stats["clients"][0]["payments"]["contract"]
        worker_contract = pay["worker_totals"][0]["contract"]
        proxy_contract = pay["proxy_contract"]
        check("the proxy's ledger holds one record per request, a reused request id included",
              pay["ledger"]["seqno"] == requests, pay)
        check("the ledger's totals equal the usage", stats["clients"][0]["payments"]["total_tokens"] == total
              and pay["worker_totals"][0]["total_tokens"] == total, f"{stats['clients'][0]} {pay} vs {total}")
        balance_before = None
        client_data = chain.get(client_contract, "get_client_data")
        balance_before = client_data[1]
    finally:
        codes = net.stop()
    check("every daemon exits 0 on SIGTERM (vouchers submitted on close)",
          all(c == 0 for c in codes.values()), codes)
    try:
        state, balance, stake, pending, tokens_charged = chain.get(client_contract, "get_client_data")[:5]
        worker_state, tokens_paid = chain.get(worker_contract, "get_worker_data")[:2]
        proxy_data = chain.get(proxy_contract, "get_proxy_data")
        commission = proxy_data[5]
        anchor_seqno = chain.get(proxy_contract, "get_anchor")[0]
        print(f"  chain: client charged {tokens_charged} tokens, balance {balance_before} -> {balance}; "
              f"worker paid {tokens_paid} tokens; proxy commission {commission}; anchor {anchor_seqno}")
        check("the client contract was charged exactly the usage", tokens_charged == total,
              f"{tokens_charged} != {total}")
        check("the client paid usage × price", balance_before - balance == total * PRICE,
              f"{balance_before} - {balance} != {total * PRICE}")
        check("the worker contract was paid exactly the usage", tokens_paid == total, f"{tokens_paid} != {total}")
        check("the proxy's commission is usage × (price − worker fee)", commission == total * (PRICE - FEE),
              f"{commission} != {total * (PRICE - FEE)}")
        check("the ledger's head is anchored on chain", anchor_seqno == 14, anchor_seqno)
    finally:
        chain.stop()


def insufficient_quota_then_top_up(workdir):
    # 0.001 TON a token: a 1-TON stake covers about 1000 tokens of worst case.
    chain = Localnet(os.path.join(workdir, "chain"),
                     chain_config(pricePerToken="1000000", workerFeePerToken="800000"))
    net = Network(COCOON, BACKEND, os.path.join(workdir, "net"), backends=[["--chunks", "4", "--deterministic"]],
                  chain=chain, payments_extra={"client": 'stake_ton = "1"\n'})
    try:
        net.start()
        small = chat_body(content="hi", max_tokens=100)
        status, data = post(net.client_url, small)
        check("a request whose worst case fits the credit is served", status == 200, data[:300])
        big = chat_body(content="hi", max_tokens=2000)  # worst case ≈ 2 TON > the 1-TON stake
        status, data = post(net.client_url, big)
        err = json.loads(data).get("error", {}) if data else {}
        check("a request beyond the client's credit gets 429 insufficient_quota",
              status == 429 and err.get("code") == "insufficient_quota" and err.get("type") == "insufficient_quota",
              f"{status} {data[:300]!r}")
        # The operator raises the stake and balance: the client, restarted
        # with more, tops its contract up at the proxy.
        net.client.stop()
        cfg = net.path("client.toml")
        text = open(cfg).read().replace('stake_ton = "1"', 'stake_ton = "3"').replace(
            'min_balance_ton = "5"', 'min_balance_ton = "6"')
        open(cfg, "w").write(text)
        net.client = Process("client", [COCOON, "client", "--config", cfg], net.path("client-2.log"))
        port = int(net.client.wait_for(r"client API on http://127\.0\.0\.1:(\d+)").group(1))
        net.client_url = f"http://127.0.0.1:{port}"
        net.wait_for_workers(1, timeout=90)
        status, data = post(net.client_url, big)
        check("after the top-up the same request is served", status == 200, f"{status} {data[:300]!r}")
    finally:
        codes = net.stop()
        chain.stop()
    check("every daemon exits 0", all(c == 0 for c in codes.values()), codes)


def start_proxy_again(net, old, log_name, wait=True):
    p = Process("proxy-1", [COCOON, "proxy", "--config", net.path("proxy-1.toml"),
                            "--workers-listen", f"127.0.0.1:{old.workers_port}",
                            "--clients-listen", f"127.0.0.1:{old.clients_port}"],
                net.path(log_name))
    p.workers_port, p.clients_port = old.workers_port, old.clients_port
    net.proxies[0] = p
    if wait:
        p.wait_for(r"clients on", timeout=90)
    return p


def copy_ledger(net, source, target):
    """Copies a stopped proxy's ledger (with its WAL files) from `source` to `target` paths."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(source + suffix):
            shutil.copy(source + suffix, target + suffix)
        elif os.path.exists(target + suffix):
            os.remove(target + suffix)


def restored_ledger_is_detected(workdir):
    # Anchors only at stop here (not every 2 s), so the test decides what the
    # chain's anchor covers.
    chain = Localnet(os.path.join(workdir, "chain"), chain_config())
    net = Network(COCOON, BACKEND, os.path.join(workdir, "net"), backends=[["--chunks", "4", "--deterministic"]],
                  chain=chain, payments_extra={"proxy": "anchor_interval_s = 600\n"})
    try:
        net.start()
        post(net.client_url, chat_body(content="one"))
        proxy = net.proxies[0]
        proxy.stop()  # anchors record 1
        ledger = net.path("proxy-1-ledger.sqlite")
        copy_ledger(net, ledger, ledger + ".backup")  # an operator's backup, taken now...
        restarted = start_proxy_again(net, proxy, "proxy-1b.log")
        net.wait_for_workers(1, timeout=90)
        status, _ = post(net.client_url, chat_body(content="two"))
        check("requests go on after a clean restart", status == 200, status)
        time.sleep(1.5)  # the vouchers reach the client and worker
        restarted.proc.send_signal(signal.SIGKILL)  # a crash: record 2 is not anchored
        restarted.proc.wait()
        restarted.log.close()
        copy_ledger(net, ledger, ledger + ".latest")
        copy_ledger(net, ledger + ".backup", ledger)  # ... restored: the ledger loses record 2
        third = start_proxy_again(net, proxy, "proxy-1c.log")
        m = third.wait_for(r"not served: .*ledger_behind_peer", timeout=30)
        check("the restored ledger is caught at the next handshake with a peer holding a later voucher",
              m is not None)
        status, data = post(net.client_url, chat_body(content="three"))
        check("the proxy refuses to serve that peer instead of signing old totals again",
              status != 200, f"{status} {data[:200]!r}")
        check("the proxy process stays up", third.proc.poll() is None)
        check("the proxy exits 0 on SIGTERM", third.stop() == 0)

        # The operator puts the latest copy back: served again; its stop
        # anchors record 3.
        copy_ledger(net, ledger + ".latest", ledger)
        fourth = start_proxy_again(net, proxy, "proxy-1d.log")
        net.wait_for_workers(1, timeout=90)
        status, _ = post(net.client_url, chat_body(content="four"))
        check("with the latest copy the proxy serves again", status == 200, status)
        fourth.stop()
        # An older copy now ends before the record anchored on chain.
        copy_ledger(net, ledger + ".backup", ledger)
        fifth = start_proxy_again(net, proxy, "proxy-1e.log", wait=False)
        code = fifth.proc.wait(60)
        check("a ledger older than its anchor on chain is refused at start, with the reason",
              code != 0 and "anchored on chain" in fifth.text(), f"exit {code}: {fifth.text()[-500:]}")
        fifth.log.close()
        net.proxies.remove(fifth)
    finally:
        codes = net.stop()
        chain.stop()
    check("the other daemons exit 0 on SIGTERM", all(c == 0 for c in codes.values()), codes)


def sigkill_under_load(workdir, kills=20):
    import sqlite3
    chain = Localnet(os.path.join(workdir, "chain"), chain_config())
    net = Network(COCOON, BACKEND, os.path.join(workdir, "net"),
                  backends=[["--chunks", "4", "--delay-ms", "5", "--deterministic"]], chain=chain)
    answered = {}  # request id -> adjusted tokens of an answer that carried its cost
    stop = False
    rng = random.Random(7)

    def load(worker_index):
        n = 0
        while not stop:
            n += 1
            rid = f"kill-{worker_index}-{n}"
            stream = n % 2 == 0
            body = chat_body(content=f"load {rid}", stream=stream,
                             **({"stream_options": {"include_usage": True}} if stream else {}))
            try:
                host, port = net.client_url.replace("http://", "").split(":")
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                conn.request("POST", "/v1/chat/completions", body=body,
                             headers={"Content-Type": "application/json", "X-Request-Id": rid})
                r = conn.getresponse()
                data = r.read()
                conn.close()
                usage = usage_of(r.status, data, stream)
                if usage and "cost_nanoton" in usage:
                    answered[rid] = usage["adjusted_tokens"]
            except Exception:
                time.sleep(0.05)  # the proxy is down: try again

    try:
        net.start()
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(load, i) for i in range(4)]
            for k in range(kills):
                time.sleep(rng.uniform(0.2, 1.2))
                old = net.proxies[0]
                old.proc.send_signal(signal.SIGKILL)
                old.proc.wait()
                old.log.close()
                start_proxy_again(net, old, f"proxy-1-{k + 2}.log")
            # A kill may land between a settlement and its answer: that voucher
            # never reaches the client, and the next answer's voucher (the
            # totals are cumulative) covers it. Wait for one after the last
            # restart (a slow machine may need seconds to restart the proxy).
            mark = len(answered)
            deadline = time.time() + 60
            while len(answered) <= mark and time.time() < deadline:
                time.sleep(0.1)
            stop = True
            for f in futures:
                f.result()
        # The client's own page names its contract (the proxy may be between
        # restarts and not know the client yet).
        client_stats = json.loads(net.client.admin("/stats")[1])
        client_contract = client_stats["payments"]["contracts"][0]["contract"]
    finally:
        codes = net.stop()
    check(f"the proxy was killed {kills} times under load and answers kept coming", len(answered) >= kills,
          len(answered))
    db = sqlite3.connect(f"file:{net.path('proxy-1-ledger.sqlite')}?mode=ro", uri=True)
    rows = [(bytes(r[0]).decode() if not isinstance(r[0], str) else r[0], r[1])
            for r in db.execute("SELECT request_id, adjusted_tokens FROM records").fetchall()]
    db.close()
    ids = [r[0] for r in rows]
    # Ledger ids are "<proxy nonce>:<the caller's request id>".
    ledger = {r[0].split(":", 1)[1]: r[1] for r in rows}
    check("no request is in the ledger twice", len(ids) == len(set(ids)), len(ids) - len(set(ids)))
    lost = [rid for rid in answered if rid not in ledger]
    check("every answer that carried its cost is in the ledger", not lost, lost[:5])
    wrong = [rid for rid, a in answered.items() if rid in ledger and ledger[rid] != a]
    check("the ledger charged each answer what its usage said", not wrong, wrong[:5])
    behind = [f for f in os.listdir(net.dir) if f.startswith("proxy-1") and f.endswith(".log")
              and "ledger_behind_peer" in open(net.path(f), errors="replace").read()]
    check("no restart found its ledger behind a voucher it had issued", not behind, behind)
    check("every daemon exits 0 at the end", all(c == 0 for c in codes.values()), codes)
    try:
        total = sum(a for _, a in rows)
        tokens_charged = chain.get(client_contract, "get_client_data")[4]
        check("every voucher issued stayed valid: the client's last one is applied on chain and equals the ledger",
              tokens_charged == total, f"{tokens_charged} != {total}")
    finally:
        chain.stop()


def stop_leftover_chains():
    """A scenario that failed half-way may leave its chain running."""
    for chain in list(Localnet.started):
        chain.stop()


def main():
    why = available()
    if why:
        print(f"skipped: {why}")
        return 77
    root = tempfile.mkdtemp(prefix="cocoon-payments-")
    try:
        for name, fn in [("settlement", settlement_matches_usage),
                         ("quota", insufficient_quota_then_top_up),
                         ("restore", restored_ledger_is_detected),
                         ("sigkill", sigkill_under_load)]:
            print(f"== {name}", flush=True)
            try:
                fn(os.path.join(root, name))
            finally:
                stop_leftover_chains()
    except Exception as e:  # a daemon that did not come up: show its log
        failures.append(f"exception: {e}")
        print(f"FAILED: {e}")
    if failures:
        print(f"{len(failures)} failure(s); logs in {root}")
        return 1
    shutil.rmtree(root, ignore_errors=True)
    print("all payment checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

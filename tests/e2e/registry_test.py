"""The registry on chain: every daemon reads the allowed image hashes, the
models and the prices from the root contract on the local chain, and
follows it when its owner changes it with `cocoon root`: a worker whose
image is removed is disconnected by the proxy and refused when it dials
again, and served again once its image is back; a removed model is no
longer offered; a proxy whose image is removed is dropped by its client.

Usage: registry_test.py COCOON SCRIPTED_BACKEND. Exits 77 (skipped) without
node or contracts/node_modules (bash contracts/prepare.sh).
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "network"))
from checks import check, failures  # noqa: E402
from cocoon_network import Network, chat_body  # noqa: E402
from localnet import Localnet, available  # noqa: E402

COCOON, BACKEND = sys.argv[1], sys.argv[2]


def post(url, body=None):
    host, port = url.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("POST", "/v1/chat/completions", body=body or chat_body(),
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def eventually(predicate, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def live_workers(net):
    try:
        return sum(m.get("workers", 0) for m in net.get_json("/v1/models")["data"])
    except Exception:
        return -1


def main():
    why = available()
    if why:
        print(f"skipped: {why}")
        return 77
    root_dir = tempfile.mkdtemp(prefix="cocoon-registry-")
    owner_key = os.path.join(root_dir, "owner.key")
    subprocess.run([COCOON, "key", "generate", "--out", owner_key], check=True, capture_output=True)
    owner = json.loads(subprocess.run([COCOON, "wallet", "address", "--key", owner_key, "--json"], check=True,
                                      capture_output=True, text=True).stdout)["raw"]
    chain = Localnet(os.path.join(root_dir, "chain"), {"owner": owner})
    net = Network(COCOON, BACKEND, os.path.join(root_dir, "net"), backends=[["--chunks", "4"]], chain=chain)

    def root(*args):
        r = subprocess.run([COCOON, "root", *args, "--key", owner_key, "--api", chain.endpoint,
                            "--root", chain.root], capture_output=True, text=True)
        check(f"cocoon root {' '.join(args)[:40]}... is applied", r.returncode == 0, r.stdout + r.stderr)

    try:
        net.start()
        chain.fund(owner, 5)
        status, _ = post(net.client_url)
        check("the daemons take their trust and models from the root contract", status == 200, status)
        models = net.get_json("/v1/models")["data"]
        check("/v1/models shows the chain's price", models and models[0].get("price_per_token", {}).get("min") == 1000,
              models)

        worker_hash = net.hashes["worker"]
        root("remove-worker-image", worker_hash)
        check("the proxy drops a worker whose image the root no longer lists",
              eventually(lambda: live_workers(net) == 0, 20), live_workers(net))
        check("the proxy says why", "its image hash was removed from the registry" in net.proxies[0].text())
        status, _ = post(net.client_url)
        check("no worker serves then", status == 503, status)
        check("the worker is refused at the handshake when it dials again",
              eventually(lambda: "refused worker" in net.proxies[0].text()
                         and "refused our certificate" in net.workers[0].text(), 20),
              net.workers[0].text()[-800:])

        root("add-worker-image", worker_hash)
        check("the worker is served again once its image is back", eventually(lambda: live_workers(net) == 1, 60),
              live_workers(net))
        status, _ = post(net.client_url)
        check("and answers", status == 200, status)

        root("remove-model", "scripted-model")
        check("a removed model is no longer offered",
              eventually(lambda: post(net.client_url)[0] == 404, 20), post(net.client_url))

        root("add-model", "scripted-model")
        check("and is offered again once listed", eventually(lambda: post(net.client_url)[0] == 200, 60),
              post(net.client_url))

        root("remove-proxy-image", net.hashes["proxy"])
        check("the client drops a proxy whose image the root no longer lists",
              eventually(lambda: post(net.client_url)[0] == 503, 20), post(net.client_url))
    except Exception as e:
        failures.append(f"exception: {e}")
        print(f"FAILED: {e}")
    finally:
        codes = net.stop()
        chain.stop()
    check("every daemon exits 0 on SIGTERM", all(c == 0 for c in codes.values()), codes)
    if failures:
        print(f"{len(failures)} failure(s); logs in {root_dir}")
        return 1
    shutil.rmtree(root_dir, ignore_errors=True)
    print("all registry checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

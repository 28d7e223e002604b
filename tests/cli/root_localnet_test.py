"""`cocoon root` end to end against the local chain (contracts/localnet): the
root's owner is a wallet of a key made with `cocoon key generate`; `show`
reads the registry (models resolved by name); every kind of change (proxy and
worker images, models, proxy endpoints) is added and removed and seen by
`show --json`; and what must not cost a fee costs none: a key that is not the
owner's, a bad hash or argument, a change already made (no-op). The private
key never appears in any output.

Usage: root_localnet_test.py COCOON CONTRACTS_DIR
Exits 77 (skipped) when node, contracts/node_modules or the compiled
contracts are missing.
"""
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

COCOON, CONTRACTS = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
sys.path.insert(0, os.path.join(os.path.dirname(CONTRACTS), "tools", "network"))
import localnet  # noqa: E402  (tools/network/localnet.py)

NANO = 10**9
SKIP = 77
failures = []
outputs = []  # every stdout/stderr of cocoon, checked for the key at the end


def check(name, condition, detail=""):
    print(("ok: " if condition else "FAILED: ") + name + ("" if condition else f" -- {detail}"),
          flush=True)
    if not condition:
        failures.append(name)


def cocoon(*args, timeout=90):
    r = subprocess.run([COCOON, *args], capture_output=True, text=True, timeout=timeout)
    outputs.append(r.stdout + r.stderr)
    return r


def cocoon_json(*args):
    r = cocoon(*args, "--json")
    if r.returncode != 0:
        raise RuntimeError(f"cocoon {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return json.loads(r.stdout)


def refused(name, args, *expected):
    """The command fails with exit 1 (no crash) and says every `expected`."""
    r = cocoon(*args)
    text = r.stdout + r.stderr
    check(f"{name}: exit 1", r.returncode == 1, f"rc={r.returncode} {text}")
    for e in expected:
        check(f"{name}: says '{e}'", e in text, text)
    return text


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main(tmp):
    os.chdir(tmp)
    pub = cocoon("key", "generate", "--out", "owner.key").stdout.strip()
    cocoon("key", "generate", "--out", "other.key")
    pem_secret = "".join(open("owner.key").read().splitlines()[1:-1])
    owner = cocoon_json("wallet", "address", "--key", "owner.key")
    other = cocoon_json("wallet", "address", "--key", "other.key")
    check("owner key: wallet of the generated key", owner["public_key"] == pub, owner)

    i1, i2, w1, w2 = "11" * 32, "22" * 32, "33" * 32, "44" * 32
    qwen, llama = "Qwen/Qwen3-0.6B", "meta-llama/Llama-3.1-8B"
    net = localnet.Localnet(os.path.join(tmp, "chain"), {
        "owner": owner["raw"],
        "params": {"pricePerToken": "1000", "workerFeePerToken": "800", "promptMult": 10000,
                   "cachedMult": 1000, "completionMult": 10000, "reasoningMult": 10000,
                   "proxyCloseDelay": 60, "clientCloseDelay": 120,
                   "minProxyStake": "10000000000", "minClientStake": "1000000000"},
        "proxyImages": [i1], "workerImages": [], "models": [sha(qwen)],
        "proxies": ["127.0.0.1:8443"]}).start()
    try:
        api = ["--api", net.endpoint, "--root", net.root]
        owner_args = ["--key", "owner.key", *api, "--wait", "30"]

        def show(*models):
            return cocoon_json("root", "show", *api, *[x for m in models for x in ("--model", m)])

        def balance(w):
            return net.balance(w["raw"])

        net.fund(owner["non_bounceable"], 5)
        net.fund(other["non_bounceable"], 5)

        # --- show -----------------------------------------------------------------
        s = show(qwen, llama)
        v0 = s["version"]
        check("show: owner is the key's wallet", s["owner_raw"] == owner["raw"], s)
        check("show: images", s["proxy_images"] == [i1] and s["worker_images"] == [], s)
        check("show: the model resolved by name",
              s["models"] == [{"hash": sha(qwen), "name": qwen}], s["models"])
        check("show: a --model name not listed", s["models_not_listed"] == [llama], s)
        check("show: proxies with seqnos",
              s["proxies"] == [{"seqno": 0, "endpoint": "127.0.0.1:8443"}]
              and s["next_proxy_seqno"] == 1, s)
        check("show: prices", s["prices"]["price_per_token_nanoton"] == "1000"
              and s["prices"]["worker_fee_per_token_nanoton"] == "800"
              and s["prices"]["cached_mult"] == 1000, s["prices"])
        check("show: stakes and delays",
              s["stakes"] == {"min_proxy_stake_nanoton": "10000000000",
                              "min_client_stake_nanoton": "1000000000",
                              "proxy_close_delay_s": 60, "client_close_delay_s": 120}, s)
        check("show: codes set", s["codes_set"] is True, s)
        text = cocoon("root", "show", *api, "--model", qwen).stdout
        check("show: text form",
              all(x in text for x in (owner["non_bounceable"], i1, f"{sha(qwen)}  {qwen}",
                                      "#0  127.0.0.1:8443", f"version:         {v0}")), text)
        unnamed = show()
        check("show: without --model, hashes only",
              unnamed["models"] == [{"hash": sha(qwen), "name": None}], unnamed["models"])

        # --- a non-owner key is refused before any fee ----------------------------
        before_other = balance(other)
        text = refused("non-owner", ["root", "add-proxy-image", i2, "--key", "other.key", *api],
                       "is not the owner", other["non_bounceable"], owner["non_bounceable"],
                       "nothing was sent")
        check("non-owner: wallet balance unchanged and still undeployed",
              balance(other) == before_other == 5 * NANO, (balance(other), before_other))
        check("non-owner: root unchanged", show()["version"] == v0)

        # --- arguments refused before anything is read or sent --------------------
        before_owner = balance(owner)
        refused("bad hash (not hex)", ["root", "add-proxy-image", "zz" * 32, *owner_args],
                "not a SHA-256 hash", "64 hex digits")
        refused("bad hash (63 digits)", ["root", "remove-worker-image", "1" * 63, *owner_args],
                "not a SHA-256 hash", "63 characters")
        refused("bad endpoint", ["root", "add-proxy", "no-port", *owner_args],
                "not a proxy endpoint")
        refused("bad endpoint port", ["root", "add-proxy", "host:70000", *owner_args],
                "not a proxy endpoint")
        refused("bad seqno", ["root", "remove-proxy", "one", *owner_args], "not a proxy seqno")
        refused("bad --root", ["root", "show", "--api", net.endpoint, "--root", "EQnope"],
                "not a TON address")
        refused("--root not a root (the owner's wallet, not deployed)",
                ["root", "add-model", "x", "--key", "owner.key", "--api", net.endpoint,
                 "--root", owner["raw"]], "cannot read the root", "not active")
        refused("bad --wait", ["root", "add-model", "x", "--key", "owner.key", *api,
                               "--wait", "-1"], "--wait")
        dead = f"http://127.0.0.1:{free_port()}/api/v2"
        refused("unreachable API", ["root", "show", "--api", dead, "--root", net.root],
                "TON API", "check --api")
        check("refusals: owner balance unchanged, root unchanged",
              balance(owner) == before_owner and show()["version"] == v0)

        # --- no-ops: nothing sent ---------------------------------------------------
        for name, args, says in [
            ("add a listed proxy image", ["add-proxy-image", i1], "already listed"),
            ("remove an absent worker image", ["remove-worker-image", w1], "not listed"),
            ("add a listed model", ["add-model", qwen], "already listed"),
            ("remove an absent model", ["remove-model", llama], "not listed"),
            ("add a registered endpoint", ["add-proxy", "127.0.0.1:8443"],
             "already registered as proxy #0"),
            ("remove an absent proxy", ["remove-proxy", "7"], "no proxy #7"),
        ]:
            r = cocoon_json("root", *args, *owner_args)
            check(f"no-op {name}: not changed, says why",
                  r["changed"] is False and says in r["message"], r)
        r = cocoon("root", "add-proxy-image", i1.upper(), *owner_args)
        check("no-op (text, upper-case hex): exit 0, says nothing to do",
              r.returncode == 0 and "nothing to do" in r.stdout and "no message sent" in r.stdout,
              r.stdout + r.stderr)
        check("no-ops: owner balance unchanged, root unchanged",
              balance(owner) == before_owner and show()["version"] == v0)

        # --- changes of every kind, each seen by show --json ------------------------
        version = v0
        changes = 0

        def change(args, expect, what):
            nonlocal version, changes
            r = cocoon_json("root", *args, *owner_args)
            changes += 1
            check(f"{what}: confirmed, version +1",
                  r["changed"] and r["confirmed"] and r["version_before"] == version
                  and r["version_after"] == version + 1, r)
            version += 1
            s = show(qwen, llama)
            check(f"{what}: seen by show", s["version"] == version and expect(s), s)
            return r

        r = change(["add-proxy-image", i2], lambda s: s["proxy_images"] == [i1, i2],
                   "add-proxy-image")
        check("add-proxy-image: first send deployed the owner's wallet", r["deploy"] is True, r)
        change(["remove-proxy-image", i1], lambda s: s["proxy_images"] == [i2],
               "remove-proxy-image")
        change(["add-worker-image", w1], lambda s: s["worker_images"] == [w1], "add-worker-image")
        change(["add-worker-image", w2], lambda s: s["worker_images"] == [w1, w2],
               "add-worker-image 2")
        change(["remove-worker-image", w1], lambda s: s["worker_images"] == [w2],
               "remove-worker-image")
        r = change(["add-model", llama],
                   lambda s: {"hash": sha(llama), "name": llama} in s["models"]
                   and s["models_not_listed"] == [], "add-model")
        check("add-model: hash is SHA-256 of the name", r["hash"] == sha(llama), r)
        change(["remove-model", qwen],
               lambda s: s["models"] == [{"hash": sha(llama), "name": llama}]
               and s["models_not_listed"] == [qwen], "remove-model")
        r = change(["add-proxy", "p2.local:9443"],
                   lambda s: s["proxies"] == [{"seqno": 0, "endpoint": "127.0.0.1:8443"},
                                              {"seqno": 1, "endpoint": "p2.local:9443"}],
                   "add-proxy")
        check("add-proxy: reports the seqno", r["proxy_seqno"] == 1, r)
        change(["remove-proxy", "0"],
               lambda s: s["proxies"] == [{"seqno": 1, "endpoint": "p2.local:9443"}]
               and s["next_proxy_seqno"] == 2, "remove-proxy")

        # Text output, and --wait 0 (sent, not waited for).
        r = cocoon("root", "add-proxy", "[::1]:8443", *owner_args)
        changes += 1
        check("text: exit 0, confirmed with the seqno",
              r.returncode == 0 and f"root version {version} -> {version + 1}, proxy #2 = [::1]:8443"
              in r.stdout and "register proxy endpoint [::1]:8443" in r.stdout,
              r.stdout + r.stderr)
        version += 1
        r = cocoon_json("root", "remove-model", llama, "--key", "owner.key", *api, "--wait", "0")
        changes += 1
        check("--wait 0: sent, not confirmed", r["changed"] and r["confirmed"] is False, r)
        deadline = time.time() + 30
        while show()["models"] and time.time() < deadline:
            time.sleep(0.5)
        s = show()
        check("--wait 0: the change lands", s["models"] == [] and s["version"] == version + 1, s)

        # Fees: the root returns what it does not spend of the 0.1 TON.
        spent = before_owner - balance(owner)
        check(f"{changes} changes cost less than 0.03 TON each (excesses came back)",
              0 < spent < changes * 30_000_000, spent)
    finally:
        net.stop()

    check("the private key never appears in any output", pem_secret not in "\n".join(outputs))


if __name__ == "__main__":
    why = localnet.available()
    if why:
        print(f"SKIPPED: {why}")
        sys.exit(SKIP)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="cocoon-root-") as tmp:
        main(tmp)
    print(f"{len(failures)} failure(s) in {time.time() - started:.1f} s")
    sys.exit(1 if failures else 0)

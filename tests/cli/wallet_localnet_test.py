"""`cocoon wallet` end to end against the local chain (contracts/localnet):
address, faucet funding, balance, a first send that deploys the wallet (v4r2
and v5r1), a second send from the active wallet, both balances checked, and
bad inputs refused with a clear message, a non-zero exit and no crash. The
private key and the API key never appear in any output.

Usage: wallet_localnet_test.py COCOON CONTRACTS_DIR
Exits 77 (skipped) when node or contracts/node_modules is missing.
"""
import base64
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

COCOON, CONTRACTS = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
NANO = 10**9
SKIP = 77
failures = []
outputs = []  # every stdout/stderr of cocoon, checked for secrets at the end


def check(name, condition, detail=""):
    print(("ok: " if condition else "FAILED: ") + name + ("" if condition else f" -- {detail}"),
          flush=True)
    if not condition:
        failures.append(name)


def cocoon(*args, timeout=60):
    r = subprocess.run([COCOON, *args], capture_output=True, text=True, timeout=timeout)
    outputs.append(r.stdout + r.stderr)
    return r


def cocoon_json(*args):
    r = cocoon(*args, "--json")
    if r.returncode != 0:
        raise RuntimeError(f"cocoon {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return json.loads(r.stdout)


def refused(name, args, *expected):
    """The command fails with exit 1 or 2 (no crash) and says every `expected`."""
    r = cocoon(*args)
    text = r.stdout + r.stderr
    check(f"{name}: non-zero exit without a crash", r.returncode in (1, 2),
          f"rc={r.returncode} {text}")
    for e in expected:
        check(f"{name}: says '{e}'", e in text, text)
    return text


def skip_reason():
    if shutil.which("node") is None:
        return "node is not installed"
    if not os.path.isdir(os.path.join(CONTRACTS, "node_modules", "@ton", "sandbox")):
        return f"{CONTRACTS}/node_modules is missing (cd contracts && npm ci)"
    if not os.path.exists(os.path.join(CONTRACTS, "build", "root.json")):
        return f"{CONTRACTS}/build is missing (cd contracts && npm run build)"
    return None


class Localnet:
    def __init__(self, tmp):
        self.proc = subprocess.Popen(
            ["node", os.path.join(CONTRACTS, "localnet", "main.js"), "--state",
             os.path.join(tmp, "state"), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        # Raw reads of the pipe: a buffered readline could hold the last
        # lines where select() no longer sees them.
        fd, out, deadline = self.proc.stdout.fileno(), "", time.time() + 30
        while "localnet: ready" not in out:
            if time.time() > deadline:
                raise RuntimeError("localnet did not start: " + out)
            if select.select([fd], [], [], 1)[0]:
                chunk = os.read(fd, 4096)
                if not chunk:
                    raise RuntimeError("localnet exited: " + out)
                out += chunk.decode(errors="replace")
        self.endpoint = re.search(r"localnet: endpoint (\S+)", out).group(1)
        self.base = self.endpoint[: self.endpoint.rfind("/api/v2")]

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=10) as r:
            return json.loads(r.read())["result"]

    def fund(self, address, nano):
        req = urllib.request.Request(self.base + "/localnet/faucet",
                                     data=json.dumps({"address": address,
                                                      "amount": str(nano)}).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())["result"]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def comment_of(tx):
    """The text comment of a transaction's incoming message, via `cocoon ton boc-decode`."""
    body = tx["in_msg"]["msg_data"]["body"]
    r = subprocess.run([COCOON, "ton", "boc-decode", "-", "--json"], input=body,
                       capture_output=True, text=True, timeout=30)
    root = json.loads(r.stdout)["roots"][0]
    data = root["data"].rstrip("_")
    if not data.startswith("00000000"):
        return None
    return bytes.fromhex(data[8:]).decode()


def main(tmp):
    os.chdir(tmp)
    # --- keys and addresses (offline) -----------------------------------------
    pub_a = cocoon("key", "generate", "--out", "a.key").stdout.strip()
    cocoon("key", "generate", "--out", "b.key")
    pem_secret = "".join(open("a.key").read().splitlines()[1:-1])
    with open("api.key", "w") as f:
        f.write("SECRET-API-KEY-5b1f0c\n")

    a = cocoon_json("wallet", "address", "--key", "a.key")
    b = cocoon_json("wallet", "address", "--key", "b.key")
    check("address: v4r2 by default", a["version"] == "v4r2", a)
    check("address: public key of the key file", a["public_key"] == pub_a, a)
    check("address: non-bounceable UQ, bounceable EQ",
          a["non_bounceable"].startswith("UQ") and a["bounceable"].startswith("EQ"), a)
    ton = cocoon_json("ton", "wallet-address", "--public-key", pub_a, "--wallet", "v4r2")
    check("address: agrees with `cocoon ton wallet-address`", ton["raw"] == a["raw"], (ton, a))
    text = cocoon("wallet", "address", "--key", "a.key").stdout
    check("address: text shows raw and both forms",
          all(x in text for x in (a["raw"], a["non_bounceable"], a["bounceable"])), text)
    t4 = cocoon_json("wallet", "address", "--key", "a.key", "--testnet")
    check("address: v4r2 raw address does not depend on the network", t4["raw"] == a["raw"], t4)
    check("address: testnet text form", t4["non_bounceable"].startswith("0Q"), t4)
    v5 = cocoon_json("wallet", "address", "--key", "a.key", "--version", "v5r1")
    v5t = cocoon_json("wallet", "address", "--key", "a.key", "--version", "v5r1", "--testnet")
    check("address: v5r1 differs from v4r2 and by network",
          len({a["raw"], v5["raw"], v5t["raw"]}) == 3, (v5, v5t))
    mc = cocoon_json("wallet", "address", "--key", "a.key", "--workchain", "-1")
    check("address: --workchain -1", mc["raw"].startswith("-1:"), mc)

    # --- the chain -------------------------------------------------------------
    net = Localnet(tmp)
    try:
        api = ["--api", net.endpoint, "--api-key-file", "api.key"]
        bal = cocoon_json("wallet", "balance", "--key", "a.key", *api)
        check("balance before funding: uninit, 0",
              bal["state"] == "uninit" and bal["balance_nanoton"] == "0" and bal["seqno"] == 0, bal)
        refused("send from an empty wallet",
                ["wallet", "send", "--key", "a.key", *api, "--to", b["non_bounceable"],
                 "--amount", "1"], "insufficient balance")

        net.fund(a["non_bounceable"], 5 * NANO)
        bal = cocoon_json("wallet", "balance", "--key", "a.key", *api)
        check("balance after the faucet: 5 TON, still uninit",
              bal == {**bal, "state": "uninit", "balance_nanoton": str(5 * NANO),
                      "balance_ton": "5", "seqno": 0}, bal)
        text = cocoon("wallet", "balance", "--key", "a.key", *api).stdout
        check("balance: text form", "5 TON (5000000000 nanoTON)" in text and "uninit" in text,
              text)

        # First send: deploys the wallet.
        sent = cocoon_json("wallet", "send", "--key", "a.key", *api, "--to", b["non_bounceable"],
                           "--amount", "1.5", "--comment", "hello from cocoon", "--wait", "20")
        check("send 1: confirmed, deployed, seqno 0 -> 1",
              sent["confirmed"] and sent["deploy"] and sent["seqno"] == 0
              and sent["new_seqno"] == 1, sent)
        check("send 1: amount exact, not bounceable to a UQ address",
              sent["amount_nanoton"] == "1500000000" and sent["bounce"] is False, sent)
        fee1 = int(sent["transaction"]["fee_nanoton"])
        check("send 1: one out message, a fee", sent["transaction"]["out_messages"] == 1
              and 0 < fee1 < NANO // 20, sent)
        bal_a = cocoon_json("wallet", "balance", "--key", "a.key", *api)
        bal_b = cocoon_json("wallet", "balance", "--key", "b.key", *api)
        spent = 5 * NANO - int(bal_a["balance_nanoton"])
        check("send 1: sender active, seqno 1", bal_a["state"] == "active" and bal_a["seqno"] == 1,
              bal_a)
        check("send 1: sender lost amount + fees", 1_500_000_000 < spent < 1_500_000_000 + NANO // 20
              and spent >= 1_500_000_000 + fee1, (spent, fee1))
        check("send 1: receiver got the amount", bal_b["balance_nanoton"] == "1500000000", bal_b)
        txs = net.get(f"/api/v2/getTransactions?address={b['raw']}&limit=1")
        check("send 1: receiver's message carries the comment",
              comment_of(txs[0]) == "hello from cocoon", txs[0]["in_msg"])

        # Second send from the active wallet, to a raw address (bounce auto:
        # no, the receiver is not deployed), text output.
        before_a = int(bal_a["balance_nanoton"])
        r = cocoon("wallet", "send", "--key", "a.key", *api, "--to", b["raw"],
                   "--amount", "0.25", "--wait", "20")
        check("send 2: exit 0", r.returncode == 0, r.stdout + r.stderr)
        check("send 2: text shows confirmation",
              "confirmed:       seqno 2" in r.stdout and "bounce: no" in r.stdout, r.stdout)
        bal_a = cocoon_json("wallet", "balance", "--key", "a.key", *api)
        bal_b2 = cocoon_json("wallet", "balance", "--key", "b.key", *api)
        got = int(bal_b2["balance_nanoton"]) - 1_500_000_000
        spent = before_a - int(bal_a["balance_nanoton"])
        check("send 2: receiver got 0.25 TON (less at most a storage fee)",
              250_000_000 - 1000 <= got <= 250_000_000, got)
        check("send 2: sender lost amount + fees, seqno 2",
              250_000_000 < spent < 250_000_000 + NANO // 20 and bal_a["seqno"] == 2, spent)

        # A v5r1 wallet of the same key: deploy and send.
        net.fund(v5["non_bounceable"], 2 * NANO)
        sent = cocoon_json("wallet", "send", "--key", "a.key", "--version", "v5r1", *api,
                           "--to", b["bounceable"], "--bounce", "no", "--amount", "0.5",
                           "--wait", "20")
        bal_v5 = cocoon_json("wallet", "balance", "--key", "a.key", "--version", "v5r1", *api)
        check("v5r1: deployed and sent", sent["confirmed"] and sent["deploy"]
              and bal_v5["state"] == "active" and bal_v5["seqno"] == 1, (sent, bal_v5))
        check("v5r1: --bounce no wins over an EQ address", sent["bounce"] is False, sent)
        bal_b3 = cocoon_json("wallet", "balance", "--key", "b.key", *api)
        got = int(bal_b3["balance_nanoton"]) - int(bal_b2["balance_nanoton"])
        check("v5r1: receiver got 0.5 TON", 500_000_000 - 1000 <= got <= 500_000_000, got)
        refused("v5r1 testnet wallet is another, empty account",
                ["wallet", "send", "--key", "a.key", "--version", "v5r1", "--testnet", *api,
                 "--to", b["raw"], "--amount", "0.1"], "insufficient balance")

        # --- bad inputs ---------------------------------------------------------
        send = ["wallet", "send", "--key", "a.key", *api]
        refused("bad address", [*send, "--to", "EQnot-an-address", "--amount", "1"],
                "not a TON address", "raw address")
        refused("bad address checksum",
                [*send, "--to", b["bounceable"][:-2] + ("AA" if b["bounceable"][-2:] != "AA"
                                                          else "BB"), "--amount", "1"],
                "not a TON address")
        refused("10 decimals", [*send, "--to", b["raw"], "--amount", "0.0000000001"],
                "more than 9 decimals")
        refused("negative amount", [*send, "--to", b["raw"], "--amount", "-1"], "negative")
        refused("zero amount", [*send, "--to", b["raw"], "--amount", "0.000"], "more than 0")
        refused("not a decimal", [*send, "--to", b["raw"], "--amount", "1e9"], "not a decimal")
        refused("comma decimal", [*send, "--to", b["raw"], "--amount", "1,5"], "not a decimal")
        refused("overflow", [*send, "--to", b["raw"], "--amount", "9" * 40], "too large")
        refused("overflow at the coins limit",
                [*send, "--to", b["raw"], "--amount", str(2**120 // NANO) + ".5"], "too large")
        text = refused("amount > balance", [*send, "--to", b["raw"], "--amount", "100"],
                       "insufficient balance", "fund the wallet or send less")
        check("amount > balance: shows the balance", bal_a["balance_ton"] in text, text)
        refused("balance minus fee reserve",
                [*send, "--to", b["raw"], "--amount", bal_a["balance_ton"]],
                "insufficient balance")
        refused("testnet address on mainnet", [*send, "--to", t4["bounceable"], "--amount", "1"],
                "testnet address")
        refused("bad --bounce", [*send, "--to", b["raw"], "--amount", "1", "--bounce", "maybe"],
                "--bounce")
        dead = f"http://127.0.0.1:{free_port()}/api/v2"
        start = time.time()
        refused("unreachable API (balance)",
                ["wallet", "balance", "--key", "a.key", "--api", dead, "--api-key-file", "api.key"],
                "TON API", "check --api")
        refused("unreachable API (send)",
                ["wallet", "send", "--key", "a.key", "--api", dead + "?api_key=SECRET-API-KEY-5b1f0c",
                 "--to", b["raw"], "--amount", "1"], "check --api")
        check("unreachable API: fails quickly", time.time() - start < 20, time.time() - start)
        refused("bad --api", ["wallet", "balance", "--key", "a.key", "--api", "ftp://x"], "--api")
        refused("missing key file", ["wallet", "address", "--key", "missing.key"],
                "cannot load the wallet key", "cocoon key generate")
        with open("not-a-key.pem", "w") as f:
            f.write("hello\n")
        refused("not a key file", ["wallet", "address", "--key", "not-a-key.pem"],
                "not a PEM private key")
        refused("missing --api-key-file",
                ["wallet", "balance", "--key", "a.key", "--api", net.endpoint,
                 "--api-key-file", "missing.txt"], "--api-key-file")
        refused("bad --version", ["wallet", "address", "--key", "a.key", "--version", "v3r2"],
                "v4r2 or v5r1")
        bal_after = cocoon_json("wallet", "balance", "--key", "a.key", *api)
        check("refused sends spent nothing", bal_after == bal_a, (bal_after, bal_a))
    finally:
        net.stop()

    everything = "\n".join(outputs)
    check("the private key never appears in any output", pem_secret not in everything)
    check("the API key never appears in any output", "SECRET-API-KEY-5b1f0c" not in everything)


if __name__ == "__main__":
    why = skip_reason()
    if why:
        print(f"SKIPPED: {why}")
        sys.exit(SKIP)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="cocoon-wallet-") as tmp:
        main(tmp)
    print(f"{len(failures)} failure(s) in {time.time() - started:.1f} s")
    sys.exit(1 if failures else 0)

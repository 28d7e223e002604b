"""The local TON chain (contracts/localnet: TON's emulator behind the TON HTTP
API v2) for the demo and the end-to-end tests: start it on a free port in a
folder, fund addresses from its faucet, and read contracts' get-methods.

Needs contracts/node_modules and the compiled contracts (bash
contracts/prepare.sh); `available()` says why not when they are missing.
"""
import json
import os
import re
import subprocess
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
CONTRACTS = os.path.realpath(os.path.join(HERE, "..", "..", "contracts"))
NANO = 10**9


def available():
    """None when the local chain can run here, else the reason it cannot."""
    if subprocess.run(["sh", "-c", "command -v node"], capture_output=True).returncode != 0:
        return "node is not installed"
    if not os.path.isdir(os.path.join(CONTRACTS, "node_modules", "@ton", "sandbox")):
        return "contracts/node_modules is missing (bash contracts/prepare.sh)"
    if not os.path.isfile(os.path.join(CONTRACTS, "build", "root.json")):
        return "the contracts are not compiled (bash contracts/prepare.sh)"
    return None


class Localnet:
    started = set()  # running chains, so a caller can stop what it left behind

    def __init__(self, workdir, config=None):
        self.dir = os.path.realpath(workdir)
        self.config = config or {}
        self.proc = None

    def start(self, timeout=60.0):
        os.makedirs(self.dir, exist_ok=True)
        args = ["node", os.path.join(CONTRACTS, "localnet", "main.js"), "--state",
                os.path.join(self.dir, "state"), "--port", "0"]
        if self.config:
            path = os.path.join(self.dir, "localnet.json")
            with open(path, "w") as f:
                json.dump(self.config, f)
            args += ["--config", path]
        self.log_path = os.path.join(self.dir, "localnet.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        Localnet.started.add(self)
        deadline = time.time() + timeout
        while time.time() < deadline:
            text = self.text()
            if "localnet: ready" in text:
                self.endpoint = re.search(r"localnet: endpoint (\S+)", text).group(1)
                self.root = re.search(r"localnet: root (\S+)", text).group(1)
                self.base_url = self.endpoint.rsplit("/api/v2", 1)[0]
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"localnet exited with {self.proc.returncode}:\n{text[-3000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"localnet did not start within {timeout}s:\n{self.text()[-3000:]}")

    def text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        Localnet.started.discard(self)
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and not self.log.closed:
            self.log.close()

    # ---- API -----------------------------------------------------------------

    def _post(self, path, body):
        req = urllib.request.Request(self.base_url + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def fund(self, address, ton):
        return self._post("/localnet/faucet", {"address": address, "amount": str(int(ton * NANO))})

    def get(self, address, method, stack=()):
        """The numbers a get-method returns (other entries as None)."""
        r = self._post("/api/v2/runGetMethod", {"address": address, "method": method,
                                                "stack": list(stack)})
        result = r.get("result", r)
        if result.get("exit_code") != 0:
            raise RuntimeError(f"{method} on {address}: exit code {result.get('exit_code')}")
        return [int(v, 16) if t == "num" else None for t, v in result["stack"]]

    def balance(self, address):
        req = urllib.request.Request(f"{self.endpoint}/getAddressBalance?address={address}")
        with urllib.request.urlopen(req, timeout=30) as r:
            body = json.loads(r.read())
        return int(body.get("result", body))

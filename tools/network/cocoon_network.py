"""Starts a Cocoon network on loopback from real processes: scripted
backends (a test fixture standing in for vLLM & co.), one or more proxies,
workers and a client, with simulated attestation and keys in a temporary
folder. Used by the README's demo, the end-to-end tests and the benchmarks.

Every daemon listens on port 0 and reports its port in its log; the launcher
reads the ports from there, so several networks can run at once.
"""
import hashlib
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request

class DaemonError(RuntimeError):
    pass


class Process:
    def __init__(self, name, args, log_path, env=None):
        self.name = name
        self.args = args
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env,
                                     stdin=subprocess.DEVNULL)

    def text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_for(self, pattern, timeout=20.0):
        deadline = time.time() + timeout
        regex = re.compile(pattern)
        while time.time() < deadline:
            m = regex.search(self.text())
            if m:
                return m
            if self.proc.poll() is not None:
                raise DaemonError(f"{self.name} exited with {self.proc.returncode}:\n{self.text()[-3000:]}")
            time.sleep(0.05)
        raise DaemonError(f"{self.name}: no '{pattern}' within {timeout}s:\n{self.text()[-3000:]}")

    def admin_url(self):
        """The daemon's admin port, from its log."""
        return "http://127.0.0.1:%s" % self.wait_for(r"admin on http://127\.0\.0\.1:(\d+)").group(1)

    def admin(self, path, method="GET"):
        req = urllib.request.Request(self.admin_url() + path, method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise DaemonError(f"{self.name} did not stop within {timeout}s of {sig}")
        self.log.close()
        return self.proc.returncode

    def kill(self):
        return self.stop(signal.SIGKILL)


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout.strip()


class Network:
    """A loopback network. `backends` is one list of scripted-backend flags per
    worker (e.g. ["--chunks", "5", "--delay-ms", "20"])."""

    def __init__(self, cocoon, backend, workdir, backends=(("--chunks", "8"),) * 2, proxies=1,
                 log_level="info", models=("scripted-model",), client_extra="", proxy_extra="",
                 worker_extra="", api_key=None, workers_per_backend=1, worker_max_concurrent=256,
                 chain=None, payments_extra=None):
        self.cocoon = os.path.realpath(cocoon)
        self.backend_bin = os.path.realpath(backend)
        self.dir = os.path.realpath(workdir)
        # Each backend: a list of flags, or {"flags": [...], "models": [...]}.
        self.backend_specs = [b if isinstance(b, dict) else {"flags": list(b)} for b in backends]
        self.proxy_count = proxies
        self.log_level = log_level
        self.models = list(models)
        self.client_extra = client_extra
        self.proxy_extra = proxy_extra
        self.worker_extra = worker_extra
        self.api_key = api_key  # sent by get_json when set
        self.workers_per_backend = workers_per_backend
        self.worker_max_concurrent = worker_max_concurrent
        self.backends, self.proxies, self.workers = [], [], []
        self.client = None
        self.client_url = None
        self.hashes = {}
        # A started localnet.Localnet: every daemon gets a funded node wallet
        # and a [payments] section (payments_extra: more keys per role).
        self.chain = chain
        self.payments_extra = payments_extra or {}
        self.wallets = {}  # daemon name -> raw wallet address

    # ---- configuration -------------------------------------------------------

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def _node_config(self, name, role, body, trusted):
        # On a chain the registry is the root contract; otherwise the
        # root-config file (the offline option).
        on_chain = self.chain is not None and not name.endswith("-template")
        text = f'key_file = "{name}.key"\nlog_level = "{self.log_level}"\n'
        if not on_chain:
            text += 'root_config = "root.toml"\n'
        if role == "client":
            text += '[attestation]\nprovider = "none"\n'
        else:
            text += '[attestation]\nprovider = "sim"\nplatform_key_file = "platform.key"\n'
        text += f'trusted_platform_keys = ["{trusted}"]\n'
        text += f'[measured]\nrole = "{role}"\n'
        text += body
        text += self._payments(name, role)
        if on_chain:
            text += (f'\n[registry]\nroot = "{self.chain.root}"\nton_api = "{self.chain.endpoint}"\n'
                     f'models = {json.dumps(self.models)}\nrefresh_s = 1\n')
        with open(self.path(f"{name}.toml"), "w") as f:
            f.write(text)
        return self.path(f"{name}.toml")

    FUND_TON = {"proxy": 50, "client": 20, "worker": 2}

    def _payments(self, name, role):
        """The [payments] section of a daemon on the local chain, its node
        wallet (the node key's v4r2 wallet) funded from the faucet."""
        if not self.chain or name.endswith("-template"):
            return ""
        key = self.path(f"{name}.key")
        if not os.path.exists(key):
            run([self.cocoon, "key", "generate", "--out", key])
        raw = json.loads(run([self.cocoon, "wallet", "address", "--key", key, "--json"]))["raw"]
        self.chain.fund(raw, self.FUND_TON[role])
        self.wallets[name] = raw
        extra = self.payments_extra.get(role, "")

        def default(key, value):  # unless payments_extra sets it
            return "" if re.search(rf"^{key}\s*=", extra, re.M) else f"{key} = {value}\n"

        text = f'\n[payments]\nton_api = "{self.chain.endpoint}"\n'
        if role == "proxy":
            text += f'root = "{self.chain.root}"\nledger = "{name}-ledger.sqlite"\n' + default("anchor_interval_s", 2)
        else:
            text += f'vouchers = "{name}-vouchers.json"\n' + default("submit_interval_s", 1)
        if role == "client":
            text += default("min_balance_ton", '"5"')
        return text + extra

    def _root_config(self, proxy_hashes, worker_hashes):
        # A JSON array of strings is also a TOML array of strings.
        with open(self.path("root.toml"), "w") as f:
            f.write("version = 1\n"
                    f"proxy_image_hashes = {json.dumps(proxy_hashes)}\n"
                    f"worker_image_hashes = {json.dumps(worker_hashes)}\n"
                    f"models = {json.dumps(self.models)}\n"
                    "[prices]\nprice_per_token = 20\nworker_fee_per_token = 16\n")

    # ---- life cycle ----------------------------------------------------------

    def start(self):
        os.makedirs(self.dir, exist_ok=True)
        platform = run([self.cocoon, "key", "generate", "--out", self.path("platform.key")])
        self.platform = platform
        # The root config must exist before anyone is measured (measure reads settings only).
        self._root_config([], [])
        for i, spec in enumerate(self.backend_specs):
            models = spec.get("models", self.models)
            p = Process(f"backend-{i + 1}",
                        [self.backend_bin, "--listen", "127.0.0.1:0", "--models", ",".join(models)]
                        + list(spec.get("flags", [])),
                        self.path(f"backend-{i + 1}.log"))
            p.models = models
            port = int(p.wait_for(r"listening 127\.0\.0\.1:(\d+)").group(1))
            p.url = f"http://127.0.0.1:{port}"
            self.backends.append(p)

        proxy_body = '[proxy]\nworkers_listen = "127.0.0.1:0"\nclients_listen = "127.0.0.1:0"\n' + self.proxy_extra
        # What is measured ([measured] and the binary) does not depend on the
        # rest of the file: measure templates, then write the real files.
        proxy_template = self._node_config("proxy-template", "proxy", proxy_body, platform)
        proxy_hash = run([self.cocoon, "measure", "--config", proxy_template, "--role", "proxy"])
        self.hashes["proxy"] = proxy_hash
        worker_template = self._node_config("worker-template", "worker", "", platform)
        worker_hash = run([self.cocoon, "measure", "--config", worker_template, "--role", "worker"])
        self.hashes["worker"] = worker_hash
        self._root_config([proxy_hash], [worker_hash])
        if self.chain is not None and self.chain.proc is None:
            # The root starts with these images and models listed.
            self.chain.config.setdefault("proxyImages", [proxy_hash])
            self.chain.config.setdefault("workerImages", [worker_hash])
            self.chain.config.setdefault("models", [hashlib.sha256(m.encode()).hexdigest() for m in self.models])
            self.chain.start()
        proxy_cfgs = [self._node_config(f"proxy-{i + 1}", "proxy", proxy_body, platform)
                      for i in range(self.proxy_count)]

        for i, cfg in enumerate(proxy_cfgs):
            p = Process(f"proxy-{i + 1}", [self.cocoon, "proxy", "--config", cfg], self.path(f"proxy-{i + 1}.log"))
            m = p.wait_for(r"workers on 127\.0\.0\.1:(\d+), clients on 127\.0\.0\.1:(\d+)",
                           timeout=90.0 if self.chain else 20.0)
            p.workers_port, p.clients_port = int(m.group(1)), int(m.group(2))
            self.proxies.append(p)

        worker_proxies = json.dumps([f"127.0.0.1:{p.workers_port}" for p in self.proxies])
        for b in self.backends:
            for _ in range(self.workers_per_backend):
                self._start_worker(b, len(self.workers), worker_proxies, platform)

        client_proxies = json.dumps([f"127.0.0.1:{p.clients_port}" for p in self.proxies])
        cfg = self._node_config("client", "client",
                                f'[client]\nlisten = "127.0.0.1:0"\nproxies = {client_proxies}\n' + self.client_extra,
                                platform)
        self.client = Process("client", [self.cocoon, "client", "--config", cfg], self.path("client.log"))
        port = int(self.client.wait_for(r"client API on http://127\.0\.0\.1:(\d+)").group(1))
        self.client_url = f"http://127.0.0.1:{port}"
        self.wait_for_workers(len(self.workers),
                              timeout=max(90.0 if self.chain else 20.0, len(self.workers) / 4))
        return self

    def _start_worker(self, backend, i, worker_proxies, platform):
        cfg = self._node_config(
            f"worker-{i + 1}", "worker",
            f'[worker]\nname = "worker-{i + 1}"\nproxies = {worker_proxies}\nbackend = "{backend.url}"\n'
            f'models = {json.dumps(backend.models)}\nprice_coefficient = {1000 + 100 * (i % 10)}\n'
            f'max_concurrent = {self.worker_max_concurrent}\nhealth_interval_ms = 500\n' + self.worker_extra,
            platform)
        worker = Process(f"worker-{i + 1}", [self.cocoon, "worker", "--config", cfg],
                         self.path(f"worker-{i + 1}.log"))
        worker.models = backend.models
        self.workers.append(worker)

    def wait_for_workers(self, count, timeout=20.0):
        """Waits until the client's /v1/models shows `count` live workers."""
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                models = self.get_json("/v1/models")
                last = models
                if sum(m.get("workers", 0) for m in models["data"]) >= sum(len(w.models) for w in self.workers[:count]):
                    return models
            except Exception as e:  # not up yet
                last = e
            time.sleep(0.1)
        raise DaemonError(f"workers did not come up: {last}\n" + "\n".join(
            f"--- {p.name}\n{p.text()[-2000:]}" for p in self.daemons()))

    def add_worker(self, name, backend_flags, measured_extra="", platform_key=None):
        """Starts one more backend and a worker for it, possibly one that
        should be refused (an altered [measured] table, another platform key)."""
        b = Process(f"backend-{name}", [self.backend_bin, "--listen", "127.0.0.1:0", "--models",
                                        ",".join(self.models)] + list(backend_flags),
                    self.path(f"backend-{name}.log"))
        b.url = "http://127.0.0.1:%s" % b.wait_for(r"listening 127\.0\.0\.1:(\d+)").group(1)
        self.backends.append(b)
        b.models = []  # not expected to come up
        key_file = platform_key or "platform.key"
        worker_proxies = json.dumps([f"127.0.0.1:{p.workers_port}" for p in self.proxies])
        text = (f'key_file = "{name}.key"\nlog_level = "{self.log_level}"\nroot_config = "root.toml"\n'
                f'[attestation]\nprovider = "sim"\nplatform_key_file = "{key_file}"\n'
                f'trusted_platform_keys = ["{self.platform}"]\n'
                f'[measured]\nrole = "worker"\n{measured_extra}\n'
                f'[worker]\nname = "{name}"\nproxies = {worker_proxies}\nbackend = "{b.url}"\n'
                f'models = {json.dumps(self.models)}\n')
        with open(self.path(f"{name}.toml"), "w") as f:
            f.write(text)
        w = Process(name, [self.cocoon, "worker", "--config", self.path(f"{name}.toml")],
                    self.path(f"{name}.log"))
        w.models = []  # not expected to come up
        self.workers.append(w)
        return w, b

    def daemons(self):
        return self.proxies + self.workers + ([self.client] if self.client else [])

    def stop(self):
        """SIGTERM every process; returns {name: exit code}."""
        codes = {}
        for p in ([self.client] if self.client else []) + self.workers + self.proxies + self.backends:
            try:
                codes[p.name] = p.stop()
            except DaemonError as e:
                codes[p.name] = str(e)
        return codes

    # ---- HTTP helpers --------------------------------------------------------

    def get_json(self, path, headers=None):
        headers = dict(headers or {})
        if self.api_key and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(self.client_url + path, headers=headers)
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())


def chat_body(content="Hello", stream=False, model="scripted-model", **extra):
    body = {"model": model, "messages": [{"role": "user", "content": content}], "stream": stream}
    body.update(extra)
    return json.dumps(body).encode()

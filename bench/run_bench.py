#!/usr/bin/env python3
"""Cocoon benchmarks: the cost of the network path, side by side with the
backend it fronts, measured in one run (bench/README.md).

Workload A: streamed chat completions, the scripted backend sends 50 chunks of
128 bytes and a usage record with no delay; concurrency 1, 10, 30; keep-alive
on and off; each point direct to the backend and through client -> proxy ->
worker, against the same backend process.

Workload B: N concurrent long streams (one chunk every 50 ms for 10 s)
through one proxy and one client, workers spread over several processes.
Measures proxy and client memory per open stream and event lateness.

The backend is the scripted fixture (tools/scripted_backend), not a model.
Writes JSON (--json) and a Markdown table (--markdown).
"""
import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "network"))
from cocoon_network import Network  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---- process accounting ------------------------------------------------------

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def rss_bytes(pid):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE


def peak_rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak_rss(pid):
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass  # then the peak is since the start


class Meter:
    """CPU seconds and peak RSS of named processes over one measured point."""

    def __init__(self, procs):
        self.procs = procs  # {name: pid}
        for pid in procs.values():
            reset_peak_rss(pid)
        self.cpu0 = {n: cpu_seconds(p) for n, p in procs.items()}

    def finish(self, requests):
        out = {}
        for name, pid in self.procs.items():
            cpu = cpu_seconds(pid) - self.cpu0[name]
            out[name] = {"cpu_s": round(cpu, 3),
                         "cpu_s_per_1000_req": round(cpu * 1000 / max(requests, 1), 4),
                         "peak_rss_mib": round(peak_rss_bytes(pid) / 2**20, 1)}
        return out


class RssSampler(threading.Thread):
    """Samples the RSS of processes every `period` seconds; keeps the max."""

    def __init__(self, procs, period=0.1):
        super().__init__(daemon=True)
        self.procs, self.period = procs, period
        self.max = {n: 0 for n in procs}
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            for n, pid in self.procs.items():
                try:
                    self.max[n] = max(self.max[n], rss_bytes(pid))
                except OSError:
                    pass
            self.stopped.wait(self.period)

    def stop(self):
        self.stopped.set()
        self.join()
        return self.max


# ---- CPU placement -----------------------------------------------------------

def cpu_sets(layout):
    """The CPUs of the baseline's processes (backend, load generator) and of
    the network's daemons, or None for both when everything shares every CPU.

    "split" models a deployment, where the daemons do not take CPU from the
    inference backend (the worker's host CPUs idle while a GPU computes; the
    proxy and the client run on their own machines): the first half of the
    CPUs runs the backend and the load generator in both the direct and the
    network run, the second half runs client, proxy and worker."""
    cpus = sorted(os.sched_getaffinity(0))
    if layout == "shared":
        return None, None
    if len(cpus) < 2:
        sys.exit("run_bench: --cpu-layout split needs at least 2 CPUs")
    half = len(cpus) // 2
    return set(cpus[:half]), set(cpus[half:])


def pin(pid, cpus):
    """Puts every thread of `pid` on `cpus` (a process's affinity is per thread)."""
    if cpus is None:
        return
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(tid), cpus)
        except ProcessLookupError:
            pass  # a thread that ended since


def allowed_cpus(pid):
    """The CPUs each thread of `pid` may run on, as the kernel reports them
    (e.g. "1" or "0-1"; "0 / 0-1" when its threads differ)."""
    lists = set()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("Cpus_allowed_list:"):
                        lists.add(line.split(":", 1)[1].strip())
        except FileNotFoundError:
            pass
    return " / ".join(sorted(lists))


# ---- load --------------------------------------------------------------------

def loadgen(args, port, body_file, concurrency, requests, keep_alive, headers=(), extra=(), cpus=None):
    cmd = [args.loadgen, "--port", str(port), "--body-file", body_file, "-c", str(concurrency),
           "-n", str(requests), "--keep-alive", "on" if keep_alive else "off"] + list(extra)
    for h in headers:
        cmd += ["--header", h]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
    return proc


def workload_a(args, workdir):
    net = Network(args.cocoon, args.backend, os.path.join(workdir, "a"),
                  backends=[["--chunks", "50", "--chunk-bytes", "128", "--completion-tokens", "50"]],
                  log_level="info").start()
    try:
        body_file = os.path.join(workdir, "a-body.json")
        with open(body_file, "w") as f:
            json.dump({"model": "scripted-model", "messages": [{"role": "user", "content": "Hello"}],
                       "stream": True, "stream_options": {"include_usage": True}}, f)
        backend = net.backends[0]
        backend_port = int(backend.url.rsplit(":", 1)[1])
        client_port = int(net.client_url.rsplit(":", 1)[1])
        daemons = {"client": net.client.proc.pid, "proxy": net.proxies[0].proc.pid,
                   "worker": net.workers[0].proc.pid, "backend": backend.proc.pid}
        pin(backend.proc.pid, args.baseline_cpus)
        for name in ("client", "proxy", "worker"):
            pin(daemons[name], args.network_cpus)
        # Read back, so the report says where each process ran.
        cpus = {name: allowed_cpus(pid) for name, pid in daemons.items()}
        cpus["loadgen"] = (",".join(map(str, sorted(args.baseline_cpus))) if args.baseline_cpus
                           else allowed_cpus(os.getpid()))  # what each loadgen starts with
        points = []
        for ka in (True, False):
            for c in args.concurrency:
                direct, network = measure_pair(args, backend_port, client_port, body_file, c, ka,
                                               {"backend": backend.proc.pid}, daemons)
                point = {"concurrency": c, "keep_alive": ka, "direct": direct, "network": network,
                         "ratio": ratios(direct, network)}
                points.append(point)
                print(point_line(point), flush=True)
        # The same path below saturation: at a fixed offered rate the latency
        # no longer includes the queueing a closed loop builds on a busy CPU.
        open_points = []
        base = next((p for p in points if p["keep_alive"] and p["concurrency"] == max(args.concurrency)), None)
        if base and args.open_fraction > 0:
            rate = round(base["direct"]["requests_per_s"] * args.open_fraction)
            c = base["concurrency"]
            direct, network = measure_pair(args, backend_port, client_port, body_file, c, True,
                                           {"backend": backend.proc.pid}, daemons,
                                           extra=["--rate", str(rate)])
            point = {"concurrency": c, "keep_alive": True, "rate": rate, "direct": direct,
                     "network": network, "ratio": ratios(direct, network)}
            open_points.append(point)
            print(point_line(point), flush=True)
        return {"network_exit_codes": None, "cpus": cpus, "points": points,
                "open_loop_points": open_points}, net
    except BaseException:
        net.stop()
        raise


def measure_pair(args, direct_port, network_port, body_file, c, ka, direct_procs, network_procs, extra=()):
    """One point, direct and through the network, in alternating slices.

    The machine's speed drifts over seconds (a VM shares its host), so the
    requests are split into --slices slices run direct, network, direct, ...
    and each side's slices are merged: both sides see the same drift."""
    n = args.requests
    slices = max(1, min(args.slices, n // max(c, 1)))
    sizes = [n // slices + (1 if i < n % slices else 0) for i in range(slices)]
    for port in (direct_port, network_port):
        warm = loadgen(args, port, body_file, c, max(c * 4, 50), ka, cpus=args.baseline_cpus)
        warm.communicate()
    direct, network = [], []
    for size in sizes:
        direct.append(measure_slice(args, direct_port, body_file, c, size, ka, direct_procs, extra))
        network.append(measure_slice(args, network_port, body_file, c, size, ka, network_procs, extra))
    return merge_slices(direct), merge_slices(network)


def measure_slice(args, port, body_file, c, n, ka, procs, extra=()):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    meter = Meter(procs)
    proc = loadgen(args, port, body_file, c, n, ka, extra=["--samples"] + list(extra),
                   cpus=args.baseline_cpus)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"loadgen failed ({proc.returncode}): {err}")
    summary = json.loads(out)
    summary["processes"] = meter.finish(summary["requests"])
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    summary["processes"]["loadgen"] = {"cpu_s": round(cpu, 3)}
    return summary


def distribution(values):
    """The loadgen's percentiles (nearest rank), over merged samples."""
    values = sorted(values)
    if not values:
        return {"p50": 0, "p90": 0, "p99": 0, "max": 0, "mean": 0}
    def pct(p):
        rank = max(1, min(len(values), -(-len(values) * p // 100)))
        return values[int(rank) - 1]
    return {"p50": pct(50), "p90": pct(90), "p99": pct(99), "max": values[-1],
            "mean": sum(values) / len(values)}


def merge_slices(slices):
    """One summary for a point from its slices' loadgen summaries."""
    out = {k: slices[0][k] for k in ("concurrency", "keep_alive")}
    for k in ("requests", "ok", "failed"):
        out[k] = sum(s[k] for s in slices)
    out["slices"] = len(slices)
    out["wall_s"] = sum(s["wall_s"] for s in slices)
    out["requests_per_s"] = out["ok"] / out["wall_s"] if out["wall_s"] else 0
    out["tokens_per_s"] = sum(s["tokens_per_s"] * s["wall_s"] for s in slices) / (out["wall_s"] or 1)
    out["slice_requests_per_s"] = [round(s["requests_per_s"]) for s in slices]
    for k in ("events_per_request", "body_bytes_per_request"):
        out[k] = sum(s[k] * s["ok"] for s in slices) / (out["ok"] or 1)
    out["errors"], out["error_examples"] = {}, {}
    for s in slices:
        for kind, count in s["errors"].items():
            out["errors"][kind] = out["errors"].get(kind, 0) + count
        for kind, example in s["error_examples"].items():
            out["error_examples"].setdefault(kind, example)
    for k in ("latency_ms", "first_chunk_ms"):
        out[k] = distribution([v for s in slices for v in s["samples"][k]])
    out["processes"] = {}
    for name in slices[0]["processes"]:
        cpu = sum(s["processes"][name]["cpu_s"] for s in slices)
        merged = {"cpu_s": round(cpu, 3), "cpu_s_per_1000_req": round(cpu * 1000 / max(out["requests"], 1), 4)}
        peaks = [s["processes"][name]["peak_rss_mib"] for s in slices if "peak_rss_mib" in s["processes"][name]]
        if peaks:
            merged["peak_rss_mib"] = max(peaks)
        out["processes"][name] = merged
    return out


def ratios(direct, network):
    def r(a, b):
        return round(a / b, 3) if b else None
    return {
        "throughput": r(network["requests_per_s"], direct["requests_per_s"]),
        "latency_p50_added_ms": round(network["latency_ms"]["p50"] - direct["latency_ms"]["p50"], 3),
        "latency_p50": r(network["latency_ms"]["p50"], direct["latency_ms"]["p50"]),
        "latency_p99": r(network["latency_ms"]["p99"], direct["latency_ms"]["p99"]),
        "first_chunk_p50_added_ms": round(network["first_chunk_ms"]["p50"] - direct["first_chunk_ms"]["p50"], 3),
        "first_chunk_p50": r(network["first_chunk_ms"]["p50"], direct["first_chunk_ms"]["p50"]),
    }


def point_line(p):
    d, n, r = p["direct"], p["network"], p["ratio"]
    loop = f" open loop {p['rate']} req/s" if "rate" in p else ""
    return (f"A c={p['concurrency']:>2} keep-alive={'on ' if p['keep_alive'] else 'off'}{loop}: "
            f"direct {d['requests_per_s']:.0f} req/s p50 {d['latency_ms']['p50']:.2f} ms | "
            f"network {n['requests_per_s']:.0f} req/s p50 {n['latency_ms']['p50']:.2f} ms "
            f"ttfc {n['first_chunk_ms']['p50']:.2f} ms | throughput x{r['throughput']}, "
            f"p50 +{r['latency_p50_added_ms']:.2f} ms, errors {d['failed']}/{n['failed']}")


# ---- workload B ----------------------------------------------------------------

def workload_b(args, workdir, streams):
    backends = args.b_backends
    per_backend = max(1, args.b_workers // backends)
    flags = ["--chunks", str(args.b_chunks), "--chunk-bytes", "32", "--delay-ms", str(args.b_interval_ms)]
    net = Network(args.cocoon, args.backend, os.path.join(workdir, f"b{streams}"),
                  backends=[flags] * backends, workers_per_backend=per_backend,
                  log_level="info", worker_max_concurrent=max(256, streams),
                  # One client carries every stream: lift the proxy's per-client limit.
                  proxy_extra=f"max_requests_per_client = {streams + 100}\n",
                  client_extra=f"max_connections = {streams + 100}\n").start()
    try:
        body_file = os.path.join(workdir, "b-body.json")
        with open(body_file, "w") as f:
            prompt = "Hello" if args.b_prompt_bytes <= 0 else "x" * args.b_prompt_bytes
            json.dump({"model": "scripted-model", "messages": [{"role": "user", "content": prompt}],
                       "stream": True, "stream_options": {"include_usage": True}}, f)
        client_port = int(net.client_url.rsplit(":", 1)[1])
        watched = {"client": net.client.proc.pid, "proxy": net.proxies[0].proc.pid}
        time.sleep(1.0)
        idle = {n: rss_bytes(p) for n, p in watched.items()}
        sampler = RssSampler(watched)
        sampler.start()
        meter = Meter(watched)
        groups = {"workers": [w.proc.pid for w in net.workers], "backends": [b.proc.pid for b in net.backends]}
        group_cpu0 = {g: sum(cpu_seconds(p) for p in pids) for g, pids in groups.items()}
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        ramp_ms = max(1000, streams // 2)
        proc = loadgen(args, client_port, body_file, streams, streams, True,
                       extra=["--ramp-ms", str(ramp_ms), "--expect-interval-ms", str(args.b_interval_ms),
                              "--threads", "1", "--timeout-ms", "300000"])
        out, err = proc.communicate()
        peak = sampler.stop()
        if proc.returncode != 0:
            raise RuntimeError(f"loadgen failed ({proc.returncode}): {err}")
        summary = json.loads(out)
        summary["processes"] = meter.finish(summary["requests"])
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        summary["processes"]["loadgen"] = {"cpu_s": round((r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime), 3)}
        for g, pids in groups.items():
            summary["processes"][g] = {"cpu_s": round(sum(cpu_seconds(p) for p in pids) - group_cpu0[g], 3),
                                       "processes": len(pids)}
        summary["streams"] = streams
        summary["worker_processes"] = len(net.workers)
        summary["worker_connections"] = len(net.workers)  # one per worker process and proxy
        summary["memory_per_stream_kib"] = {
            n: round((peak[n] - idle[n]) / 1024 / streams, 2) for n in watched}
        summary["idle_rss_mib"] = {n: round(idle[n] / 2**20, 1) for n in watched}
        summary["sampled_peak_rss_mib"] = {n: round(peak[n] / 2**20, 1) for n in watched}
        lat = summary.get("event_lateness_ms", {})
        print(f"B streams={streams}: ok {summary['ok']}/{summary['requests']}, errors {summary['errors']}, "
              f"memory/stream proxy {summary['memory_per_stream_kib']['proxy']} KiB, "
              f"client {summary['memory_per_stream_kib']['client']} KiB, "
              f"event lateness p50 {lat.get('p50', 0):.1f} ms p99 {lat.get('p99', 0):.1f} ms", flush=True)
        return summary, net
    except BaseException:
        net.stop()
        raise


# ---- report --------------------------------------------------------------------

def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem, 1),
            "kernel": platform.release(), "python": platform.python_version()}


def commit():
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
        # The results files themselves do not make a run's code dirty.
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ":(top)",
                                ":(top,exclude)bench/RESULTS.md", ":(top,exclude)bench/results.json"], capture_output=True,
                               text=True, cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except OSError:
        return "?"


def percentiles_cell(summary):
    l = summary["latency_ms"]
    return f"{l['p50']:.2f} / {l['p90']:.2f} / {l['p99']:.2f}"


def cpu_cell(processes):
    return " / ".join(f"{processes[n]['cpu_s_per_1000_req']:.2f}" for n in ("client", "proxy", "worker", "backend"))


def markdown(report):
    m = report["machine"]
    lines = [f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux {m['kernel']}. "
             f"Commit {report['commit']}, {report['date']}.", "",
             f"Command: `{report['command']}`", ""]
    if "workload_a" in report:
        lines += ["### Workload A: 50 chunks × 128 B, no delay, streamed", "",
                  "Each row: the same scripted backend process, measured directly and through "
                  "client → proxy → worker in the same run, in alternating slices (direct, network, "
                  f"direct, ...; {report['args'].get('slices', 1)} of each) merged per side. "
                  "Latencies in ms; CPU in seconds per 1,000 requests.", "",
                  "CPU layout: " + ("split: the backend and the load generator on the first half of "
                                    "the CPUs, client, proxy and worker on the second half, in both runs"
                                    if report["args"].get("cpu_layout") == "split" else
                                    "shared: every process on every CPU") + " (CPUs allowed: "
                  + ", ".join(f"{n} {c}" for n, c in report["workload_a"].get("cpus", {}).items()) + ").", "",
                  "| conc. | keep-alive | direct req/s | network req/s | throughput ratio | direct p50 / p90 / p99 | "
                  "network p50 / p90 / p99 | p50 added | network TTFC p50 / p99 | errors | CPU/1k req client / proxy / worker / backend | "
                  "peak RSS MiB client / proxy / worker |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for p in report["workload_a"]["points"]:
            d, n, r = p["direct"], p["network"], p["ratio"]
            pr = n["processes"]
            lines.append(
                f"| {p['concurrency']} | {'on' if p['keep_alive'] else 'off'} | {d['requests_per_s']:.0f} | "
                f"{n['requests_per_s']:.0f} | {r['throughput']:.2f} | "
                f"{percentiles_cell(d)} | {percentiles_cell(n)} | {r['latency_p50_added_ms']:+.2f} | "
                f"{n['first_chunk_ms']['p50']:.2f} / {n['first_chunk_ms']['p99']:.2f} | {d['failed']} / {n['failed']} | "
                f"{cpu_cell(pr)} (direct backend {d['processes']['backend']['cpu_s_per_1000_req']:.2f}) | "
                f"{pr['client']['peak_rss_mib']} / {pr['proxy']['peak_rss_mib']} / {pr['worker']['peak_rss_mib']} |")
        lines.append("")
        open_points = report["workload_a"].get("open_loop_points", [])
        if open_points:
            lines += ["Open loop: requests started at a fixed rate (a fraction of the direct throughput "
                      "above), at most `conc.` in flight, timed from when each was due. Below saturation "
                      "the added latency is the path's own, not queueing.", "",
                      "| offered req/s | achieved req/s direct / network | conc. | direct p50 / p90 / p99 | "
                      "network p50 / p90 / p99 | p50 added | "
                      "TTFC p50 direct / network | errors | CPU/1k req client / proxy / worker / backend |",
                      "|---|---|---|---|---|---|---|---|---|"]
            short = []
            for p in open_points:
                d, n, r = p["direct"], p["network"], p["ratio"]
                pr = n["processes"]
                for side, got in (("direct", d), ("network", n)):
                    if got["requests_per_s"] < 0.95 * p["rate"]:
                        short.append(f"the {side} run kept up only {got['requests_per_s']:.0f} of "
                                     f"{p['rate']} req/s")
                lines.append(
                    f"| {p['rate']} | {d['requests_per_s']:.0f} / {n['requests_per_s']:.0f} | "
                    f"{p['concurrency']} | "
                    f"{percentiles_cell(d)} | {percentiles_cell(n)} | {r['latency_p50_added_ms']:+.2f} | "
                    f"{d['first_chunk_ms']['p50']:.2f} / {n['first_chunk_ms']['p50']:.2f} | "
                    f"{d['failed']} / {n['failed']} | {cpu_cell(pr)} |")
            lines.append("")
            if short:
                lines += ["Not below saturation in this run: " + "; ".join(short) +
                          " (its latency is queueing, not the path's own).", ""]
    for b in report.get("workload_b", []):
        lat = b.get("event_lateness_ms", {})
        lines += [f"### Workload B: {b['streams']} concurrent streams "
                  f"(one chunk every {report['args']['b_interval_ms']} ms, {report['args']['b_chunks']} chunks"
                  + (f", {report['args']['b_prompt_bytes']}-byte prompts"
                     if report['args'].get('b_prompt_bytes', 0) > 0 else "") + ")", "",
                  "| streams | worker processes (= connections) | ok / failed | proxy KiB per stream | "
                  "client KiB per stream | peak RSS MiB proxy / client | TTFC p50 / p99 ms | "
                  "event lateness p50 / p99 / max ms | stream duration p50 / p99 ms | "
                  "CPU s proxy / client / workers / backends / loadgen |",
                  "|---|---|---|---|---|---|---|---|---|---|",
                  f"| {b['streams']} | {b['worker_processes']} | {b['ok']} / {b['failed']} | "
                  f"{b['memory_per_stream_kib']['proxy']} | {b['memory_per_stream_kib']['client']} | "
                  f"{b['sampled_peak_rss_mib']['proxy']} / {b['sampled_peak_rss_mib']['client']} | "
                  f"{b['first_chunk_ms']['p50']:.1f} / {b['first_chunk_ms']['p99']:.1f} | "
                  f"{lat.get('p50', 0):.1f} / {lat.get('p99', 0):.1f} / {lat.get('max', 0):.1f} | "
                  f"{b['latency_ms']['p50']:.0f} / {b['latency_ms']['p99']:.0f} | "
                  f"{b['processes']['proxy']['cpu_s']} / {b['processes']['client']['cpu_s']} / "
                  f"{b['processes']['workers']['cpu_s']} / {b['processes']['backends']['cpu_s']} / "
                  f"{b['processes']['loadgen']['cpu_s']} |", ""]
        if b["failed"]:
            lines += [f"Errors: {json.dumps(b['errors'])}; e.g. {json.dumps(b['error_examples'])}", ""]
    return "\n".join(lines)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(root, "build"), help="build folder")
    ap.add_argument("--workload", choices=["a", "b", "all"], default="all")
    ap.add_argument("--requests", type=int, default=5000, help="workload A: requests per point")
    ap.add_argument("--open-fraction", type=float, default=0.35,
                    help="workload A: also run an open loop at this fraction of the direct throughput "
                         "measured at the highest concurrency (0: none)")
    ap.add_argument("--slices", type=int, default=5,
                    help="workload A: run each point in this many alternating direct/network slices")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 30])
    ap.add_argument("--cpu-layout", choices=["shared", "split"], default="shared",
                    help="workload A: every process on every CPU (shared), or the backend and the "
                         "load generator on the first half of the CPUs and client, proxy and worker "
                         "on the second half, in both the direct and the network run (split)")
    ap.add_argument("--streams", type=int, nargs="+", default=[1000, 10000], help="workload B points")
    ap.add_argument("--b-workers", type=int, default=200, help="workload B: worker processes")
    ap.add_argument("--b-backends", type=int, default=10, help="workload B: backend processes")
    ap.add_argument("--b-chunks", type=int, default=200, help="workload B: chunks per stream")
    ap.add_argument("--b-interval-ms", type=int, default=50, help="workload B: delay between chunks")
    ap.add_argument("--b-prompt-bytes", type=int, default=0,
                    help="workload B: pad each request's prompt to this many bytes (0: \"Hello\")")
    ap.add_argument("--json", default=os.path.join(here, "results.json"))
    ap.add_argument("--markdown", default=os.path.join(here, "RESULTS.md"))
    ap.add_argument("--append", action="store_true",
                    help="add this run to the Markdown file and to the JSON file's runs instead of replacing them")
    ap.add_argument("--smoke", action="store_true",
                    help="a short run that only checks that everything works (CI)")
    args = ap.parse_args()
    if args.smoke:
        args.requests, args.concurrency, args.slices = 200, [1, 4], 2
        args.streams, args.b_workers, args.b_backends, args.b_chunks = [50], 4, 2, 10
    args.baseline_cpus, args.network_cpus = cpu_sets(args.cpu_layout)
    args.cocoon = os.path.join(args.build, "src", "cli", "cocoon")
    args.backend = os.path.join(args.build, "tools", "scripted_backend", "cocoon-scripted-backend")
    args.loadgen = os.path.join(args.build, "bench", "cocoon-loadgen")
    for path in (args.cocoon, args.backend, args.loadgen):
        if not os.access(path, os.X_OK):
            sys.exit(f"run_bench: {path} is missing; build first (scripts/build.sh)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(args.streams) + 1024 if args.workload in ("b", "all") else 4096
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
        if hard < want:
            print(f"run_bench: open-file limit {hard} < {want}; raise it (ulimit -n) for workload B",
                  file=sys.stderr)

    report = {"machine": machine(), "commit": commit(),
              "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "command": "python3 bench/run_bench.py " + " ".join(sys.argv[1:]),
              "args": {k: v for k, v in vars(args).items()
                       if k not in ("cocoon", "backend", "loadgen", "baseline_cpus", "network_cpus")}}
    failures = 0
    with tempfile.TemporaryDirectory(prefix="cocoon-bench-") as workdir:
        if args.workload in ("a", "all"):
            result, net = workload_a(args, workdir)
            result["network_exit_codes"] = net.stop()
            report["workload_a"] = result
            failures += sum(p["direct"]["failed"] + p["network"]["failed"]
                            for p in result["points"] + result["open_loop_points"])
        if args.workload in ("b", "all"):
            report["workload_b"] = []
            for streams in args.streams:
                summary, net = workload_b(args, workdir, streams)
                summary["network_exit_codes"] = net.stop()
                report["workload_b"].append(summary)
                failures += summary["failed"]
    if args.append and os.path.exists(args.json):
        with open(args.json) as f:
            previous = json.load(f)
        runs = previous.get("runs", [previous])
        with open(args.json, "w") as f:
            json.dump({"runs": runs + [report]}, f, indent=2)
        with open(args.markdown, "a") as f:
            f.write("\n## Another run\n\n" + markdown(report) + "\n")
    else:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
        with open(args.markdown, "w") as f:
            f.write("# Benchmark results\n\n" + markdown(report) + "\n")
    print(f"wrote {args.json} and {args.markdown}")
    bad_exits = [c for r in [report.get("workload_a", {})] + report.get("workload_b", [])
                 for c in (r.get("network_exit_codes") or {}).values() if c != 0]
    if failures or bad_exits:
        print(f"run_bench: {failures} failed requests, daemon exit codes {bad_exits}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Save-to-visible latency: how long from an editor's save to the new text on the page.

Starts `dispatches serve` (watching) on a copy of the sample content, then N times
rewrites one article with a new marker and polls its page until the marker appears.
Prints p50, p90, p99 and max in milliseconds. The debounce is included: that is what
an author waits for.

    python3 bench/save_latency.py [--n 100] [--binary target/release/dispatches]
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode()
    except Exception:
        return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/dispatches"))
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="save-latency-")
    content = os.path.join(work, "content")
    shutil.copytree(os.path.join(ROOT, "content"), content)
    port = free_port()
    server = subprocess.Popen(
        [args.binary, "--db", os.path.join(work, "a.db"), "--config",
         os.path.join(ROOT, "dispatches.toml"), "serve", "--addr", f"127.0.0.1:{port}",
         "--content", content],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while not fetch(base + "/healthz").startswith("ok"):
            if time.time() > deadline:
                sys.exit("server did not start")
            time.sleep(0.05)
        path = os.path.join(content, "bench-latency.md")
        latencies = []
        for i in range(args.n):
            marker = f"latency-marker-{i}-{time.time_ns()}"
            text = f"---\ntitle: Latency probe\ndate: 2026-01-01\n---\nThe marker is {marker}.\n"
            started = time.perf_counter()
            with open(path, "w") as f:
                f.write(text)
            while marker not in fetch(base + "/dispatches/bench-latency"):
                if time.perf_counter() - started > 10:
                    sys.exit(f"save {i} never became visible")
                time.sleep(0.002)
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(0.05)
        latencies.sort()
        q = statistics.quantiles(latencies, n=100)
        print(f"save-to-visible over {args.n} saves: p50 {q[49]:.0f} ms, p90 {q[89]:.0f} ms, "
              f"p99 {q[98]:.0f} ms, max {latencies[-1]:.0f} ms")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

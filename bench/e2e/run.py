"""End-to-end benchmark: a whole `odaudit run` against a simulated national portal.

Starts simportal.py (10,000 datasets x 3 resources by default, 20 ms per request,
1 hang per 100 resources), audits it with a per-host limit of 8, then reruns it
unchanged. Prints wall time against the bound that latency and politeness impose,
peak memory, and the rerun speed-up, each next to its target.

usage: python bench/e2e/run.py [--datasets 10000] [--resources 3] [--latency 0.02]
needs: pip install aiohttp
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from simportal import KINDS, kind_of, set_mix  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _lane_time(
    n_resources: int,
    n_datasets: int,
    latency: float,
    lanes: int,
    cost: dict[str, tuple[float, int]],
) -> tuple[float, int]:
    """Wall seconds and requests of asking every resource its `cost` by kind (lane seconds,
    requests; a kind left out costs nothing), `lanes` at a time, plus the catalogue pages
    one after another."""
    lane_seconds, requests = 0.0, 0
    for i in range(n_resources):
        seconds, asked = cost.get(kind_of(i), (0.0, 0))
        lane_seconds, requests = lane_seconds + seconds, requests + asked
    pages = math.ceil(n_datasets / 1000)
    return lane_seconds / lanes + pages * latency, requests + pages


def bound(n_resources: int, n_datasets: int, latency: float, timeout: float, lanes: int) -> float:
    """Least wall time a polite crawler can need: one request per resource (two for a
    redirect or a refused HEAD), hangs held for the timeout."""
    once, twice = (latency, 1), (2 * latency, 2)
    cost = {k: once for k in KINDS} | {"hang": (timeout, 1), "301": twice, "head405": twice}
    return _lane_time(n_resources, n_datasets, latency, lanes, cost)[0]


def rerun_bound(
    n_resources: int, n_datasets: int, latency: float, timeout: float, lanes: int
) -> tuple[float, int]:
    """Least wall time of an unchanged rerun within the freshness window, and its requests:
    errors are never cached, so every failed file is asked again (a 500 twice, as the first
    run did), each hang held for the timeout once."""
    cost = {"hang": (timeout, 1), "500": (2 * latency, 2), "404": (latency, 1)}
    return _lane_time(n_resources, n_datasets, latency, lanes, cost)


def write_config(path: Path, port: int, a: argparse.Namespace, cache_max_age: float) -> Path:
    path.write_text(
        f"""allow_origins: ["http://127.0.0.1:{port}"]
crawl:
  timeout: {a.timeout}
  concurrency: 64
  per_host_concurrency: {a.lanes}
  cache_max_age: {cache_max_age}
institutions:
  - code: SIM
    name: Portal simulado
    sources:
      - {{type: ckan, url: "http://127.0.0.1:{port}"}}
""",
        encoding="utf-8",
    )
    return path


def odaudit_run(config: Path, store: Path, out: Path, *more: str) -> list[str]:
    """The `odaudit run` command line of a benchmark (JSON log lines, no progress bar)."""
    return [
        sys.executable,
        "-m",
        "odaudit",
        "run",
        "--institutions",
        str(config),
        "--out",
        str(out),
        "--store",
        str(store),
        "--log-format",
        "json",
        *more,
    ]


def child_env() -> dict[str, str]:
    """The environment of a measured `odaudit run`: as an installed odaudit runs, with its
    modules compiled once (a machine that sets PYTHONDONTWRITEBYTECODE compiles every module
    of odaudit again in every run: 0.2-0.3 s of each rerun measured here)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_odaudit(config: Path, out: Path, port: int) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `odaudit run` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(
        odaudit_run(config, out.parent / "bench.sqlite", out),
        capture_output=True,
        text=True,
        check=False,
        env=child_env(),
    )
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        sys.exit(f"odaudit failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def workload_arguments(datasets: int) -> argparse.ArgumentParser:
    """The simulated portal's options, shared with resume.py."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", type=int, default=datasets)
    ap.add_argument("--resources", type=int, default=3)
    ap.add_argument("--latency", type=float, default=0.02)
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--lanes", type=int, default=8)
    ap.add_argument("--no-hangs", action="store_true", help="no hanging resources in the mix")
    ap.add_argument(
        "--healthy", action="store_true", help="every file ok: nothing a rerun must ask again"
    )
    return ap


def start_portal(
    a: argparse.Namespace, host: str = "127.0.0.1"
) -> tuple[subprocess.Popen[str], int]:
    """simportal.py in a child process, answering, its file URLs on `host`; returns it and
    its port."""
    set_mix(no_hangs=a.no_hangs, healthy=a.healthy)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "simportal.py"),
            "--port",
            str(port),
            "--datasets",
            str(a.datasets),
            "--resources",
            str(a.resources),
            "--latency",
            str(a.latency),
            "--hang",
            "60",
            *(["--no-hangs"] if a.no_hangs else []),
            *(["--healthy"] if a.healthy else []),
            "--host",
            host,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    server.stdout.readline()
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return server, port


def main() -> None:
    a = workload_arguments(10000).parse_args()
    server, port = start_portal(a)
    try:
        work = Path(tempfile.mkdtemp(prefix="odaudit-bench-"))
        config = write_config(work / "institutions.yaml", port, a, 0)
        n_res = a.datasets * a.resources
        limit = bound(n_res, a.datasets, a.latency, a.timeout, a.lanes)
        floor, floor_requests = rerun_bound(n_res, a.datasets, a.latency, a.timeout, a.lanes)
        first, rss = run_odaudit(config, work / "first", port)
        stats = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats"))
        urllib.request.urlopen(f"http://127.0.0.1:{port}/__reset")
        second, rss2 = run_odaudit(config, work / "second", port)
        stats2 = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats"))
        urllib.request.urlopen(f"http://127.0.0.1:{port}/__reset")
        # The same store, with a one-hour freshness window: unchanged files are not asked again.
        windowed = write_config(work / "institutions-window.yaml", port, a, 3600)
        third, rss3 = run_odaudit(windowed, work / "third", port)
        stats3 = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats"))
    finally:
        server.terminate()
    hangs = sum(1 for i in range(n_res) if kind_of(i) == "hang")
    print(
        f"workload: {a.datasets} datasets, {n_res} resources ({hangs} hang), latency "
        f"{a.latency * 1000:.0f} ms, timeout {a.timeout:g} s, per-host limit {a.lanes}; "
        f"mix per {len(KINDS)}: {', '.join(sorted(set(KINDS)))}"
    )
    print(
        f"first run:  {first:7.1f} s wall   bound {limit:6.1f} s   ratio {first / limit:4.2f}  "
        f"(target <= 1.20)   requests {stats['requests']}"
    )
    print(
        f"peak RSS:   {max(rss, rss2, rss3):7.0f} MB                                (target <= 300 MB)"
    )
    print(
        f"rerun, conditional (cache_max_age 0):   {second:7.1f} s   speed-up {first / second:5.1f}x"
        f"   requests {stats2['requests']}, 304s {stats2['not_modified']}"
    )
    print(
        f"rerun, cache_max_age 3600:              {third:7.1f} s   speed-up {first / third:5.1f}x"
        f"   requests {stats3['requests']}   (target >= 10x)"
    )
    print(
        f"rerun floor (errors never cached):      {floor:7.1f} s   speed-up {first / floor:5.1f}x"
        f" at best   requests {floor_requests}"
    )
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

"""CKAN enumeration benchmark: odaudit's CKAN adapter against `ckanapi search datasets`.

Starts fakeckan.py (20,000 generated datasets, 50 ms per API call, rows capped at 1000),
enumerates it with `odaudit sources check` (discovery only: package_search pages streamed
through the adapter, datasets counted, nothing fetched) and with ckanapi on the same
server, each in a child process, and prints wall time and peak RSS next to the targets
(no slower than ckanapi; peak memory at most 150 MB).

usage: python bench/ckan/run.py [--n 20000] [--latency 0.05] [--repeat 3]
needs: pip install aiohttp ckanapi
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and stdout of one child process (GNU time for RSS)."""
    wrapper = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    t0 = time.perf_counter()
    proc = subprocess.run(wrapper + cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    rss = float(proc.stderr.strip().splitlines()[-1]) / 1024 if wrapper else float("nan")
    return wall, rss, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "fakeckan.py"),
            "--port",
            str(port),
            "--n",
            str(a.n),
            "--latency",
            str(a.latency),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        print("workload:", server.stdout.readline().strip())
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/__stats", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        work = Path(tempfile.mkdtemp(prefix="odaudit-ckan-"))
        config = work / "institutions.yaml"
        config.write_text(
            f'allow_origins: ["{base}"]\n'
            "institutions:\n"
            "  - code: SIM\n    name: Portal simulado\n"
            f"    sources: [{{type: ckan, url: '{base}'}}]\n",
            encoding="utf-8",
        )
        rows: dict[str, list[tuple[float, float]]] = {"odaudit": [], "ckanapi": []}
        counts: dict[str, int] = {}
        ckanapi = shutil.which("ckanapi")
        for _ in range(a.repeat):
            wall, rss, out = timed(
                [
                    sys.executable,
                    "-m",
                    "odaudit",
                    "sources",
                    "check",
                    "-i",
                    str(config),
                    "--format",
                    "json",
                ]
            )
            rows["odaudit"].append((wall, rss))
            counts["odaudit"] = json.loads(out)[0]["datasets"]
            if ckanapi:
                wall, rss, out = timed([ckanapi, "search", "datasets", "-r", base, "q=*:*"])
                rows["ckanapi"].append((wall, rss))
                counts["ckanapi"] = sum(1 for line in out.splitlines() if line.strip())
    finally:
        server.terminate()
    print(f"{'tool':<10} {'wall s':>8} {'peak RSS MB':>12} {'datasets':>9}")
    for tool, runs in rows.items():
        if not runs:
            print(f"{tool:<10} (not installed: pip install ckanapi)")
            continue
        wall = statistics.median(r[0] for r in runs)
        rss = statistics.median(r[1] for r in runs)
        print(f"{tool:<10} {wall:8.2f} {rss:12.0f} {counts[tool]:9d}")
    if rows["ckanapi"]:
        ratio = statistics.median(r[0] for r in rows["odaudit"]) / statistics.median(
            r[0] for r in rows["ckanapi"]
        )
        print(f"odaudit / ckanapi wall: {ratio:.2f} (target <= 1.00)")
    print(
        f"odaudit peak RSS target: <= 150 MB; machine: {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()

"""Fairness benchmark: a fast portal audited beside one whose servers crawl.

A national run audits dozens of institutions at once, and some portals answer in seconds
instead of milliseconds. Their datasets must not take the work in flight away from the
others. Two simportal.py instances on two host names (so each has its own per-host lanes):
a fast portal (1,000 datasets x 3 resources, 20 ms, the e2e error mix) and a slow one
(100 datasets x 3, 1 s per request, listed first). The fast portal is audited alone, then
beside the slow one, each into a new store. Its time is from the start of the run to its
last file request.

Target: beside the slow portal, the fast portal's time within 1.2x of its time alone.

usage: python bench/e2e/fairness.py [--datasets 1000] [--slow-datasets 100] [--slow-latency 1]
needs: pip install aiohttp
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from run import run_odaudit, start_portal, workload_arguments  # noqa: E402


def _config(path: Path, a: argparse.Namespace, fast: int, slow: int | None) -> Path:
    origins = [f"http://127.0.0.1:{fast}"]
    slow_entry = ""
    if slow is not None:
        origins.append(f"http://localhost:{slow}")
        slow_entry = f"""  - code: LENTO
    name: Portal lento
    sources:
      - {{type: ckan, url: "http://localhost:{slow}"}}
"""
    path.write_text(
        f"""allow_origins: {json.dumps(origins)}
crawl:
  timeout: {a.timeout}
  per_host_concurrency: {a.lanes}
institutions:
{slow_entry}  - code: RAPIDO
    name: Portal rapido
    sources:
      - {{type: ckan, url: "http://127.0.0.1:{fast}"}}
""",
        encoding="utf-8",
    )
    return path


def _stats(port: int, what: str = "__stats") -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{what}") as answer:
        return dict(json.load(answer))


def _run(config: Path, work: Path, fast: int, slow: int | None) -> tuple[float, float]:
    """(seconds to the fast portal's last file request, whole run's wall seconds)."""
    for port in (fast, slow):
        if port is not None:
            _stats(port, "__reset")
    started = time.time()
    wall, _ = run_odaudit(config, work / "out", fast)
    return _stats(fast)["last_file"] - started, wall


def main() -> None:
    ap = workload_arguments(1000)
    ap.set_defaults(timeout=5.0)
    ap.add_argument("--slow-datasets", type=int, default=100)
    ap.add_argument("--slow-latency", type=float, default=1.0)
    a = ap.parse_args()
    slow_a = argparse.Namespace(**{**vars(a), "datasets": a.slow_datasets})
    slow_a.latency, slow_a.no_hangs = a.slow_latency, True
    fast_server, fast = start_portal(a)
    slow_server, slow = start_portal(slow_a, host="localhost")
    try:
        root = Path(tempfile.mkdtemp(prefix="odaudit-fairness-"))
        (root / "alone").mkdir()
        (root / "beside").mkdir()
        alone, alone_wall = _run(
            _config(root / "alone.yaml", a, fast, None), root / "alone", fast, None
        )
        beside, beside_wall = _run(
            _config(root / "beside.yaml", a, fast, slow), root / "beside", fast, slow
        )
    finally:
        fast_server.terminate()
        slow_server.terminate()
    slow_bound = a.slow_datasets * a.resources * a.slow_latency / a.lanes
    print(
        f"workload: fast portal {a.datasets} datasets x {a.resources}, "
        f"{a.latency * 1000:.0f} ms{'' if a.no_hangs else ', 1 hang per 100'}; slow portal "
        f"{a.slow_datasets} x {a.resources}, {a.slow_latency:g} s per request "
        f"(its bound {slow_bound:.1f} s); per-host limit {a.lanes}, timeout {a.timeout:g} s"
    )
    print(f"fast portal alone:          {alone:7.1f} s   (run {alone_wall:.1f} s)")
    print(
        f"fast portal beside slow:    {beside:7.1f} s   (run {beside_wall:.1f} s)   "
        f"ratio {beside / alone:4.2f}  (target <= 1.20)"
    )
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

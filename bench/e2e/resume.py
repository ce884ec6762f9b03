"""Resume benchmark: a run killed with SIGKILL half-way, then `odaudit run --resume`.

Against simportal.py (3,000 datasets x 3 resources by default, 20 ms per request), audits
the portal once uninterrupted, then again into a new store, kills that run (SIGKILL: no
clean-up runs) once half its datasets are stored, and resumes it. Prints what the resume
cost next to what the uninterrupted run cost, and whether the scores are the same.

Target: the resume asks for no more than what was not stored: the uninterrupted run's
requests per dataset, times the datasets left plus the 16 that can be in flight at the kill
(odaudit's default dataset concurrency; their files are asked for again), plus the catalogue.
And it ends with the uninterrupted run's scores.

usage: python bench/e2e/resume.py [--datasets 3000] [--kill-at 0.5] [--no-hangs]
needs: pip install aiohttp
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from run import odaudit_run, start_portal, workload_arguments, write_config  # noqa: E402

NOW = "2026-12-03"
IN_FLIGHT = 64  # AuditOptions.resources_in_flight / 3 resources (the bench has one institution)


def _stored(store: Path) -> int:
    try:
        with sqlite3.connect(store, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM datasets").fetchone()[0])
    except sqlite3.Error:
        return 0


def _scores(store: Path) -> list[tuple[str, float]]:
    """The latest scorecard's rows (level, institution, dataset, dimension), sorted."""
    with sqlite3.connect(store) as conn:
        (sid,) = conn.execute("SELECT MAX(id) FROM scorecards").fetchone()
        return sorted(
            (f"{r[0]}/{r[1]}/{r[2]}/{r[3]}", round(r[4] or 0.0, 6))
            for r in conn.execute(
                "SELECT level, institution, dataset_id, dimension, value FROM scores"
                " WHERE scorecard_id = ?",
                (sid,),
            )
        )


def _command(config: Path, store: Path, out: Path) -> list[str]:
    return odaudit_run(config, store, out, "--now", NOW)


def _requests_since_reset(port: int) -> int:
    """Requests the portal answered since the last call, which starts the count again."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats") as answer:
        requests = int(json.load(answer)["requests"])
    urllib.request.urlopen(f"http://127.0.0.1:{port}/__reset").close()
    return requests


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):  # 1: the run's own --fail-under/--fail-on verdict
        sys.exit(f"odaudit failed ({done.returncode}):\n{done.stderr[-3000:]}")


def main() -> None:
    ap = workload_arguments(3000)
    ap.add_argument("--kill-at", type=float, default=0.5, help="share of datasets stored")
    a = ap.parse_args()
    server, port = start_portal(a)
    try:
        work = Path(tempfile.mkdtemp(prefix="odaudit-resume-"))
        config = write_config(work / "institutions.yaml", port, a, 0)

        reference = work / "reference.sqlite"
        t0 = time.perf_counter()
        _run(_command(config, reference, work / "ref"))
        whole = time.perf_counter() - t0
        whole_requests = _requests_since_reset(port)

        store = work / "store.sqlite"
        command = _command(config, store, work / "out")
        t0 = time.perf_counter()
        victim = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while _stored(store) < a.kill_at * a.datasets and victim.poll() is None:
            time.sleep(0.05)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        cut = time.perf_counter() - t0
        stored = _stored(store)
        cut_requests = _requests_since_reset(port)

        t0 = time.perf_counter()
        _run([*command, "--resume"])
        resume = time.perf_counter() - t0
        resume_requests = _requests_since_reset(port)
    finally:
        server.terminate()
    allowed = (
        whole_requests / a.datasets * (a.datasets - stored + IN_FLIGHT) + a.datasets / 1000 + 1
    )
    same = _scores(store) == _scores(reference)
    print(
        f"workload: {a.datasets} datasets x {a.resources} resources, latency "
        f"{a.latency * 1000:.0f} ms, per-host limit {a.lanes}"
        f"{', no hangs' if a.no_hangs else ', 1 hang per 100 resources'}"
    )
    print(f"uninterrupted run:  {whole:7.1f} s   requests {whole_requests}")
    print(f"killed (SIGKILL):   {cut:7.1f} s   requests {cut_requests}   datasets stored {stored}")
    print(
        f"resume:             {resume:7.1f} s   requests {resume_requests}   "
        f"(target <= {allowed:.0f}: {'met' if resume_requests <= allowed else 'NOT MET'})"
    )
    print(f"scores equal to the uninterrupted run's: {'yes' if same else 'NO'}")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

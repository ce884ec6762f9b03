"""Validation benchmark: odaudit's inspect_table against `frictionless validate`, same files, same run.

usage: python bench/validate/run.py [--repeat 3] [--data DIR]
Prints each figure next to its target and frictionless's figure; the machine is shared
and noisy, so compare the ratios (medians of --repeat runs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

ODAUDIT = """
import json, sys, time
from pathlib import Path
import odaudit.validation.inspect as inspect_module
import odaudit.validation.scan as scan
if sys.argv[2] == "all":  # every row number (single process: spawned workers keep 5)
    scan.MAX_EXAMPLES = inspect_module.MAX_EXAMPLES = 10**7
from odaudit.validation import inspect_table
t = time.perf_counter()
r = inspect_table(Path(sys.argv[1]), workers=1 if sys.argv[2] == "all" else None)
took = time.perf_counter() - t
rows = {p.code_hint: p.rows for p in r.problems if p.code_hint in
        ("blank-row", "extra-cell", "missing-cell", "type-error")}
print(json.dumps({"seconds": took, "rows": rows, "n_rows": r.n_rows,
                  "counts": {p.code_hint: p.count for p in r.problems}}))
"""

FRICTIONLESS = """
import json, os, sys, time
import frictionless
os.chdir(os.path.dirname(sys.argv[1]))  # frictionless refuses absolute paths as unsafe
t = time.perf_counter()
report = frictionless.validate(os.path.basename(sys.argv[1]), limit_errors=100000)
if report.errors:
    raise SystemExit(str([e.message for e in report.errors]))
took = time.perf_counter() - t
rows = {}
for task in report.tasks:
    for e in task.errors:
        if getattr(e, "row_number", None):
            rows.setdefault(e.type, set()).add(e.row_number)
print(json.dumps({"seconds": took, "rows": {k: sorted(v) for k, v in rows.items()}}))
"""


def run(code: str, *args: str) -> tuple[dict[str, object], float, float]:
    """(json printed, wall seconds incl. start-up, peak RSS MB of the process tree's largest)."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = status
    if status:
        raise SystemExit(f"benchmark child failed: {args}")
    return json.loads(out), time.perf_counter() - t, usage.ru_maxrss / 1024


def ensure_data(data: Path) -> tuple[Path, Path]:
    data.mkdir(parents=True, exist_ok=True)
    csv_100 = data / "es_100mb.csv"
    if not csv_100.exists():
        subprocess.run([sys.executable, str(HERE / "gen_csv.py"), str(csv_100), "100"], check=True)
    xlsx = data / "es_39k.xlsx"
    if not xlsx.exists():
        csv_10 = data / "es_10mb.csv"
        subprocess.run([sys.executable, str(HERE / "gen_csv.py"), str(csv_10), "10"], check=True)
        subprocess.run(
            [sys.executable, str(HERE / "make_xlsx.py"), str(csv_10), str(xlsx), "39000"],
            check=True,
        )
    return csv_100, xlsx


def same_rows(
    ours: dict[str, list[int]], theirs: dict[str, list[int]], kinds: tuple[str, ...]
) -> str:
    diffs = []
    for kind in kinds:
        a, b = set(ours.get(kind, [])), set(theirs.get(kind, []))
        if a != b:
            diffs.append(
                f"{kind}: only odaudit {sorted(a - b)[:5]}, only frictionless {sorted(b - a)[:5]}"
            )
    total = sum(len(v) for v in ours.values())
    return f"same {total} bad rows" if not diffs else "DIFFERENT: " + "; ".join(diffs)


KINDS = ("blank-row", "extra-cell", "missing-cell", "type-error")


def bench(
    name: str, path: Path, speed_target: float, repeat: int, kinds: tuple[str, ...] = KINDS
) -> None:
    ours_t, ours_mem, fl_t, fl_mem = [], [], [], []
    fl_rows: dict[str, list[int]] = {}
    for _ in range(repeat):
        _, wall, mem = run(ODAUDIT, str(path), "timed")
        ours_t.append(wall)
        ours_mem.append(mem)
        fres, fwall, fmem = run(FRICTIONLESS, str(path))
        fl_t.append(fwall)
        fl_mem.append(fmem)
        fl_rows = fres["rows"]  # type: ignore[assignment]
    full, _, _ = run(ODAUDIT, str(path), "all")
    o, f = statistics.median(ours_t), statistics.median(fl_t)
    print(f"{name} ({path.stat().st_size / 1e6:.1f} MB, {full['n_rows']} rows)")
    print(f"  odaudit      {o:6.2f} s   peak {max(ours_mem):5.0f} MB   (target: peak <= 250 MB)")
    print(f"  frictionless {f:6.2f} s   peak {max(fl_mem):5.0f} MB")
    verdict = "ok" if f / o >= speed_target else "MISSED"
    print(f"  speed-up     {f / o:6.1f}x   (target >= {speed_target:.0f}x: {verdict})")
    compared = same_rows(full["rows"], fl_rows, kinds)  # type: ignore[arg-type]
    print(f"  bad rows     {compared} (compared: {', '.join(kinds)})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--data", type=Path, default=HERE / "data")
    ap.add_argument("--only", choices=("csv", "xlsx"))
    args = ap.parse_args()
    csv_100, xlsx = ensure_data(args.data)
    print(
        f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}; wall seconds include interpreter start-up"
    )
    if args.only != "xlsx":
        bench("CSV", csv_100, 5, args.repeat)
    if args.only != "csv":
        # A grid has no missing cells (an empty trailing cell is just empty), so
        # frictionless's XLSX missing-cell rows are not compared; see bench/README.md.
        bench("XLSX", xlsx, 4, args.repeat, ("blank-row", "extra-cell", "type-error"))


if __name__ == "__main__":
    main()

"""Large CSVs are cut at record boundaries and scanned by several processes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from odaudit.validation import csvfile, inspect_table
from odaudit.validation.csvfile import split_points


def _big_csv(path: Path, n: int) -> dict[str, list[int]]:
    """A CSV with multi-line quoted fields and seeded errors; returns the bad row numbers."""
    rng = random.Random(5)
    bad: dict[str, list[int]] = {
        "type-error": [],
        "missing-cell": [],
        "extra-cell": [],
        "blank-row": [],
    }
    lines = ["id,fecha,importe,nota\n"]
    for i in range(2, n + 2):  # file row number
        kind = rng.random()
        note = '"línea uno\nlínea ""dos"""' if i % 7 == 0 else "texto"
        if i > 1200 and kind < 0.002:
            lines.append(f"{i},2020-01-01,N/D,{note}\n")
            bad["type-error"].append(i)
        elif i > 1200 and kind < 0.004:
            lines.append(f"{i},2020-01-01\n")
            bad["missing-cell"].append(i)
        elif i > 1200 and kind < 0.006:
            lines.append(f"{i},2020-01-01,1.5,{note},sobra\n")
            bad["extra-cell"].append(i)
        elif i > 1200 and kind < 0.008:
            lines.append("\n")
            bad["blank-row"].append(i)
        else:
            lines.append(f"{i},2020-01-{1 + i % 28:02d},{i * 1.5},{note}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return bad


def test_split_points_never_cut_inside_quotes(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    _big_csv(path, 20_000)
    data = path.read_bytes()
    cuts = split_points(path, len(data), 4)
    assert cuts is not None and len(cuts) == 5
    for cut in cuts[1:-1]:
        assert data[cut - 1 : cut] == b"\n"
        assert data[:cut].count(b'"') % 2 == 0


def test_parallel_scan_equals_single_process(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    bad = _big_csv(path, 30_000)
    one = inspect_table(path, workers=1)
    two = inspect_table(path, workers=3)
    for hint, rows in bad.items():
        assert rows, hint  # the generator seeded this kind
        p1, p2 = one.problem(hint), two.problem(hint)
        assert p1 is not None and p2 is not None, hint
        assert p1.count == p2.count == len(rows), hint
        assert p1.rows == p2.rows == rows[:5], hint
    assert one.n_rows == two.n_rows
    assert one.to_dict()["type_errors"] == two.to_dict()["type_errors"]


def test_falls_back_to_one_process_when_none_can_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    bad = _big_csv(path, 5_000)

    def no_processes(*args: object, **kwargs: object) -> object:
        raise OSError("no fork here")

    monkeypatch.setattr(csvfile, "_scan_parallel", no_processes)
    r = inspect_table(path, workers=2)
    assert r.problem("blank-row").count == len(bad["blank-row"])  # type: ignore[union-attr]
    assert any("one process" in n for n in r.notes)

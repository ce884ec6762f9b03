"""DV001-DV009 and PD001-PD004, fed table reports shaped like odaudit.validation's.

The stand-ins below carry only the attributes the rules read (the report is duck-typed
so the checks do not import the validation engine).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from tests.checks._support import CSV_URL, FIXTURES, INST, NOW, Meth, codes, good_dataset, ok_probe

from odaudit.checks import run_dataset_checks
from odaudit.models import Finding


@dataclass
class Problem:
    code_hint: str
    message: str = ""
    count: int = 1
    rows: list[int] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


@dataclass
class PDColumn:
    column: str
    index: int = 0
    dpi: int = 0
    dpi_invalid: int = 0
    nit: int = 0
    email: int = 0
    phone: int = 0


@dataclass
class PDReport:
    columns: list[PDColumn] = field(default_factory=list)
    rows_scanned: int = 0


@dataclass
class Table:
    path: str = CSV_URL
    format: str = "csv"
    parseable: bool = True
    error: str = ""
    encoding: str = "utf-8"
    n_rows: int = 135
    footer_rows: list[int] = field(default_factory=list)
    total_rows: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    personal_data: PDReport | None = None


def _run(table: Table) -> list[Finding]:
    return run_dataset_checks(
        INST, good_dataset(), {CSV_URL: ok_probe()}, Meth(), NOW, tables={CSV_URL: table}
    )


def test_clean_table_has_no_findings() -> None:
    assert _run(Table(personal_data=PDReport(columns=[PDColumn("NOMBRE")]))) == []


def test_no_table_reports_no_dv_findings() -> None:
    assert run_dataset_checks(INST, good_dataset(), {CSV_URL: ok_probe()}, Meth(), NOW) == []


@pytest.mark.parametrize(
    ("hint", "code"),
    [
        ("encoding", "DV001"),
        ("title-rows", "DV002"),
        ("blank-label", "DV003"),
        ("duplicate-label", "DV003"),
        ("blank-row", "DV004"),
        ("extra-cell", "DV005"),
        ("missing-cell", "DV005"),
        ("type-error", "DV006"),
        ("footer-rows", "DV007"),
        ("null-marker", "DV008"),
        ("not-parseable", "DV009"),
        ("empty-table", "DV009"),
    ],
)
def test_engine_problems_map_to_rules(hint: str, code: str) -> None:
    found = _run(Table(problems=[Problem(hint, "x", count=3, rows=[27, 28], columns=["CODIGO"])]))
    assert codes(found) == [code]
    if code != "DV009":
        assert found[0].evidence["count"] == 3 and found[0].evidence["rows"] == [27, 28]


def test_mineduc_export_shape() -> None:
    """ZACAPA.csv: cp1252, header at line 27, blank labels, blank rows, footer."""
    table = Table(
        encoding="cp1252",
        footer_rows=[163, 164],
        problems=[
            Problem("title-rows", count=26),
            Problem("blank-label", count=3, columns=["", "", ""]),
            Problem("blank-row", count=13),
        ],
    )
    assert codes(_run(table)) == ["DV001", "DV002", "DV003", "DV004", "DV007"]


def test_dv009_zero_rows_or_unreadable() -> None:
    assert codes(_run(Table(n_rows=0))) == ["DV009"]
    found = _run(Table(parseable=False, error="File is not a zip file", n_rows=0))
    assert codes(found) == ["DV009"]
    assert found[0].evidence["error"] == "File is not a zip file"


def test_pd_counts_and_columns_only() -> None:
    pd = PDReport(
        rows_scanned=424,
        columns=[
            PDColumn("DPI", dpi=400, dpi_invalid=3),
            PDColumn("NIT", nit=12),
            PDColumn("CORREO", email=35),
            PDColumn("TELEFONO", phone=380),
        ],
    )
    found = _run(Table(personal_data=pd))
    assert codes(found) == ["PD001", "PD002", "PD003", "PD004"]
    dpi = found[0] if found[0].code == "PD001" else next(f for f in found if f.code == "PD001")
    assert dpi.evidence == {
        "url": CSV_URL,
        "count": 400,
        "columns": {"DPI": 400},
        "rows_scanned": 424,
    }
    assert dpi.severity.value == "error"


def test_dv001_names_the_encoding() -> None:
    found = _run(Table(encoding="cp1252"))
    assert codes(found) == ["DV001"]
    assert "cp1252" in found[0].message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "gt_mineduc_establecimientos_diversificado_ZACAPA.csv",
            {"DV001", "DV002", "DV003", "DV004", "DV007"},
        ),
        ("invalid.csv", {"DV003", "DV004", "DV005"}),
    ],
)
def test_with_the_real_validation_engine(name: str, expected: set[str]) -> None:
    validation = pytest.importorskip("odaudit.validation")
    report = validation.inspect_table(FIXTURES / name, workers=1)
    assert expected <= set(codes(_run(report)))

"""The frictionless-py fixtures: the same problems frictionless reports, at the same rows."""

from __future__ import annotations

import pytest

from odaudit.validation import inspect_table

from .conftest import fx


def hints(report: object) -> dict[str, tuple[int, list[int]]]:
    return {p.code_hint: (p.count, p.rows) for p in report.problems}  # type: ignore[attr-defined]


def test_invalid_csv_has_every_structural_problem() -> None:
    r = inspect_table(fx("invalid.csv"))
    h = hints(r)
    assert h["blank-label"][0] == 1
    assert r.problem("blank-label").columns == ["column 3"]  # type: ignore[union-attr]
    assert h["duplicate-label"][0] == 1
    assert h["blank-row"] == (1, [4])
    assert h["extra-cell"] == (1, [5])
    assert h["missing-cell"] == (2, [2, 3])
    assert not r.valid


def test_capital_invalid_rows_match_frictionless() -> None:
    h = hints(inspect_table(fx("capital-invalid.csv")))
    assert h["duplicate-label"][0] == 1
    assert h["missing-cell"] == (1, [10])
    assert h["blank-row"] == (1, [11])
    assert h["type-error"] == (1, [12])
    assert h["extra-cell"] == (1, [12])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("blank-rows.csv", {"blank-row": (1, [4])}),
        ("duplicate-headers.csv", {"duplicate-label": (2, [1])}),
        ("defective-rows.csv", {"missing-cell": (1, [2]), "extra-cell": (1, [3])}),
        ("structure-errors.csv", {"blank-row": (1, [4]), "extra-cell": (1, [5])}),
        ("skip-blank-at-the-end.csv", {"missing-cell": (1, [2]), "blank-row": (1, [4])}),
    ],
)
def test_structural_fixtures(name: str, expected: dict[str, tuple[int, list[int]]]) -> None:
    r = inspect_table(fx(name))
    assert r.parseable
    assert hints(r) == expected


@pytest.mark.parametrize("name", ["capital-valid.csv", "bom.csv"])
def test_valid_fixtures_are_valid(name: str) -> None:
    r = inspect_table(fx(name))
    assert r.valid, r.problems
    assert r.n_rows > 0


def test_bom_is_reported_but_not_a_problem() -> None:
    r = inspect_table(fx("bom.csv"))
    assert r.bom and r.encoding == "utf-8-sig"
    assert r.labels[0] == "id"  # the BOM is not glued to the first label


def test_empty_file_is_not_parseable_and_never_valid() -> None:
    r = inspect_table(fx("empty.csv"))
    assert not r.parseable and not r.valid
    assert r.problems[0].code_hint == "not-parseable"
    assert "empty" in r.error


def test_latin1_is_detected_as_cp1252() -> None:
    r = inspect_table(fx("latin1.csv"))
    assert r.encoding == "cp1252"
    assert r.problem("encoding") is not None
    assert r.decode_errors == 0


def test_greek_code_page_is_detected_not_assumed() -> None:
    r = inspect_table(fx("table-infer-iso-8859-7.csv"))
    assert r.encoding == "cp1253"
    assert r.n_rows == 4
    assert r.problem("type-error") is None


def test_comment_line_above_header_is_a_title_row() -> None:
    r = inspect_table(fx("skip-rows-before-headers.csv"))
    assert r.header_row == 2
    assert r.labels == ["id", "name"]
    assert hints(r)["title-rows"] == (1, [1])
    assert r.problem("extra-cell") is None


def test_xlsx_title_row_and_total_footer() -> None:
    r = inspect_table(fx("skip-rows.xlsx"))
    assert r.format == "xlsx"
    assert r.header_row == 2
    assert r.total_rows == [4]
    assert r.problem("footer-rows") is not None


def test_merged_header_with_no_data_is_empty_table() -> None:
    r = inspect_table(fx("merged-cells.xlsx"))
    assert r.parseable and not r.valid
    assert r.problems[0].code_hint == "empty-table"
    assert hints(r)["blank-label"][0] == 1


def test_header_with_a_blank_label_is_still_the_header() -> None:
    r = inspect_table(fx("blank-headers.csv"))
    assert r.header_row == 1
    assert hints(r) == {"blank-label": (1, [1])}

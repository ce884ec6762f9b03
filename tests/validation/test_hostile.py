"""Hostile or broken bytes: always a report with a reason, never an exception."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from odaudit.validation import inspect_table


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<!DOCTYPE html><html><body>Login</body></html>", "HTML"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b'{"success": false}', "JSON"),
        (b"\x00\x01\x02\x03binary\x00", "binary"),
        (b"PK\x03\x04garbage that is not a zip", "ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ""),
        (b"\n\n\n", "no rows"),
    ],
)
def test_not_a_table(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "download.csv"
    path.write_bytes(content)
    r = inspect_table(path, declared_format="CSV")
    assert not r.parseable and not r.valid
    assert r.problems[0].code_hint == "not-parseable"
    assert reason in r.error
    assert r.declared_format == "CSV"


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "data.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("data.csv", "a,b\n1,2\n")
    r = inspect_table(path)
    assert r.format == "unknown" and "ZIP" in r.error


def test_header_only_is_an_empty_table(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(b"a,b,c\n")
    r = inspect_table(path)
    assert r.parseable and r.n_rows == 0 and not r.valid
    assert r.problems[0].code_hint == "empty-table"


def test_invalid_utf8_bytes_after_the_first_megabyte_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    body = b"id,nombre\n" + b"".join(b"%d,se\xc3\xb1or\n" % i for i in range(120_000))
    path.write_bytes(body + b"999,se\xf1or\n")  # one cp1252 byte after 1 MB of UTF-8
    r = inspect_table(path)
    assert r.encoding == "utf-8"
    assert r.decode_errors == 1
    assert any(p.code_hint == "encoding" for p in r.problems)


def test_truncated_download_ends_with_a_missing_cell(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes(b"a,b,c\n1,2,3\n4,5,6\n7,8")
    r = inspect_table(path)
    assert r.problem("missing-cell") is not None
    assert r.problem("missing-cell").rows == [4]  # type: ignore[union-attr]


def test_unterminated_quote_and_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(b'a,b\n1,"open\n2,x\x00y\n3,4\n')
    r = inspect_table(path)
    assert r.parseable  # one stray NUL does not make a CSV binary
    assert r.n_rows == 1  # the open quote swallows the rest of the file, as csv readers do


def test_oversized_field_is_a_value_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n1," + b"x" * 300_000 + b"\n2,3\n")
    r = inspect_table(path)
    assert not r.parseable
    assert "field" in r.error.lower()


def test_max_rows_stops_early(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_bytes(b"n\n" + b"".join(b"%d\n" % i for i in range(1000)))
    r = inspect_table(path, max_rows=100)
    assert r.truncated and r.n_rows == 100


def test_tab_separated_is_tsv(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("a\tb\tc\n1\t2\t3\n4\t5\n", encoding="utf-8")
    r = inspect_table(path)
    assert r.format == "tsv" and r.delimiter == "\t"
    assert r.problem("missing-cell").rows == [3]  # type: ignore[union-attr]


def test_two_cell_title_above_a_three_column_table(tmp_path: Path) -> None:
    path = tmp_path / "titulo.csv"
    path.write_text(
        "Reporte,2023\n\nmunicipio,hombres,mujeres\nA,1,2\nB,3,4\nC,5,6\n", encoding="utf-8"
    )
    r = inspect_table(path)
    assert r.header_row == 3
    assert r.labels == ["municipio", "hombres", "mujeres"]

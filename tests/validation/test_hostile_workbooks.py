"""Hostile workbooks: ZIP bombs, lying directories, sheets that span billions of cells.

Each is a few kilobytes that used to make `inspect_table` inflate gigabytes or ask
calamine for a 512 GB allocation (a Rust abort that kills the whole audit). Each must
be a report with a reason, read in a few megabytes of memory.
"""

from __future__ import annotations

import resource
import struct
import zipfile
from pathlib import Path

import pytest

from odaudit.validation import inspect_table
from odaudit.validation.archive import MAX_MEMBERS

_CT = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SMALL = '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>n</t></is></c></row><row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row>'


def _sheet(rows: str) -> str:
    return (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    )


def _xlsx(path: Path, rows: str, extra: tuple[tuple[str, bytes], ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", _sheet(rows))
        for name, data in extra:
            zf.writestr(name, data)
    return path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _refused(path: Path, words: str) -> None:
    before = _peak_mb()
    r = inspect_table(path, declared_format="XLSX")
    assert not r.parseable and not r.valid
    assert r.problems[0].code_hint == "not-parseable"
    assert words in r.error, r.error
    assert _peak_mb() - before < 200  # nothing was inflated or allocated in bulk


def test_the_fixture_style_workbook_still_reads(tmp_path: Path) -> None:
    r = inspect_table(_xlsx(tmp_path / "ok.xlsx", _SMALL))
    assert r.parseable and r.format == "xlsx" and r.n_rows == 1, r.error


@pytest.mark.parametrize(
    "far",
    [
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        "<row r='1048576'><c s=\"0\" r = 'xfd1048576'><v>1</v></c></row>",  # quotes, case
        # no r= at all: 16384 cells to the right, then a far row
        "<row>" + "<c><v>1</v></c>" * 16_384 + '</row><row r="1048576"><c><v>2</v></c></row>',
    ],
)
def test_a_sheet_spanning_billions_of_cells_is_refused(tmp_path: Path, far: str) -> None:
    _refused(_xlsx(tmp_path / "far.xlsx", _SMALL + far), "spans 1048576 rows x 16384 columns")


def _bomb_member(zf: zipfile.ZipFile, name: str, start: bytes, fill: bytes, end: bytes) -> None:
    with zf.open(name, "w", force_zip64=True) as f:
        f.write(start)
        block = fill * (1 << 20)
        for _ in range(640):  # 640 MiB inflated, under 1 MB on disk
            f.write(block)
        f.write(end)


def test_shared_strings_bomb_is_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "bomb.xlsx", _SMALL)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _bomb_member(zf, "xl/sharedStrings.xml", b"<sst><si><t>", b"A", b"</t></si></sst>")
    _refused(path, "once inflated")


def test_ods_mimetype_bomb_is_refused(tmp_path: Path) -> None:
    # detect_format used to zf.read() this member whole to look for "spreadsheet"
    path = tmp_path / "bomb.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _bomb_member(zf, "mimetype", b"application/vnd.oasis.opendocument.spreadsheet", b"\0", b"")
    _refused(path, "once inflated")


def test_high_ratio_member_under_the_total_is_refused(tmp_path: Path) -> None:
    zeros = b"\0" * (64 << 20)  # ratio ~1000
    _refused(_xlsx(tmp_path / "ratio.xlsx", _SMALL, (("xl/styles.xml", zeros),)), "ZIP bomb")


def _patch_declared_size(path: Path, member: str, size: int) -> None:
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + name_len] == member.encode():
            struct.pack_into("<I", data, pos + 24, size)
            break
        pos = data.find(b"PK\x01\x02", pos + 46)
    path.write_bytes(bytes(data))


def test_member_larger_than_its_declared_size_is_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "lie.xlsx", _SMALL, (("xl/sharedStrings.xml", b" " * 3_000_000),))
    _patch_declared_size(path, "xl/sharedStrings.xml", 100)
    _refused(path, "declares 100 bytes but inflates to at least")


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "many.xlsx", _SMALL)
    with zipfile.ZipFile(path, "a") as zf:
        for k in range(MAX_MEMBERS + 1):
            zf.writestr(f"x/{k}", b"")
    _refused(path, f"more than {MAX_MEMBERS}")


# the hostile part is appended under the name of the one it shadows (zip readers take the last)
@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
def test_a_workbook_part_declaring_entities_is_not_parsed(tmp_path: Path) -> None:
    # ElementTree expands internal entities; the parts it reads must not declare any
    from odaudit.validation.sheets import _xlsx_sheet_paths

    hostile = _WORKBOOK.replace(
        '<?xml version="1.0"?>', '<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY e "x">]>'
    ).replace('name="S"', 'name="&e;"')
    path = _xlsx(tmp_path / "entity.xlsx", _SMALL)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/workbook.xml", hostile)
    with zipfile.ZipFile(path) as zf, pytest.raises(ValueError, match="DOCTYPE"):
        _xlsx_sheet_paths(zf)
    report = inspect_table(path, declared_format="XLSX")  # still a report, whatever calamine says
    assert report.format == "xlsx"

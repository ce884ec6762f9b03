"""Reading workbooks (xlsx, xls, ods) with calamine, plus what only the XML tells.

calamine gives cell values fast; formulas and the declared sheet dimension (the
trailing blank rows Excel leaves behind) are read straight from the sheet XML.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import cast
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

from odaudit.validation.model import SheetInfo

__all__ = ["SheetData", "read_workbook"]

_FORMULA = (b"<f>", b"<f ", b"<f/>", b"<x:f>", b"<x:f ", b"<x:f/>")
_ODS_FORMULA = (b"table:formula=",)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+\d+:)?([A-Z]+)(\d+)"')
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_ROW = re.compile(rb'<(?:\w+:)?row [^>]*?\br="(\d+)"')
_CELL_REF = re.compile(rb'<(?:\w+:)?c [^>]*?\br="([A-Z]+)\d+"')
_SUM_CELL = re.compile(
    rb'<c r="[A-Z]+(\d+)"[^>]*><f[^>]*>(?:_xlfn\.)?SUM\(\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)\)'
)
_BLOCK = 4 << 20
#: calamine allocates every cell of the rectangle a sheet's cells span, empty or not: one
#: value in A1 and one in XFD1048576 ask for 17 billion cells and abort the process.
MAX_CELLS = 20_000_000
_R = rb"""\br\s*=\s*["']"""  # the r= attribute, quoted either way, spaced or not
_PLAIN_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})\d{1,7}"')  # as every writer writes a cell
_PLAIN_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,7})"')
_ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s>/])([^>]*)>")
_REF = re.compile(_R + rb"([A-Za-z]*)(\d*)[\"']")


class SheetData:
    """The inspected sheet's rows as strings, and every sheet's summary."""

    def __init__(self, sheets: list[SheetInfo], rows: list[list[str]]) -> None:
        self.sheets = sheets
        self.rows = rows


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _count(buf: bytes, needles: tuple[bytes, ...]) -> int:
    return sum(buf.count(n) for n in needles)


def _count_stream(
    zf: zipfile.ZipFile, name: str, needles: tuple[bytes, ...], totals: set[int] | None = None
) -> tuple[int, bytes, bytes]:
    """Occurrences of ``needles`` in a zip member, streamed; plus its first and last 64 KB.

    ``totals`` collects the rows whose cells sum a column range above them (=SUM(B2:B15)).
    """
    count = 0
    head = b""
    tail = b""
    last = b""
    with zf.open(name) as f:
        while block := f.read(_BLOCK):
            if not head:
                head = block[:65536]
            last = (last + block)[-65536:]
            # A needle cut by the block boundary is counted in tail + block; one that
            # lies wholly in the tail was counted with the previous block.
            count += _count(tail + block, needles) - _count(tail, needles)
            if totals is not None and b"SUM(" in tail + block:
                totals.update(_vertical_sums(tail + block))
            tail = block[-512:]
    return count, head, last


def _vertical_sums(xml: bytes) -> set[int]:
    rows = set()
    for m in _SUM_CELL.finditer(xml):
        row, col_a, row_a, col_b, row_b = m.groups()
        if col_a == col_b and int(row_a) < int(row_b) < int(row):
            rows.add(int(row))
    return rows


def _extent(head: bytes, last: bytes) -> tuple[str, int, int]:
    """(dimension, rows, columns) the sheet declares: its <dimension>, else its last <row>.

    Google Sheets writes no <dimension> but keeps empty styled rows up to row 1000.
    """
    m = _DIMENSION.search(head)
    if m:
        dim = (m.group(1) or b"").decode() + m.group(2).decode() + m.group(3).decode()
        return dim, int(m.group(3)), _col_number(m.group(2))
    rows = list(_ROW.finditer(last))
    if not rows:
        return "", 0, 0
    cols = [_col_number(c) for c in _CELL_REF.findall(last, rows[-1].end())]
    return "", int(rows[-1].group(1)), max(cols, default=0)


def _pieces(zf: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """A member's bytes in blocks cut before a "<", so that no tag is ever cut in two."""
    rest = b""
    with zf.open(name) as f:
        while block := f.read(_BLOCK):
            buf = rest + block
            cut = buf.rfind(b"<")
            if cut < 0:
                yield buf
                rest = b""
            else:
                yield buf[:cut]
                rest = buf[cut:]
    yield rest


def _span(zf: zipfile.ZipFile, name: str) -> tuple[int, int]:
    """(rows, columns) of the rectangle calamine allocates for a sheet, or more.

    Cells name their place (r="C7") in nearly every file: the largest row and column
    named are the answer, found by regular expressions that never loop in Python per
    cell (a 33 MB sheet has 600,000 cells). A piece with a cell written any other way
    (no r=, other quotes or spacing, a namespace prefix) has the sheet walked tag by tag.
    """
    rows = 0
    letters: set[bytes] = set()
    for piece in _pieces(zf, name):
        columns = _PLAIN_COLUMN.findall(piece)
        if len(columns) != piece.count(b"<c ") + piece.count(b"<c>") or b":c " in piece:
            return _walked_span(zf, name)
        if columns:
            letters.update(columns)
            rows = max(rows, *map(int, _PLAIN_ROW.findall(piece)))
    return rows, max(map(_col_number, letters), default=0)


def _walked_span(zf: zipfile.ZipFile, name: str) -> tuple[int, int]:
    rows = cols = row = col = 0
    for piece in _pieces(zf, name):
        for m in _ROW_OR_CELL.finditer(piece):
            ref = _REF.search(m.group(2))
            letters, digits = (ref.group(1), ref.group(2)) if ref else (b"", b"")
            if m.group(1) == b"row":
                row = int(digits) if digits else row + 1
                col = 0
            else:
                row = int(digits) if digits else max(row, 1)
                col = _col_number(letters.upper()) if letters else col + 1
            rows, cols = max(rows, row), max(cols, col)
    return rows, cols


def _part(zf: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """A small workbook part parsed with ElementTree, which would expand the entities a
    DOCTYPE declares: no real workbook has one, so a part that does is refused."""
    data = zf.read(name)
    if b"<!DOCTYPE" in data.upper():
        raise ValueError(f"{name} declares a DOCTYPE; refused for safety")
    return ElementTree.fromstring(data)


def _xlsx_sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    workbook = _part(zf, "xl/workbook.xml")
    rels = _part(zf, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out: dict[str, str] = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        if target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            out[sheet.get("name", "")] = posixpath.normpath(path)
    return out


def _xml_facts(path: Path, fmt: str, sheets: dict[str, SheetInfo]) -> dict[str, int]:
    """Fill formulas and declared dimensions from the XML; silent on odd files.

    Returns the declared number of columns per sheet.
    """
    declared: dict[str, int] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            if fmt == "ods":
                n, _, _ = _count_stream(zf, "content.xml", _ODS_FORMULA)
                first = next(iter(sheets.values()), None)
                if first is not None:
                    first.formulas = n  # ODS keeps every sheet in one file
                return declared
            for name, member in _xlsx_sheet_paths(zf).items():
                info = sheets.get(name)
                if info is None or member not in zf.namelist():
                    continue
                totals: set[int] = set()
                info.formulas, head, last = _count_stream(zf, member, _FORMULA, totals)
                info.total_rows = sorted(totals)
                info.dimension, n_rows, declared[name] = _extent(head, last)
                info.trailing_blank_rows = max(0, n_rows - info.n_rows)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError):
        pass
    return declared


def _cells(row: list[object]) -> list[str]:
    # calamine gives "" for empty cells; str() in C keeps strings, and writes numbers as
    # "12.0" (Excel stores every number as a float, so such columns type as "number"),
    # booleans as "True", dates and datetimes in ISO form.
    return list(map(str, row))


def _used_rows(rows: list[list[object]]) -> int:
    n = len(rows)
    while n and all(v == "" or v is None for v in rows[n - 1]):
        n -= 1
    return n


def _used_cols(rows: list[list[object]]) -> int:
    width = 0
    for row in rows:
        for j in range(len(row) - 1, width - 1, -1):
            if row[j] != "" and row[j] is not None:
                width = j + 1
                break
    return width


class SheetTooLarge(ValueError):
    """A sheet spans more cells than may be allocated."""


def _check_spans(path: Path) -> None:
    """Refuse an xlsx with a sheet whose cells span more than `MAX_CELLS`."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            members = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
            with suppress(ElementTree.ParseError, KeyError, ValueError):  # calamine will say
                members.update(p for p in _xlsx_sheet_paths(zf).values() if p in names)
            for member in sorted(members):
                rows, cols = _span(zf, member)
                if rows * cols > MAX_CELLS:
                    raise SheetTooLarge(
                        f"sheet {member!r} spans {rows} rows x {cols} columns "
                        f"({rows * cols} cells); more than {MAX_CELLS} refused"
                    )
    except (zipfile.BadZipFile, KeyError, OSError):
        return  # calamine reports a damaged workbook itself


def read_workbook(path: Path, fmt: str) -> SheetData:
    """All sheets summarised; the first sheet with data converted to rows of strings."""
    if fmt == "xlsx":
        _check_spans(path)
    wb = CalamineWorkbook.from_path(str(path))
    infos: dict[str, SheetInfo] = {}
    chosen: list[list[object]] | None = None
    chosen_name = ""
    for name in wb.sheet_names:
        raw = cast(
            "list[list[object]]", wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        )
        info = SheetInfo(name=name, n_rows=_used_rows(raw))
        infos[name] = info
        if info.n_rows and (chosen is None or (_used_rows(chosen) < 2 <= info.n_rows)):
            chosen, chosen_name = raw, name
    declared = _xml_facts(path, fmt, infos) if fmt in ("xlsx", "ods") else {}
    rows: list[list[str]] = []
    if chosen is not None:
        info = infos[chosen_name]
        info.inspected = True
        used = _used_cols(chosen)
        info.trailing_blank_columns = max(0, declared.get(chosen_name, 0) - used)
        rows = [_cells(r[:used]) for r in chosen[: info.n_rows]]
    return SheetData(list(infos.values()), rows)

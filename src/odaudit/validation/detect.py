"""What a file is (from its bytes, not its name) and where the real header sits."""

from __future__ import annotations

import io
import zipfile
from collections import Counter

__all__ = ["detect_format", "filled", "find_header"]


def detect_format(head: bytes, path_bytes: bytes | None = None) -> tuple[str, str]:
    """(format, reason-if-not-a-table) from the first bytes; ``path_bytes`` for zips."""
    if not head:
        return "unknown", "empty file (0 bytes)"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(path_bytes or head)) as zf:
                names = set(zf.namelist())
                if "xl/workbook.xml" in names:
                    return "xlsx", ""
                if "mimetype" in names and b"spreadsheet" in zf.read("mimetype"):
                    return "ods", ""
        except (zipfile.BadZipFile, OSError, KeyError):
            return "unknown", "damaged ZIP archive"
        return "unknown", "ZIP archive that is not a spreadsheet"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls", ""
    if head.startswith(b"%PDF-"):
        return "unknown", "PDF document, not a table"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:256]:
        return "unknown", "HTML page, not a table"
    if start.startswith(b"<"):
        return "unknown", "XML document, not a table"
    if start.startswith((b"{", b"[")):
        return "unknown", "JSON document, not a table"
    window = head[:4096]
    nuls = window.count(b"\x00")
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")) and nuls > max(1, len(window) // 100):
        return "unknown", "binary file, not a table"  # a stray NUL in a CSV is not enough
    return "csv", ""


def filled(row: list[str]) -> int:
    """Cells holding something other than whitespace (NBSP included)."""
    return sum(1 for c in row if c.strip())


def find_header(rows: list[list[str]]) -> int:
    """0-based index of the header row: the first row about as full as the data rows.

    Titles, notes and summary blocks above a table fill one or two cells (or a shorter
    summary table); the header fills about as many cells as the typical data row: at
    least three quarters of them, or at least half when it is exactly as wide as the
    typical row (a header with a blank label), so "Reporte,2023" above a 3-column
    table is a title.
    """
    counts = [filled(r) for r in rows]
    nonblank = [(n, len(r)) for n, r in zip(counts, rows, strict=True) if n]
    if not nonblank:
        return 0
    typical = _mode([n for n, _ in nonblank])
    width = _mode([w for _, w in nonblank])
    if typical < 2:
        return next((i for i, n in enumerate(counts) if n), 0)
    full = max(2, typical - typical // 4)
    half = max(2, (typical + 1) // 2)
    return next(
        (i for i, n in enumerate(counts) if n >= full or (n >= half and len(rows[i]) == width)),
        0,
    )


def _mode(values: list[int]) -> int:
    return max(Counter(values).items(), key=lambda kv: (kv[1], kv[0]))[0]

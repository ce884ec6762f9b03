"""The newest date found inside a resource's data: the last rung of the freshness ladder.

The validation engine's table report may carry it (`newest_date`, read duck-typed from a
report object or its stored dict). Otherwise it is read here from the sniffed bytes, but
only when they are the whole file: the newest rows are often at the end, so a prefix
would make current data look old.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from odaudit.checks.context import ResourceView
from odaudit.checks.dates import parse_date
from odaudit.checks.text import fold

__all__ = ["data_date_from_bytes", "newest_data_date"]

_DATE = re.compile(
    r"^\s*(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}/\d{1,2}/\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)\s*$"
)
#: What every value `_DATE` accepts contains: a file without it has no date column.
_ANY_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}")
#: Columns whose dates say nothing about when the data was last updated.
_NOT_UPDATE_DATES = ("nacimiento", "birth", "fundacion", "creacion", "vencimiento", "expir")
_MIN_SHARE = 0.8
_MAX_ROWS = 5000


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def data_date_from_bytes(data: bytes) -> tuple[datetime, str] | None:
    """The newest date in a whole delimited text file, with its column; None when none."""
    text = _decode(data)
    if not text or not _ANY_DATE.search(text):  # no column can be mostly dates
        return None
    lines = text.splitlines()
    if len(lines) < 2:
        return None
    delimiter = max((",", ";", "\t", "|"), key=lambda d: sum(line.count(d) for line in lines[:50]))
    try:
        rows = list(csv.reader(lines[:_MAX_ROWS], delimiter=delimiter))
    except csv.Error:
        return None
    widths = [len(r) for r in rows if any(c.strip() for c in r)]
    if not widths:
        return None
    width = max(set(widths), key=widths.count)  # title rows above the header are narrower
    start = next(i for i, r in enumerate(rows) if len(r) == width)
    header, body = rows[start], rows[start + 1 :]
    best: tuple[datetime, str] | None = None
    for index, label in enumerate(header):
        if any(word in fold(label) for word in _NOT_UPDATE_DATES):
            continue
        values = [r[index].strip() for r in body if index < len(r) and r[index].strip()]
        dated = [v for v in values if _DATE.match(v)]
        if not values or len(dated) < _MIN_SHARE * len(values):
            continue
        parsed = [d for d in (parse_date(v) for v in dated) if d is not None]
        if parsed and (best is None or max(parsed) > best[0]):
            best = (max(parsed), label[:100])
    return best


def _whole_file(view: ResourceView, sniff_cap: int) -> bool:
    probe = view.probe
    if probe is None or not probe.sniff:
        return False
    if probe.content_length is not None:
        return len(probe.sniff) >= probe.content_length
    return len(probe.sniff) < sniff_cap


def _field(report: Any, name: str) -> Any:
    return report.get(name) if isinstance(report, Mapping) else getattr(report, name, None)


def _from_report(report: Any) -> str | None:
    """The newest date the whole table holds; None when the copy read was cut short
    (the part left out may hold newer rows, so it proves nothing)."""
    if _field(report, "truncated"):
        return None
    value = _field(report, "newest_date")
    return str(value) if value else None


def newest_data_date(
    view: ResourceView, report: Any, sniff_cap: int = 65536
) -> tuple[datetime, str] | None:
    """(newest date, where it was read) for one resource, or None when the data says nothing."""
    raw = _from_report(report) if report is not None else None
    when = parse_date(raw) if raw else None
    if when is not None:
        return when, "table_report.newest_date"
    if view.fetched_ok and view.detected in ("CSV", "TSV") and _whole_file(view, sniff_cap):
        found = data_date_from_bytes(view.probe.sniff if view.probe is not None else b"")
        if found is not None:
            return found[0], f"sniffed file, column {found[1]!r}"
    return None

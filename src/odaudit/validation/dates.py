"""The newest date inside a table: which columns count, and their latest value per chunk.

Freshness (FR005) asks how recent the data itself is. Only date columns about the data's
period count: birth, foundation and expiry dates say nothing about it, and a date further
ahead than one day after the inspection is a typo (2203 for 2023), not news. When a table
has no date column, a year column with a month column (budget tables) dates each row by
the last day of its month.

Per chunk the work is a few C-level calls (``max``, ``set``); Python only touches the
distinct candidate values, so the whole-file scan stays as fast as before.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter

__all__ = [
    "DATE_TYPES",
    "DateWindow",
    "is_period_column",
    "month_column",
    "newest_in_column",
    "newest_year_month",
    "year_column",
]

DATE_TYPES = ("date", "datetime", "date-dmy", "datetime-dmy")
_ISO_TYPES = ("date", "datetime")

#: Folded label fragments of columns whose dates are not about the data's period.
_NOT_PERIOD = (
    "nacimiento",
    "birth",
    "fundacion",
    "founded",
    "foundation",
    "creacion",
    "vencimiento",
    "vence",
    "expir",
    "caducidad",
    "caduca",
)
_YEAR_WORDS = frozenset({"anio", "ano", "year"})
_MONTH_WORDS = frozenset({"mes", "month"})
_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("enero", "ene", "january", "jan"),
            ("febrero", "feb", "february"),
            ("marzo", "mar", "march"),
            ("abril", "abr", "april", "apr"),
            ("mayo", "may"),
            ("junio", "jun", "june"),
            ("julio", "jul", "july"),
            ("agosto", "ago", "august", "aug"),
            ("septiembre", "setiembre", "sep", "sept", "set", "september"),
            ("octubre", "oct", "october"),
            ("noviembre", "nov", "november"),
            ("diciembre", "dic", "december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_first10: Callable[[str], str] = itemgetter(slice(0, 10))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _words(label: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", _fold(label)))


def is_period_column(label: str) -> bool:
    """False for columns whose dates are about something else (birth, expiry...)."""
    folded = _fold(label)
    return not any(word in folded for word in _NOT_PERIOD)


def year_column(label: str) -> bool:
    return bool(_words(label) & _YEAR_WORDS)


def month_column(label: str) -> bool:
    return bool(_words(label) & _MONTH_WORDS)


@dataclass(frozen=True)
class DateWindow:
    """The inspection's day and the latest date believed (one day later), as ISO strings."""

    today: str = "9999-12-30"
    limit: str = "9999-12-31"

    @classmethod
    def at(cls, now: datetime | None = None) -> DateWindow:
        day = (now or datetime.now(UTC)).date()
        return cls(day.isoformat(), (day + timedelta(days=1)).isoformat())


def _iso_ok(value: str, limit: str) -> bool:
    if value > limit or not _ISO.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _dmy_iso(value: str) -> str | None:
    parts = value.split(" ", 1)[0].replace("-", "/").split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
    except ValueError:
        return None


def newest_in_column(
    col: Sequence[str], type_name: str, limit: str, bad: Sequence[int] = ()
) -> str | None:
    """The latest ISO date (``<= limit``) among a chunk of one date-typed column's cells.

    ``bad``: indexes of cells known not to parse as the type (the scan found them anyway);
    blanking them lets one C-level ``max`` find the answer for ISO columns.
    """
    if not col:
        return None
    if type_name in _ISO_TYPES:
        if bad:
            col = list(col)
            for i in bad:
                col[i] = ""
        top = _first10(max(col))
        if _iso_ok(top, limit):
            return top  # the common case: one C-level max
        for value in sorted(set(map(_first10, col)), reverse=True):
            if _iso_ok(value, limit):
                return value
        return None
    best: str | None = None
    for value in set(map(_first10, col)):
        iso = _dmy_iso(value)
        if iso is not None and iso <= limit and (best is None or iso > best):
            best = iso
    return best


def _month(value: str) -> int | None:
    v = _fold(value).strip()
    if v in _MONTHS:
        return _MONTHS[v]
    try:
        number = float(v)
    except ValueError:
        return None
    return int(number) if number.is_integer() and 1 <= number <= 12 else None


def _year(value: str) -> int | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() and 1900 <= number <= 9999 else None


def newest_year_month(
    years: Sequence[str], months: Sequence[str], window: DateWindow
) -> str | None:
    """The last day of the latest (year, month) pair not after the window, as ISO.

    The current month is capped at the inspection's day: its data cannot be newer.
    """
    best: str | None = None
    for y_text, m_text in set(zip(years, months, strict=False)):
        year, month = _year(y_text), _month(m_text)
        if year is None or month is None:
            continue
        if date(year, month, 1).isoformat() > window.limit:
            continue
        last = date(year, month, calendar.monthrange(year, month)[1]).isoformat()
        value = min(last, window.today)
        if best is None or value > best:
            best = value
    return best

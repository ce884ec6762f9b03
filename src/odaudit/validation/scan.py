"""The row pass shared by CSV and spreadsheets: structure, types, null markers, personal data.

Rows arrive in chunks of lists of strings. Per-row work is a few C-level calls; per-cell
work is done per column chunk with one regex over the newline-joined values, so only the
rare bad cells are touched in Python. A scan of part of a file is a ``Partial``; partials
of consecutive byte ranges merge, which is how large CSVs are scanned in parallel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import methodcaller, sub

from odaudit.validation.dates import DateWindow, newest_in_column, newest_year_month
from odaudit.validation.model import MAX_EXAMPLES
from odaudit.validation.personal import count_in_column
from odaudit.validation.types import NULL_MARKER_LINES, bad_indices, is_null_marker

__all__ = ["Hits", "Partial", "ScanPlan", "Scanner"]

_count_empty = methodcaller("count", "")
_TOTAL = re.compile(r"^\s*(?:gran\s+)?(?:total(?:es)?|suma)\b", re.MULTILINE | re.IGNORECASE)
_MAX_PENDING = 1000


@dataclass
class ScanPlan:
    """What the sample taught: width, column types, where to look for personal data."""

    ncols: int
    types: dict[int, str] = field(default_factory=dict)  # column -> type name
    pd: dict[int, dict[str, bool]] = field(default_factory=dict)  # column -> kind -> hinted
    total_cols: tuple[int, ...] = ()  # text columns where a "Total" label would sit
    date_cols: tuple[int, ...] = ()  # date-typed columns about the data's period
    year_month: tuple[int, int] | None = None  # (year, month) columns, when no date column
    window: DateWindow = field(default_factory=DateWindow)

    @property
    def sparse_max(self) -> int:
        """Rows with at most this many filled cells may be titles or footers."""
        return min(2, self.ncols // 4)


@dataclass
class Hits:
    """A count and the first row numbers (relative to the partial until merged)."""

    count: int = 0
    rows: list[int] = field(default_factory=list)

    def add(self, row: int) -> None:
        self.count += 1
        if len(self.rows) < MAX_EXAMPLES:
            self.rows.append(row)

    def merge(self, other: Hits, offset: int) -> None:
        self.count += other.count
        self.rows = sorted(self.rows + [r + offset for r in other.rows])[:MAX_EXAMPLES]


@dataclass
class Partial:
    """What a scan of consecutive records found. Row numbers are 1-based within the partial."""

    records: int = 0  # records fed, blank and footer rows included
    blank: Hits = field(default_factory=Hits)
    extra: Hits = field(default_factory=Hits)
    missing: Hits = field(default_factory=Hits)
    totals: Hits = field(default_factory=Hits)
    type_errors: dict[int, Hits] = field(default_factory=dict)
    checked: dict[int, int] = field(default_factory=dict)  # non-empty typed values seen
    nonempty: dict[int, int] = field(default_factory=dict)  # non-empty cells per column
    markers: dict[int, dict[str, int]] = field(default_factory=dict)
    marker_rows: dict[int, Hits] = field(default_factory=dict)
    pd: dict[int, dict[str, int]] = field(default_factory=dict)
    newest: dict[int, str] = field(default_factory=dict)  # date column -> latest ISO date
    newest_year_month: str = ""  # last day of the latest (year, month), ISO
    footer: list[int] = field(default_factory=list)
    trailing_blank: int = 0
    decode_errors: int = 0
    error: str = ""  # the parser gave up here (hostile or broken file)
    notes: list[str] = field(default_factory=list)  # how the scan went, for the evidence

    def merge(self, other: Partial) -> None:
        """Append ``other``, the partial of the records right after this one's."""
        off = self.records
        self.records += other.records
        for name in ("blank", "extra", "missing", "totals"):
            getattr(self, name).merge(getattr(other, name), off)
        for c, h in other.type_errors.items():
            self.type_errors.setdefault(c, Hits()).merge(h, off)
        for c, h in other.marker_rows.items():
            self.marker_rows.setdefault(c, Hits()).merge(h, off)
        for mine_counts, theirs in ((self.checked, other.checked), (self.nonempty, other.nonempty)):
            for c, n in theirs.items():
                mine_counts[c] = mine_counts.get(c, 0) + n
        for target, source in ((self.markers, other.markers), (self.pd, other.pd)):
            for c, counts in source.items():
                mine = target.setdefault(c, {})
                for k, n in counts.items():
                    mine[k] = mine.get(k, 0) + n
        for c, day in other.newest.items():
            if day > self.newest.get(c, ""):
                self.newest[c] = day
        self.newest_year_month = max(self.newest_year_month, other.newest_year_month)
        self.footer = [r + off for r in other.footer]
        self.trailing_blank = other.trailing_blank
        self.decode_errors += other.decode_errors
        self.error = self.error or other.error
        self.notes += other.notes


class Scanner:
    """Feeds chunks of rows (the header already removed) into a ``Partial``."""

    def __init__(self, plan: ScanPlan) -> None:
        self.plan = plan
        self.result = Partial()
        self._pending: list[tuple[int, int]] = []  # sparse rows not yet judged: (row, width)
        self._empty = [""] * plan.ncols

    def feed(self, rows: list[list[str]]) -> None:
        """Scan one chunk; ``rows`` is modified in place (padded, blanked)."""
        if not rows:
            return
        res = self.result
        start = res.records + 1
        res.records += len(rows)
        ncols = self.plan.ncols
        sparse_max = self.plan.sparse_max
        pending = self._pending
        widths = list(map(len, rows))
        fills = list(map(sub, widths, map(_count_empty, rows)))
        odd = sorted(
            {i for i, w in enumerate(widths) if w != ncols}
            | {i for i, f in enumerate(fills) if f <= sparse_max}
        )
        prev = -1
        for i in odd:
            if i > prev + 1 and (pending or res.trailing_blank):
                self._flush()  # a regular row came between: what is pending is not a footer
            prev = i
            width, n_filled = widths[i], fills[i]
            row_no = start + i
            if n_filled == 0:
                res.blank.add(row_no)
                res.trailing_blank += 1
                rows[i] = self._empty
            elif n_filled <= sparse_max:
                pending.append((row_no, width))
                if len(pending) > _MAX_PENDING:
                    self._flush(keep=_MAX_PENDING // 2)
                rows[i] = self._empty
            else:
                self._flush()
                if width > ncols:
                    res.extra.add(row_no)
                    rows[i] = rows[i][:ncols]
                else:
                    res.missing.add(row_no)
                    rows[i] = rows[i] + [""] * (ncols - width)
        if prev < len(rows) - 1 and (pending or res.trailing_blank):
            self._flush()
        self._columns(rows, start)

    def _flush(self, keep: int = 0) -> None:
        res = self.result
        res.trailing_blank = 0
        judged = self._pending[: len(self._pending) - keep]
        del self._pending[: len(judged)]
        for row_no, width in judged:
            if width > self.plan.ncols:
                res.extra.add(row_no)
            elif width < self.plan.ncols:
                res.missing.add(row_no)

    def _columns(self, rows: list[list[str]], start: int) -> None:
        plan = self.plan
        res = self.result
        cols = list(zip(*rows, strict=True))
        date_cols = plan.date_cols
        if plan.year_month is not None and cols:
            self._year_month(cols)
        for c, col in enumerate(cols):
            joined: str | None = None
            type_name = plan.types.get(c)
            if type_name is not None:
                n_values = len(col)
                misfits = bad_indices(col, type_name)
                if c in date_cols:
                    self._newest(c, col, type_name, misfits)
                for idx in misfits:
                    value = col[idx]
                    if not value:
                        n_values -= 1
                    elif is_null_marker(value):
                        self._marker(c, value.strip(), start + idx)
                    else:
                        res.type_errors.setdefault(c, Hits()).add(start + idx)
                res.checked[c] = res.checked.get(c, 0) + n_values
                if n_values:
                    res.nonempty[c] = res.nonempty.get(c, 0) + n_values
            else:
                joined = "\n".join(col)
                if len(joined) >= len(col):  # some cell is not empty
                    res.nonempty[c] = res.nonempty.get(c, 0) + 1
                    if joined.count("\n") == len(col) - 1:
                        found: Iterable[int] = _match_lines(NULL_MARKER_LINES, f"\n{joined}\n")
                    else:  # a cell holds a line break: lines and cells no longer align
                        found = [i for i, v in enumerate(col) if v and is_null_marker(v)]
                    for idx in found:
                        self._marker(c, col[idx].strip(), start + idx)
            kinds = plan.pd.get(c)
            if joined is not None and "@" in joined and not (kinds and "email" in kinds):
                # Text columns are joined anyway: e-mails appearing after the sample are
                # found for the price of one memchr.
                kinds = {**(kinds or {}), "email": False}
            if kinds:
                if joined is None:
                    joined = "\n".join(col)
                counts = res.pd.setdefault(c, {})
                for kind, hinted in kinds.items():
                    good, bad = count_in_column(kind, joined, hinted=hinted)
                    counts[kind] = counts.get(kind, 0) + good
                    if bad:
                        counts[kind + "_invalid"] = counts.get(kind + "_invalid", 0) + bad
            if c in plan.total_cols:
                if joined is None:
                    joined = "\n".join(col)
                if "otal" in joined or "OTAL" in joined or "uma" in joined or "UMA" in joined:
                    for idx in _match_lines(_TOTAL, joined):
                        res.totals.add(start + idx)

    def _newest(self, c: int, col: tuple[str, ...], type_name: str, bad: list[int]) -> None:
        day = newest_in_column(col, type_name, self.plan.window.limit, bad)
        if day is not None and day > self.result.newest.get(c, ""):
            self.result.newest[c] = day

    def _year_month(self, cols: list[tuple[str, ...]]) -> None:
        assert self.plan.year_month is not None
        y, m = self.plan.year_month
        day = newest_year_month(cols[y], cols[m], self.plan.window)
        if day is not None and day > self.result.newest_year_month:
            self.result.newest_year_month = day

    def _marker(self, c: int, marker: str, row_no: int) -> None:
        counts = self.result.markers.setdefault(c, {})
        counts[marker] = counts.get(marker, 0) + 1
        self.result.marker_rows.setdefault(c, Hits()).add(row_no)

    def finish(self, *, last: bool) -> Partial:
        """Close the partial; in the last one, trailing sparse rows are the footer."""
        if last:
            self.result.footer = [r for r, _ in self._pending]
            self._pending.clear()
        else:
            self._flush()
        return self.result


def _match_lines(pattern: re.Pattern[str], joined: str) -> Iterable[int]:
    """Line indexes of ``joined`` where ``pattern`` matches (counted incrementally)."""
    pos = 0
    line = 0
    for m in pattern.finditer(joined):
        s = m.start()
        line += joined.count("\n", pos, s)
        pos = s
        yield line

"""``inspect_table``: one downloaded tabular file in, a ``TableReport`` out, never an exception.

Steps: sniff the format from the bytes; for text, decide the encoding on up to 1 MB and
the delimiter; parse a sample, find the header below any title block, infer column types
and where personal data may be; then scan every row (in parallel for large CSVs) and
turn what was counted into problems.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from odaudit.validation.archive import zip_problem
from odaudit.validation.csvfile import parse_sample, scan_csv, sniff_delimiter
from odaudit.validation.dates import (
    DATE_TYPES,
    DateWindow,
    is_period_column,
    month_column,
    year_column,
)
from odaudit.validation.detect import detect_format, filled, find_header
from odaudit.validation.encoding import SAMPLE_BYTES, detect_encoding
from odaudit.validation.model import (
    MAX_EXAMPLES,
    ColumnIssue,
    PersonalDataColumn,
    PersonalDataReport,
    TableProblem,
    TableReport,
)
from odaudit.validation.personal import kinds_for_column
from odaudit.validation.scan import Partial, Scanner, ScanPlan
from odaudit.validation.sheets import read_workbook
from odaudit.validation.types import infer_type

__all__ = ["inspect_table"]

#: A column whose type errors exceed this share of its values is text, not a typed column.
DEMOTE_SHARE = 0.2
_SAMPLE_ROWS = 2000


def _label(labels: list[str], i: int) -> str:
    lab = labels[i].strip() if i < len(labels) else ""
    return lab or f"column {i + 1}"


def _plan(labels: list[str], body: list[list[str]], window: DateWindow) -> ScanPlan:
    ncols = len(labels)
    plan = ScanPlan(ncols=ncols, window=window)
    rows = [r for r in body if filled(r) > plan.sparse_max]
    columns: list[list[str]] = [[] for _ in range(ncols)]
    for r in rows:
        for j in range(min(ncols, len(r))):
            columns[j].append(r[j])
    text_cols: list[int] = []
    for j, values in enumerate(columns):
        t = infer_type(values)
        if t is not None:
            plan.types[j] = t
        elif any(values):
            text_cols.append(j)
        kinds = kinds_for_column(labels[j], "\n".join(values))
        if kinds:
            plan.pd[j] = kinds
    plan.total_cols = tuple(text_cols[:2])
    _plan_dates(plan, labels)
    return plan


def _plan_dates(plan: ScanPlan, labels: list[str]) -> None:
    """Columns the newest date is read from: period dates, else a year and a month column."""
    plan.date_cols = tuple(
        j for j, t in sorted(plan.types.items()) if t in DATE_TYPES and is_period_column(labels[j])
    )
    if plan.date_cols:
        return
    years = [
        j
        for j in range(plan.ncols)
        if plan.types.get(j) in ("integer", "number") and year_column(labels[j])
    ]
    months = [j for j in range(plan.ncols) if month_column(labels[j]) and j not in years]
    if years and months:
        plan.year_month = (years[0], months[0])


def _scan_rows(rows: list[list[str]], plan: ScanPlan, max_rows: int | None) -> Partial:
    scanner = Scanner(plan)
    if max_rows is not None:
        rows = rows[:max_rows]
    for i in range(0, len(rows), 20_000):
        scanner.feed(rows[i : i + 20_000])
    return scanner.finish(last=True)


def _header_problems(report: TableReport, extra_blank: int) -> None:
    labels = report.labels
    blank = [i for i, lab in enumerate(labels) if not lab.strip()]
    n_blank = len(blank) + extra_blank
    if n_blank:
        report.problems.append(
            TableProblem(
                "blank-label",
                f"{n_blank} column(s) without a label in the header",
                n_blank,
                [report.header_row],
                [f"column {i + 1}" for i in blank][:MAX_EXAMPLES],
            )
        )
    seen: dict[str, int] = {}
    dups: list[str] = []
    for lab in labels:
        key = lab.strip()
        if key:
            seen[key] = seen.get(key, 0) + 1
            if seen[key] == 2:
                dups.append(key)
    if dups:
        n = sum(seen[d] - 1 for d in dups)
        report.problems.append(
            TableProblem(
                "duplicate-label", f"{n} repeated column label(s)", n, [report.header_row], dups
            )
        )
    spaced = [lab.strip() for lab in labels if lab.strip() and lab != lab.strip()]
    if spaced:
        report.problems.append(
            TableProblem(
                "label-spaces",
                f"{len(spaced)} label(s) with leading or trailing spaces",
                len(spaced),
                [report.header_row],
                spaced[:MAX_EXAMPLES],
            )
        )


def _fill(report: TableReport, part: Partial, plan: ScanPlan, offset: int, pd: bool) -> None:
    """Copy the merged partial into the report; row numbers become file row numbers."""
    labels = report.labels
    report.decode_errors += part.decode_errors
    report.notes += part.notes
    report.blank_rows += part.blank.count
    report.blank_row_numbers = [r + offset for r in part.blank.rows]
    report.extra_cell_rows = part.extra.count
    report.missing_cell_rows = part.missing.count
    report.footer_rows = [r + offset for r in part.footer]
    report.total_rows = [r + offset for r in part.totals.rows]
    report.n_rows = max(0, part.records - part.blank.count - len(part.footer))
    for j, t in sorted(plan.types.items()):
        hits = part.type_errors.get(j)
        if hits and hits.count > DEMOTE_SHARE * max(1, part.checked.get(j, 0)):
            continue  # too many misfits: the sample misled us, the column is text
        report.column_types[_label(labels, j)] = t
        if hits:
            report.type_errors.append(
                ColumnIssue(_label(labels, j), j, hits.count, [r + offset for r in hits.rows])
            )
    for j, counts in sorted(part.markers.items()):
        rows = part.marker_rows.get(j)
        report.null_markers.append(
            ColumnIssue(
                _label(labels, j),
                j,
                sum(counts.values()),
                [r + offset for r in rows.rows] if rows else [],
                dict(counts),
            )
        )
    _fill_newest(report, part, plan)
    if part.error:
        report.parseable = False
        report.error = part.error
    if pd:
        cols = []
        for j, counts in sorted(part.pd.items()):
            col = PersonalDataColumn(
                _label(labels, j),
                j,
                dpi=counts.get("dpi", 0),
                dpi_invalid=counts.get("dpi_invalid", 0),
                nit=counts.get("nit", 0),
                email=counts.get("email", 0),
                phone=counts.get("phone", 0),
            )
            if col.total or col.dpi_invalid:
                cols.append(col)
        report.personal_data = PersonalDataReport(cols, part.records)


def _fill_newest(report: TableReport, part: Partial, plan: ScanPlan) -> None:
    """The latest date of the columns still typed as dates (a demoted column is text)."""
    labels = report.labels
    for j, day in sorted(part.newest.items()):
        label = _label(labels, j)
        if report.column_types.get(label) in DATE_TYPES and day > (report.newest_date or ""):
            report.newest_date, report.newest_date_column = day, label
    if report.newest_date is None and part.newest_year_month and plan.year_month is not None:
        y, m = plan.year_month
        report.newest_date = part.newest_year_month
        report.newest_date_column = f"{_label(labels, y)} + {_label(labels, m)}"


def _rows_problems(report: TableReport, part: Partial, offset: int) -> None:
    def add(
        hint: str, message: str, count: int, rows: list[int], cols: list[str] | None = None
    ) -> None:
        if count:
            report.problems.append(
                TableProblem(hint, message, count, rows[:MAX_EXAMPLES], cols or [])
            )

    add(
        "blank-row",
        f"{report.blank_rows} blank row(s)",
        report.blank_rows,
        report.blank_row_numbers,
    )
    add(
        "extra-cell",
        f"{part.extra.count} row(s) with more cells than the header",
        part.extra.count,
        [r + offset for r in part.extra.rows],
    )
    add(
        "missing-cell",
        f"{part.missing.count} row(s) with fewer cells than the header",
        part.missing.count,
        [r + offset for r in part.missing.rows],
    )
    n_type = sum(c.count for c in report.type_errors)
    add(
        "type-error",
        f"{n_type} cell(s) that do not match their column's type",
        n_type,
        sorted({r for c in report.type_errors for r in c.rows}),
        [c.column for c in report.type_errors],
    )
    n_null = sum(c.count for c in report.null_markers)
    markers = sorted({m for c in report.null_markers for m in c.detail})
    add(
        "null-marker",
        f"{n_null} cell(s) use a marker ({', '.join(markers)}) instead of an empty value",
        n_null,
        sorted({r for c in report.null_markers for r in c.rows}),
        [c.column for c in report.null_markers],
    )
    empty_cols = [
        _label(report.labels, j) for j in range(report.n_columns) if not part.nonempty.get(j)
    ]
    if report.n_rows:
        add(
            "empty-column",
            f"{len(empty_cols)} column(s) without a single value",
            len(empty_cols),
            [],
            empty_cols,
        )
    footer = sorted(set(report.footer_rows) | set(report.total_rows))
    add(
        "footer-rows",
        f"{len(footer)} footer or total row(s) mixed with the data",
        len(footer),
        footer,
    )


def _finish(report: TableReport) -> None:
    if not report.parseable:
        report.problems.insert(
            0, TableProblem("not-parseable", report.error or "could not be parsed")
        )
    elif report.n_rows == 0:
        report.problems.insert(0, TableProblem("empty-table", "no data rows", 0))


def _inspect_text(
    report: TableReport,
    path: Path,
    max_rows: int | None,
    workers: int | None,
    pd: bool,
    window: DateWindow,
) -> None:
    with open(path, "rb") as f:
        sample = f.read(SAMPLE_BYTES)
    guess = detect_encoding(sample, complete=len(sample) == report.size_bytes)
    report.encoding, report.bom = guess.encoding, guess.bom
    text = sample.decode(guess.encoding, errors="replace")
    report.delimiter = sniff_delimiter(text)
    if report.delimiter == "\t":
        report.format = "tsv"
    rows, error = parse_sample(text, report.delimiter, _SAMPLE_ROWS)
    if not rows and len(sample) == report.size_bytes:
        rows, error = parse_sample(text + "\n", report.delimiter, _SAMPLE_ROWS)
    if not any(filled(r) for r in rows):
        report.error = error or "no rows with any value"
        return
    h = find_header(rows)
    report.header_row = h + 1
    report.labels = rows[h]
    report.n_columns = len(rows[h])
    report.parseable = True
    plan = _plan(report.labels, rows[h + 1 :], window)
    part = scan_csv(
        path,
        encoding=guess.encoding,
        delimiter=report.delimiter,
        plan=plan,
        header_records=h + 1,
        max_rows=max_rows,
        workers=workers,
    )
    report.truncated = max_rows is not None and part.records >= max_rows
    _fill(report, part, plan, h + 1, pd)
    _header_problems(report, 0)
    if guess.encoding not in ("utf-8", "utf-8-sig"):
        report.problems.append(
            TableProblem("encoding", f"encoded as {guess.encoding}, not UTF-8", 1)
        )
    if report.decode_errors:
        report.problems.append(
            TableProblem(
                "encoding",
                f"{report.decode_errors} byte sequence(s) invalid in {guess.encoding}",
                report.decode_errors,
            )
        )
    _title_problem(report)
    _rows_problems(report, part, h + 1)


def _title_problem(report: TableReport) -> None:
    if report.header_row > 1:
        n = report.header_row - 1
        report.problems.append(
            TableProblem(
                "title-rows",
                f"{n} row(s) of titles or notes above the header (header at row {report.header_row})",
                n,
                list(range(1, min(n, MAX_EXAMPLES) + 1)),
            )
        )


def _grid_to_records(rows: list[list[str]], h: int) -> list[str]:
    """Shape a sheet's grid like CSV records, in place; returns the header labels.

    A grid has no missing cells: empty cells up to the header's last label are just
    empty. Values to the right of the last label are extra cells, as in a CSV.
    """
    header = rows[h]
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    for i in range(h + 1, len(rows)):
        row = rows[i]
        used = len(row)
        while used > width and row[used - 1] == "":
            used -= 1
        rows[i] = row[:used] if used > width else row[:width] + [""] * (width - len(row))
    return header[:width]


def _other_sheet_totals(report: TableReport) -> None:
    """Totals rows (=SUM of the column above) in sheets other than the inspected one."""
    others = [s for s in report.sheets if s.total_rows and not s.inspected]
    if not others:
        return
    n = sum(len(s.total_rows) for s in others)
    footer = report.problem("footer-rows")
    if footer is None:
        footer = TableProblem("footer-rows", "", 0)
        report.problems.append(footer)
    footer.count += n
    footer.columns += [s.name for s in others]
    footer.message = f"{footer.count} footer or total row(s) mixed with the data" + (
        f" (sheets: {', '.join(footer.columns)})"
    )


def _inspect_sheet(
    report: TableReport, path: Path, max_rows: int | None, pd: bool, window: DateWindow
) -> None:
    data = read_workbook(path, report.format)
    report.sheets = data.sheets
    report.formulas = sum(s.formulas for s in data.sheets)
    rows = data.rows
    if not rows:
        report.error = "no sheet holds any data"
        return
    h = find_header(rows[:_SAMPLE_ROWS])
    report.header_row = h + 1
    report.labels = _grid_to_records(rows, h)
    report.n_columns = len(report.labels)
    report.parseable = True
    plan = _plan(report.labels, rows[h + 1 : h + 1 + _SAMPLE_ROWS], window)
    part = _scan_rows(rows[h + 1 :], plan, max_rows)
    report.truncated = max_rows is not None and len(rows) - h - 1 > max_rows
    sheet = next(s for s in data.sheets if s.inspected)
    report.blank_rows = sheet.trailing_blank_rows
    _fill(report, part, plan, h + 1, pd)
    if sheet.trailing_blank_rows:
        first_trailing = sheet.n_rows + 1
        report.blank_row_numbers = sorted(
            report.blank_row_numbers
            + list(range(first_trailing, first_trailing + MAX_EXAMPLES))[
                : sheet.trailing_blank_rows
            ]
        )[:MAX_EXAMPLES]
    report.total_rows = sorted(set(report.total_rows) | set(sheet.total_rows))
    _header_problems(report, sheet.trailing_blank_columns)
    _title_problem(report)
    _rows_problems(report, part, h + 1)
    _other_sheet_totals(report)
    if report.formulas:
        report.problems.append(
            TableProblem(
                "formulas",
                f"{report.formulas} formula cell(s): values are computed, not published data",
                report.formulas,
                columns=[s.name for s in data.sheets if s.formulas],
            )
        )


def inspect_table(
    path: Path,
    *,
    declared_format: str = "",
    max_rows: int | None = None,
    workers: int | None = None,
    personal_data: bool = True,
    now: datetime | None = None,
) -> TableReport:
    """Inspect a downloaded (size-capped) table. Problems are values; this never raises
    on file contents (only on a path that cannot be read).

    ``workers``: processes for large CSVs (default: one per core, up to 4, from 16 MB).
    ``now``: the inspection's clock; dates more than a day after it are typos, not the
    newest date (default: UTC now).
    """
    window = DateWindow.at(now)
    started = time.perf_counter()
    path = Path(path)
    report = TableReport(path=str(path), declared_format=declared_format)
    report.size_bytes = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(65536)
    is_zip = head.startswith(b"PK\x03\x04")
    # a ZIP is bounded before anything (detect_format included) inflates a member of it
    refused = zip_problem(path) if is_zip else None
    zip_bytes = path.read_bytes() if is_zip and refused is None else None
    report.format, reason = ("unknown", refused) if refused else detect_format(head, zip_bytes)
    if reason:
        report.error = reason
    else:
        try:
            if report.format in ("xlsx", "xls", "ods"):
                _inspect_sheet(report, path, max_rows, personal_data, window)
            else:
                _inspect_text(report, path, max_rows, workers, personal_data, window)
        except Exception as exc:  # hostile bytes can break any parser: report, never raise
            report.parseable = False
            report.error = f"{type(exc).__name__}: {exc}"[:500]
    _finish(report)
    report.engine_seconds = round(time.perf_counter() - started, 4)
    return report

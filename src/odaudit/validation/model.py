"""Plain results of the validation engine: problems as values, ready for JSON.

The DV/PD rules turn these into findings; nothing here judges severity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from odaudit.plaindata import as_dict

__all__ = [
    "MAX_EXAMPLES",
    "ColumnIssue",
    "PersonalDataColumn",
    "PersonalDataReport",
    "SheetInfo",
    "TableProblem",
    "TableReport",
]

#: Row numbers kept per kind of problem; counts are always complete.
MAX_EXAMPLES = 5


@dataclass
class TableProblem:
    """One kind of problem in a table, with a count and the first rows where it occurs."""

    code_hint: (
        str  # encoding | title-rows | blank-label | duplicate-label | label-spaces | blank-row
    )
    # | extra-cell | missing-cell | type-error | null-marker | footer-rows | formulas
    # | empty-column | not-parseable | empty-table
    message: str
    count: int = 1
    # 1-based record numbers, the header's and the title rows' included (frictionless's
    # rowNumber); the same as line numbers unless a quoted field spans lines. Sheets: row.
    rows: list[int] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)


@dataclass
class ColumnIssue:
    """Counts for one column: type errors against the inferred type, or null markers."""

    column: str
    index: int  # 0-based
    count: int
    rows: list[int] = field(default_factory=list)
    detail: dict[str, int] = field(default_factory=dict)  # e.g. null marker -> count

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)


@dataclass
class SheetInfo:
    """One sheet of a workbook, and the clutter around its data."""

    name: str
    n_rows: int = 0  # rows holding any value
    dimension: str = ""  # as declared in the file (e.g. "A1:Z1000"), xlsx only
    trailing_blank_rows: int = 0  # declared rows after the last row with a value
    trailing_blank_columns: int = 0  # declared columns after the last column with a value
    formulas: int = 0
    total_rows: list[int] = field(default_factory=list)  # rows of =SUM(column range) totals
    inspected: bool = False  # the sheet the table report describes

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)


@dataclass
class PersonalDataColumn:
    """How many values of one column look like personal identifiers. Never the values."""

    column: str
    index: int
    dpi: int = 0  # 13-digit DPI/CUI with a valid check digit and place codes
    dpi_invalid: int = 0  # DPI-shaped in a DPI/CUI column, but the check fails
    nit: int = 0  # NIT with a valid mod-11 check digit
    email: int = 0
    phone: int = 0  # Guatemalan 8-digit number starting 2-7, optionally +502

    @property
    def total(self) -> int:
        return self.dpi + self.nit + self.email + self.phone

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)


@dataclass
class PersonalDataReport:
    """Columns where personal identifiers were found, with counts only."""

    columns: list[PersonalDataColumn] = field(default_factory=list)
    rows_scanned: int = 0

    @property
    def found(self) -> bool:
        return any(c.total for c in self.columns)

    def totals(self) -> dict[str, int]:
        out = {"dpi": 0, "dpi_invalid": 0, "nit": 0, "email": 0, "phone": 0}
        for c in self.columns:
            for k in out:
                out[k] += int(getattr(c, k))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "found": self.found,
            "rows_scanned": self.rows_scanned,
            "totals": self.totals(),
            "columns": [c.to_dict() for c in self.columns],
        }


@dataclass
class TableReport:
    """What a downloaded tabular file really holds, and what is wrong with it."""

    path: str
    format: str = "unknown"  # csv | tsv | xlsx | xls | ods | unknown
    declared_format: str = ""
    parseable: bool = False
    error: str = ""  # why it could not be parsed
    size_bytes: int = 0
    encoding: str = ""  # text formats only; Python codec name
    bom: bool = False
    decode_errors: int = 0  # bytes the detected encoding could not decode
    delimiter: str = ""
    header_row: int = 0  # 1-based line/row of the real header (0: none)
    labels: list[str] = field(default_factory=list)
    n_rows: int = 0  # data rows after the header, blank rows and footer excluded
    n_columns: int = 0
    column_types: dict[str, str] = field(default_factory=dict)  # label -> inferred type
    blank_rows: int = 0
    blank_row_numbers: list[int] = field(default_factory=list)
    extra_cell_rows: int = 0
    missing_cell_rows: int = 0
    type_errors: list[ColumnIssue] = field(default_factory=list)
    null_markers: list[ColumnIssue] = field(default_factory=list)
    footer_rows: list[int] = field(default_factory=list)
    total_rows: list[int] = field(default_factory=list)  # "Total"/"Totales" rows
    formulas: int = 0
    sheets: list[SheetInfo] = field(default_factory=list)
    truncated: bool = False  # stopped at max_rows
    notes: list[str] = field(default_factory=list)  # how the engine read the file
    problems: list[TableProblem] = field(default_factory=list)
    personal_data: PersonalDataReport | None = None
    # Latest date (ISO) in the columns about the data's period, over the whole file; for
    # freshness (FR005). The column's label, or "year + month" labels for budget tables.
    newest_date: str | None = None
    newest_date_column: str | None = None
    engine_seconds: float = 0.0

    @property
    def valid(self) -> bool:
        """True only for a parsed, non-empty table with no problem at all."""
        return self.parseable and self.n_rows > 0 and not self.problems

    def problem(self, code_hint: str) -> TableProblem | None:
        return next((p for p in self.problems if p.code_hint == code_hint), None)

    def to_dict(self) -> dict[str, Any]:
        d = as_dict(self)
        d["valid"] = self.valid
        d["personal_data"] = self.personal_data.to_dict() if self.personal_data else None
        return d

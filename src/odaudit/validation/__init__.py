"""Data-validity and personal-data engine: what a downloaded table really holds.

``inspect_table(path)`` returns a ``TableReport`` (format, encoding, header row,
structure, type errors, null markers, footers, formulas, problems) with a
``PersonalDataReport`` (DPI/CUI, NIT, e-mail, phone counts per column, never values).
The DV and PD rules wrap it; it never raises on file contents.
"""

from pathlib import Path

from odaudit.validation.inspect import inspect_table
from odaudit.validation.model import (
    ColumnIssue,
    PersonalDataColumn,
    PersonalDataReport,
    SheetInfo,
    TableProblem,
    TableReport,
)
from odaudit.validation.personal import dpi_is_valid, nit_is_valid

__all__ = [
    "ColumnIssue",
    "PersonalDataColumn",
    "PersonalDataReport",
    "SheetInfo",
    "TableProblem",
    "TableReport",
    "dpi_is_valid",
    "inspect_table",
    "nit_is_valid",
    "scan_personal_data",
]


def scan_personal_data(source: TableReport | Path | str) -> PersonalDataReport:
    """Personal identifiers in a table: from an inspection already made, or a file path.

    Empty when the table could not be parsed.
    """
    report = source if isinstance(source, TableReport) else inspect_table(Path(source))
    return report.personal_data or PersonalDataReport()

"""A stored table report (its `to_dict()`) back into a `TableReport`.

A rerun that finds a resource unchanged (HTTP 304, or fresh in the cache) reuses the
inspection of the earlier run instead of downloading the file again.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

from odaudit.validation.model import (
    ColumnIssue,
    PersonalDataColumn,
    PersonalDataReport,
    SheetInfo,
    TableProblem,
    TableReport,
)

__all__ = ["report_from_dict"]

T = TypeVar("T")


def _build(cls: type[T], data: Any) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    raw = data if isinstance(data, dict) else {}
    return cls(**{k: v for k, v in raw.items() if k in names})


def _many(cls: type[T], items: Any) -> list[T]:
    return [_build(cls, item) for item in items] if isinstance(items, list) else []


def report_from_dict(data: dict[str, Any]) -> TableReport:
    """Rebuild a report; unknown keys are dropped, missing ones take their defaults."""
    report = _build(TableReport, {**data, "path": data.get("path", "")})
    report.type_errors = _many(ColumnIssue, data.get("type_errors"))
    report.null_markers = _many(ColumnIssue, data.get("null_markers"))
    report.sheets = _many(SheetInfo, data.get("sheets"))
    report.problems = _many(TableProblem, data.get("problems"))
    personal = data.get("personal_data")
    if isinstance(personal, dict):
        report.personal_data = PersonalDataReport(
            columns=_many(PersonalDataColumn, personal.get("columns")),
            rows_scanned=int(personal.get("rows_scanned") or 0),
        )
    else:
        report.personal_data = None
    return report

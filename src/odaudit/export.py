"""Scores and findings as tidy CSV for researchers: one observation per row.

Text cells come from portals we do not control, so any cell that a spreadsheet
would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) is prefixed with an apostrophe. Numbers we computed are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from odaudit.models import ScoreCard
from odaudit.store.view import RunView

__all__ = ["COLUMNS", "LEVELS", "export_csv", "neutralise", "rows"]

LEVELS = ("dataset", "institution", "dimension", "finding")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: Column names per level, documented in README.md ("Exports").
COLUMNS: dict[str, tuple[str, ...]] = {
    "institution": (
        "run_id",
        "rank",
        "institution",
        "name",
        "score",
        "band",
        "datasets_score",
        "coverage",
        "n_datasets",
        "n_resources",
        "n_findings",
    ),
    "dataset": (
        "run_id",
        "institution",
        "dataset_id",
        "title",
        "score",
        "availability",
        "format",
        "license",
        "freshness",
        "metadata",
        "validity",
        "personal_data",
        "n_resources",
        "n_findings",
        "landing_page",
    ),
    "dimension": ("run_id", "level", "institution", "dataset_id", "dimension", "score"),
    "finding": (
        "run_id",
        "institution",
        "dataset_id",
        "resource_url",
        "code",
        "severity",
        "message",
        "fix",
    ),
}


def neutralise(value: Any) -> Any:
    """Make a text cell safe to open in a spreadsheet; leave numbers and None alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _card(view: RunView) -> ScoreCard:
    if view.scorecard is None:
        raise ValueError(f"run {view.manifest.run_id} has no scores yet")
    return view.scorecard


def rows(view: RunView, level: str) -> Iterator[dict[str, Any]]:
    """The rows of one export level, as dicts keyed by `COLUMNS[level]`."""
    run_id = view.manifest.run_id
    if level == "institution":
        for s in _card(view).institutions:
            yield {
                "run_id": run_id,
                "rank": s.rank,
                "institution": s.code,
                "name": s.name,
                "score": s.score,
                "band": s.band,
                "datasets_score": s.datasets_score,
                "coverage": s.coverage,
                "n_datasets": s.n_datasets,
                "n_resources": s.n_resources,
                "n_findings": s.n_findings,
            }
    elif level == "dataset":
        scores = {(d.institution, d.dataset_id): d for d in _card(view).datasets}
        for inst in view.institutions:
            for dv in inst.datasets:
                ds = scores.get((inst.code, dv.dataset.id))
                row: dict[str, Any] = {
                    "run_id": run_id,
                    "institution": inst.code,
                    "dataset_id": dv.dataset.id,
                    "title": dv.dataset.title,
                    "score": ds.score if ds else None,
                    "n_resources": len(dv.dataset.resources),
                    "n_findings": len(dv.findings),
                    "landing_page": dv.dataset.landing_page,
                }
                for dim in (
                    "availability",
                    "format",
                    "license",
                    "freshness",
                    "metadata",
                    "validity",
                    "personal_data",
                ):
                    row[dim] = ds.dimensions.get(dim) if ds else None
                yield row
    elif level == "dimension":
        card = _card(view)
        for s in card.institutions:
            for dim, value in s.dimensions.items():
                yield {
                    "run_id": run_id,
                    "level": "institution",
                    "institution": s.code,
                    "dataset_id": None,
                    "dimension": dim,
                    "score": value,
                }
        for d in card.datasets:
            for dim, value in d.dimensions.items():
                yield {
                    "run_id": run_id,
                    "level": "dataset",
                    "institution": d.institution,
                    "dataset_id": d.dataset_id,
                    "dimension": dim,
                    "score": value,
                }
    elif level == "finding":
        for inst in view.institutions:
            for f in inst.all_findings():
                yield {
                    "run_id": run_id,
                    "institution": f.institution,
                    "dataset_id": f.dataset_id,
                    "resource_url": f.resource_url,
                    "code": f.code,
                    "severity": f.severity.value,
                    "message": f.message,
                    "fix": f.fix,
                }
    else:
        raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")


def write_csv(out: TextIO, columns: Sequence[str], data: Iterable[dict[str, Any]]) -> int:
    """Write a header and rows; return the number of data rows."""
    writer = csv.DictWriter(
        out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    n = 0
    for row in data:
        writer.writerow({k: neutralise(v) for k, v in row.items()})
        n += 1
    return n


def export_csv(view: RunView, level: str, out: TextIO | None = None) -> str:
    """Write `level` rows as UTF-8 CSV to `out` (or return the text when `out` is None)."""
    if level not in COLUMNS:
        raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    if out is None:
        buffer = io.StringIO()
        write_csv(buffer, COLUMNS[level], rows(view, level))
        return buffer.getvalue()
    write_csv(out, COLUMNS[level], rows(view, level))
    return ""

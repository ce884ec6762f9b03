"""Scores and findings as tidy CSV for researchers: one observation per row.

Text cells come from portals we do not control, so any cell that a spreadsheet
would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) is prefixed with an apostrophe. So is one where such a character, or its
full-width or small form (``＝``, ``﹢``, ``＠``...), follows leading spaces, line
breaks or invisible characters: spreadsheets trim those or turn the forms into the
ASCII sign. Numbers we computed are written as numbers.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from odaudit.models import DIMENSIONS, Finding, ScoreCard
from odaudit.store.view import RunView

__all__ = [
    "COLUMNS",
    "LEVELS",
    "export_csv",
    "export_datapackage",
    "export_json",
    "neutralise",
    "rows",
]

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
        *DIMENSIONS,
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


def _formula_like(text: str) -> bool:
    if text.startswith(_FORMULA_START):
        return True
    for ch in text:
        if unicodedata.category(ch)[0] in "ZC":  # spaces, line breaks, zero-width, BOM
            continue
        return unicodedata.normalize("NFKC", ch)[:1] in "=+-@"
    return False


def neutralise(value: Any) -> Any:
    """Make a text cell safe to open in a spreadsheet; leave numbers and None alone."""
    if isinstance(value, str) and _formula_like(value):
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
                for dim in DIMENSIONS:
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


#: Table Schema field types per column (anything not listed is a string).
_TYPES: dict[str, str] = {
    "run_id": "integer",
    "rank": "integer",
    "n_datasets": "integer",
    "n_resources": "integer",
    "n_findings": "integer",
    "score": "number",
    "datasets_score": "number",
    "coverage": "number",
    **dict.fromkeys(DIMENSIONS, "number"),
}

_DESCRIPTIONS: dict[str, str] = {
    "institution": "One row per institution: its score (0-100), band, rank and counts.",
    "dataset": "One row per dataset: its score and each dimension score (0-100).",
    "dimension": "One row per (institution or dataset, dimension) score, tidy.",
    "finding": "One row per finding: the rule code, severity, message and how to fix it.",
}


def _schema(level: str) -> dict[str, Any]:
    """Table Schema for one level: types, and 0-100 bounds on scores."""
    fields = []
    for name in COLUMNS[level]:
        kind = _TYPES.get(name, "string")
        field: dict[str, Any] = {"name": name, "type": kind}
        if kind == "number":
            field["constraints"] = {"minimum": 0, "maximum": 100}
        elif kind == "integer":
            field["constraints"] = {"minimum": 0}
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


def export_datapackage(view: RunView, out_dir: Path) -> Path:
    """A Frictionless Data Package: one CSV per level and a `datapackage.json` describing them."""
    from odaudit.fileio import atomic_write_text

    out_dir.mkdir(parents=True, exist_ok=True)
    resources = []
    for level in LEVELS:
        name = f"{level}_scores" if level != "finding" else "findings"
        atomic_write_text(out_dir / f"{name}.csv", export_csv(view, level))
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": _DESCRIPTIONS[level],
                "schema": _schema(level),
            }
        )
    manifest = view.manifest
    package = {
        "profile": "tabular-data-package",
        "name": f"odaudit-run-{manifest.run_id}",
        "title": "Índice Nacional de Datos Abiertos — puntajes y hallazgos",
        "created": manifest.finished_at or manifest.started_at,
        "version": manifest.methodology_version or "0",
        "description": (
            f"Scores computed by odaudit {manifest.odaudit_version} with methodology "
            f"{manifest.methodology_name} {manifest.methodology_version}."
        ),
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "resources": resources,
    }
    return atomic_write_text(
        out_dir / "datapackage.json", json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    )


def export_json(view: RunView) -> str:
    """The whole run as one JSON document: manifest, scores, institutions, findings."""
    card = _card(view)
    by_code = {inst.code: inst for inst in view.institutions}
    dataset_scores = {(d.institution, d.dataset_id): asdict(d) for d in card.datasets}

    def finding(f: Finding) -> dict[str, Any]:
        return {**asdict(f), "severity": f.severity.value}

    institutions = []
    for score in card.institutions:
        inst = by_code.get(score.code)
        if inst is None:
            continue
        institutions.append(
            {
                **asdict(score),
                "sources": [asdict(s) for s in inst.sources],
                "coverage": [{**asdict(c), "status": c.status.value} for c in inst.coverage],
                "findings": [finding(f) for f in inst.findings],
                "datasets": [
                    {
                        "id": dv.dataset.id,
                        "title": dv.dataset.title,
                        "landing_page": dv.dataset.landing_page,
                        "resources": [r.url for r in dv.dataset.resources],
                        "score": dataset_scores.get((inst.code, dv.dataset.id)),
                        "findings": [finding(f) for f in dv.findings],
                    }
                    for dv in inst.datasets
                ],
            }
        )
    doc = {
        "manifest": asdict(view.manifest),
        "methodology": view.methodology,
        "national": {"score": card.national_score, "band": card.national_band},
        "institutions": institutions,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)

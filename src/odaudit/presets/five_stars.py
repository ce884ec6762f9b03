"""Tim Berners-Lee's five stars of openness, scored per resource as ckanext-qa scores them.

A resource scores 0 when its URL did not answer 2xx or its dataset's licence is not
known to be open (none stated, or a LI001–LI003 finding); otherwise its format's stars from ckanext-qa's
openness table, the format decided from the bytes first, then the URL extension, then
the declared format (`odaudit.presets.evidence.resource_format`); an unknown format
gets 1. A dataset scores the best of its resources (0 with none); an institution the
mean of its datasets (0 with none); 0–5.

What cannot be seen: ckanext-qa sniffs the whole downloaded file; the store keeps the
first 2 KiB (and nothing when only a HEAD was made). A table of a few lines is still
recognised as CSV/TSV, but plain text and an OLE2 file that names no workbook or
document fall back to the URL and the declaration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from odaudit.models import DatasetScore, InstitutionScore, ScoreCard
from odaudit.presets._qa_openness import OPENNESS_STARS
from odaudit.presets.card import finish_card, institution_score, mean, rounded
from odaudit.presets.evidence import resource_stars
from odaudit.presets.spec import ModelSpec, Param, Preset
from odaudit.store.view import DatasetView, RunView

__all__ = ["MODEL", "dataset_stars", "stars_table"]

PARAMS: dict[str, Param] = {
    "stars": Param("stars", OPENNESS_STARS),
}


def stars_table(preset: Preset) -> dict[str, int]:
    """ckanext-qa's table with the preset's overrides applied."""
    return {k: int(v) for k, v in preset.params["stars"].items()}


def dataset_stars(dv: DatasetView, table: Mapping[str, int]) -> tuple[int, list[int]]:
    """(best stars, stars per resource in order)."""
    per = [resource_stars(dv, r, table) for r in dv.dataset.resources]
    return (max(per) if per else 0), per


def score(view: RunView, preset: Preset) -> ScoreCard:
    table = stars_table(preset)
    datasets: list[DatasetScore] = []
    institutions: list[InstitutionScore] = []
    for inst in view.institutions:
        own: list[DatasetScore] = []
        for dv in inst.datasets:
            best, _ = dataset_stars(dv, table)
            own.append(
                DatasetScore(
                    inst.code, dv.dataset.id, dv.dataset.title, {"stars": float(best)}, float(best)
                )
            )
        datasets.extend(own)
        value = rounded(mean([s.score for s in own]), 2) if own else None
        dims = {"stars": value} if value is not None else {}
        institutions.append(institution_score(inst, dims, value, value or 0.0))
    return finish_card(preset, institutions, datasets, 2)


def _scale(weights: Mapping[str, float], params: Mapping[str, Any]) -> float:
    return 5.0


MODEL = ModelSpec(name="five-stars", indicators=(), params=PARAMS, scale=_scale, score=score)

"""Assembling a ScoreCard the same way for every preset: rounding, bands, ranks."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from statistics import fmean

from odaudit.models import DatasetScore, InstitutionScore, ScoreCard
from odaudit.presets.spec import Preset
from odaudit.scoring import band_for
from odaudit.store.view import InstitutionView

__all__ = ["finish_card", "institution_score", "mean", "round_dims", "rounded", "share"]


def rounded(value: float, decimals: int) -> float:
    """Half away from zero, as people round by hand (not Python's banker's rounding)."""
    scale = 10**decimals
    magnitude = math.floor(abs(value) * scale + 0.5 + 1e-9) / scale
    return float(magnitude if value >= 0 else -magnitude)


def share(hits: int, total: int) -> float:
    """hits / total, 0 when there is nothing to count."""
    return hits / total if total else 0.0


def mean(values: Sequence[float]) -> float:
    return fmean(values) if values else 0.0


def round_dims(dims: Mapping[str, float], decimals: int) -> dict[str, float]:
    return {k: rounded(v, decimals) for k, v in dims.items()}


def finish_card(
    preset: Preset,
    institutions: list[InstitutionScore],
    datasets: list[DatasetScore],
    decimals: int,
    national_decimals: int | None = None,
) -> ScoreCard:
    """Bands, ranks (ties share a rank) and the national mean, on the preset's scale."""
    bands = list(preset.bands)
    for s in institutions:
        s.band = band_for(s.score, bands) if bands else ""
    ordered = sorted(institutions, key=lambda s: (-s.score, s.code))
    for i, s in enumerate(ordered):
        previous = ordered[i - 1] if i else None
        s.rank = previous.rank if previous and previous.score == s.score else i + 1
    national = rounded(
        mean([s.score for s in ordered]),
        decimals if national_decimals is None else national_decimals,
    )
    return ScoreCard(
        methodology=preset.name,
        methodology_version=preset.version,
        rules_hash=preset.sha256,
        national_score=national,
        national_band=band_for(national, bands) if bands else "",
        institutions=ordered,
        datasets=datasets,
        scale_max=preset.scale_max,
    )


def institution_score(
    inst: InstitutionView, dimensions: dict[str, float], datasets_score: float | None, score: float
) -> InstitutionScore:
    """An InstitutionScore with the counts every card carries (band and rank come later)."""
    return InstitutionScore(
        code=inst.code,
        name=inst.name,
        dimensions=dimensions,
        datasets_score=datasets_score,
        coverage=None,
        score=score,
        band="",
        n_datasets=len(inst.datasets),
        n_resources=sum(len(d.dataset.resources) for d in inst.datasets),
        n_findings=len(inst.all_findings()),
    )

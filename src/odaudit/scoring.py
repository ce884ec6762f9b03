"""The methodology: from stored findings to dimension, dataset, institution and national scores.

Scoring reads only the evidence (a `RunView`), never the network, so a stored run
can be re-scored under another methodology and give the same numbers every time.

The method, in words (the report prints it):

* Each dataset starts at 100 in every dimension the methodology weighs (data validity
  and personal data only when one of its tables could be downloaded and read: a
  dataset of PDFs is not "valid" by default). Each finding
  takes its rule's weight off its dimension; a finding about one resource takes
  ``weight / number of resources``, so one broken file of four costs a quarter.
  A dimension never drops below 0.
* A dataset's score is the weighted mean of its dimension scores.
* An institution's score is ``datasets_weight × mean(dataset scores) + coverage_weight ×
  coverage``, where coverage is the share of its expected key datasets found (a key
  dataset found only as PDF counts ``pdf_only_credit``). With no key datasets expected,
  the dataset part alone counts; with no datasets found, that part is 0.
* The national score is the mean of the institution scores. Bands come from the
  methodology file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean
from typing import Any, Protocol

from odaudit.checks.registry import DIMENSION_OF, get_rule
from odaudit.models import (
    CoverageItem,
    CoverageStatus,
    DatasetScore,
    Finding,
    InstitutionScore,
    ScoreCard,
)
from odaudit.store.view import RunView

__all__ = ["MethodologyLike", "band_for", "coverage_score", "score_run"]


class RuleSettingsLike(Protocol):
    @property
    def weight(self) -> float | None: ...


class MethodologyLike(Protocol):
    """What scoring needs of `odaudit.config.Methodology`."""

    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def dimensions(self) -> Mapping[str, float]: ...
    @property
    def datasets_weight(self) -> float: ...
    @property
    def coverage_weight(self) -> float: ...
    @property
    def pdf_only_credit(self) -> float: ...
    @property
    def bands(self) -> Sequence[tuple[str, float]]: ...
    @property
    def rules(self) -> Mapping[str, Any]: ...
    def enabled(self, code: str) -> bool: ...


@dataclass(frozen=True)
class _RuleWeight:
    dimension: str
    weight: float


def _rule_weight(code: str, methodology: MethodologyLike) -> _RuleWeight:
    """A rule's dimension and weight (the methodology's override first). A code the registry
    no longer knows (a store written by another version) counts in its category, weight 0."""
    dimension = DIMENSION_OF.get(code[:2], "metadata")
    weight = 0.0
    try:
        rule = get_rule(code)
        dimension, weight = rule.dimension, float(rule.weight)
    except KeyError:
        pass
    override = methodology.rules.get(code)
    if override is not None and getattr(override, "weight", None) is not None:
        weight = float(override.weight)
    return _RuleWeight(dimension, weight)


def band_for(score: float, bands: Sequence[tuple[str, float]]) -> str:
    """The first band (highest first) whose minimum the score reaches."""
    for name, minimum in sorted(bands, key=lambda b: -b[1]):
        if score >= minimum:
            return name
    return bands[-1][0] if bands else ""


def coverage_score(items: Sequence[CoverageItem], pdf_only_credit: float) -> float | None:
    """Share of key datasets found, 0..100; None when none are expected."""
    if not items:
        return None
    credit = {
        CoverageStatus.FOUND: 1.0,
        CoverageStatus.PDF_ONLY: pdf_only_credit,
        CoverageStatus.MISSING: 0.0,
    }
    return 100.0 * sum(credit[i.status] for i in items) / len(items)


#: Dimensions that only apply to a dataset when one of its tables was downloaded and read.
_NEEDS_TABLE = ("validity", "personal_data")


def _dataset_dimensions(
    findings: Sequence[Finding],
    n_resources: int,
    methodology: MethodologyLike,
    cache: dict[str, _RuleWeight],
    *,
    has_tables: bool,
) -> dict[str, float]:
    dims = {d: 100.0 for d in methodology.dimensions if has_tables or d not in _NEEDS_TABLE}
    for f in findings:
        if not methodology.enabled(f.code):
            continue
        rw = cache.get(f.code)
        if rw is None:
            rw = cache[f.code] = _rule_weight(f.code, methodology)
        if rw.dimension not in dims or rw.weight <= 0:
            continue
        penalty = rw.weight
        if f.resource_url is not None and n_resources > 1:
            penalty /= n_resources
        dims[rw.dimension] = max(0.0, dims[rw.dimension] - penalty)
    return dims


def _weighted(dims: Mapping[str, float], weights: Mapping[str, float]) -> float:
    total = sum(w for d, w in weights.items() if d in dims)
    if total <= 0:
        return fmean(dims.values()) if dims else 0.0
    return sum(dims[d] * w for d, w in weights.items() if d in dims) / total


def _r(x: float) -> float:
    """One decimal, half up, immune to float noise (80.25 → 80.3 however it was summed)."""
    return float(Decimal(repr(round(x, 9))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def score_run(view: RunView, methodology: MethodologyLike) -> ScoreCard:
    """Score a stored run under `methodology`. Deterministic: same input, same card."""
    cache: dict[str, _RuleWeight] = {}
    dataset_scores: list[DatasetScore] = []
    institution_scores: list[InstitutionScore] = []
    for inst in view.institutions:
        ds_scores: list[DatasetScore] = []
        n_resources = 0
        for dv in inst.datasets:
            n = len(dv.dataset.resources)
            n_resources += n
            dims = _dataset_dimensions(
                dv.findings, n, methodology, cache, has_tables=bool(dv.tables)
            )
            ds_scores.append(
                DatasetScore(
                    institution=inst.code,
                    dataset_id=dv.dataset.id,
                    title=dv.dataset.title,
                    dimensions={k: _r(v) for k, v in dims.items()},
                    score=_r(_weighted(dims, methodology.dimensions)),
                )
            )
        dataset_scores.extend(ds_scores)

        inst_dims: dict[str, float] = {}
        for d in methodology.dimensions:
            values = [s.dimensions[d] for s in ds_scores if d in s.dimensions]
            if values:
                inst_dims[d] = _r(fmean(values))
        datasets_score = _r(fmean(s.score for s in ds_scores)) if ds_scores else None
        coverage = coverage_score(inst.coverage, methodology.pdf_only_credit)
        if coverage is not None:
            inst_dims["coverage"] = _r(coverage)
        if coverage is None:
            score = datasets_score or 0.0
        else:
            wd, wc = methodology.datasets_weight, methodology.coverage_weight
            total = (wd + wc) or 1.0
            score = (wd * (datasets_score or 0.0) + wc * coverage) / total
        n_findings = sum(1 for f in inst.all_findings() if methodology.enabled(f.code))
        institution_scores.append(
            InstitutionScore(
                code=inst.code,
                name=inst.name,
                dimensions=inst_dims,
                datasets_score=datasets_score,
                coverage=_r(coverage) if coverage is not None else None,
                score=_r(score),
                band=band_for(_r(score), methodology.bands),
                n_datasets=len(ds_scores),
                n_resources=n_resources,
                n_findings=n_findings,
            )
        )

    ordered = sorted(institution_scores, key=lambda s: (-s.score, s.code))
    for i, s in enumerate(ordered):
        previous = ordered[i - 1] if i else None
        s.rank = previous.rank if previous and previous.score == s.score else i + 1
    national = _r(fmean(s.score for s in ordered)) if ordered else 0.0
    return ScoreCard(
        methodology=methodology.name,
        methodology_version=methodology.version,
        rules_hash=methodology.sha256,
        national_score=_r(national),
        national_band=band_for(national, methodology.bands),
        institutions=ordered,
        datasets=dataset_scores,
    )

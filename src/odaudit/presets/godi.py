"""Global Open Data Index 2015: the nine questions and their weights (100 points).

The weights come from the index's own question list (godi_questions.csv; in
rules/presets/godi-2015.yaml). GODI asked each question of one key dataset; odaudit
asks them of every dataset it found, then scores each key dataset an institution is
expected to publish (institutions.yaml) by its best-scoring matching dataset, 0 when
missing. An institution scores the mean over its key datasets, 0–100; with no key
datasets expected it scores 0 (nothing the index would ask about).

How each question is answered from the evidence:

* exists: the dataset was found on one of the institution's sources.
* online: one of its resources answered 2xx.
* digital, public: the same test. A crawler only sees what is online and only
  anonymously, so a reachable resource is digital and needs no login.
* free: assumed whenever online: a price or a paywall cannot be seen by a crawler.
* machinereadable: a reachable resource whose format has at least
  `machine_readable_min_stars` in ckanext-qa's table (XLS counts, as GODI said) and is not
  listed in `not_machine_readable` (images).
* bulk: a reachable resource that is a file, not a page or a service (`service_formats`).
* openlicense: a licence is stated and no licence finding (LI001 none, LI002 not open,
  LI003 unrecognised).
* uptodate: no finding of a missing (FR001), stale (FR002) or future (FR004) date;
  GODI said to answer "no" when no date can be found.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from odaudit.models import CoverageStatus, DatasetScore, InstitutionScore, ScoreCard
from odaudit.presets.card import finish_card, institution_score, mean, round_dims, rounded
from odaudit.presets.evidence import codes, licence_open, reachable, resource_format, text
from odaudit.presets.spec import ModelSpec, Param, Preset
from odaudit.store.view import DatasetView, RunView

__all__ = ["MODEL", "QUESTIONS", "godi_answers"]

QUESTIONS: tuple[str, ...] = (
    "exists",
    "digital",
    "public",
    "free",
    "online",
    "machinereadable",
    "bulk",
    "openlicense",
    "uptodate",
)
_NOT_UP_TO_DATE = frozenset({"FR001", "FR002", "FR004"})

PARAMS: dict[str, Param] = {
    "machine_readable_min_stars": Param("number", 2.0, minimum=0, maximum=5),
    "not_machine_readable": Param("strings", ()),
    "service_formats": Param("strings", ("HTML",)),
}


def godi_answers(dv: DatasetView, preset: Preset) -> dict[str, bool]:
    """Yes/no per question for one found dataset."""
    p = preset.params
    not_mr = {str(v).upper() for v in p["not_machine_readable"]}
    services = {str(v).upper() for v in p["service_formats"]}
    online = [r for r in dv.dataset.resources if reachable(dv.probes.get(r.url))]
    formats = [resource_format(dv, r) for r in online]
    machine = any(
        stars >= p["machine_readable_min_stars"] and (fmt or "").upper() not in not_mr
        for fmt, stars in formats
    )
    bulk = any(
        (fmt or "").upper() not in services and text(r.format).upper() not in services
        for r, (fmt, _) in zip(online, formats, strict=True)
    )
    is_online = bool(online)
    return {
        "exists": True,
        "digital": is_online,
        "public": is_online,
        "free": is_online,
        "online": is_online,
        "machinereadable": machine,
        "bulk": bulk,
        "openlicense": licence_open(dv),
        "uptodate": not (codes(dv.findings) & _NOT_UP_TO_DATE),
    }


def score(view: RunView, preset: Preset) -> ScoreCard:
    w = preset.weights
    datasets: list[DatasetScore] = []
    institutions: list[InstitutionScore] = []
    for inst in view.institutions:
        points: dict[str, dict[str, float]] = {}
        own: list[DatasetScore] = []
        for dv in inst.datasets:
            answers = godi_answers(dv, preset)
            pts = {q: w[q] if answers[q] else 0.0 for q in QUESTIONS}
            points[dv.dataset.id] = pts
            own.append(
                DatasetScore(inst.code, dv.dataset.id, dv.dataset.title, pts, sum(pts.values()))
            )
        datasets.extend(own)
        per_key: list[dict[str, float]] = []
        for item in inst.coverage:
            candidates = [points[i] for i in item.dataset_ids if i in points]
            if candidates:
                per_key.append(max(candidates, key=lambda c: sum(c.values())))
            elif item.status != CoverageStatus.MISSING:
                per_key.append({q: (w[q] if q == "exists" else 0.0) for q in QUESTIONS})
            else:
                per_key.append(dict.fromkeys(QUESTIONS, 0.0))
        dims = {q: mean([k[q] for k in per_key]) for q in QUESTIONS} if per_key else {}
        total = rounded(sum(dims.values()), 1)
        ds_score = rounded(mean([s.score for s in own]), 1) if own else None
        institutions.append(institution_score(inst, round_dims(dims, 1), ds_score, total))
    return finish_card(preset, institutions, datasets, 1)


def _scale(weights: Mapping[str, float], params: Mapping[str, Any]) -> float:
    return sum(weights.values())


MODEL = ModelSpec(name="godi-2015", indicators=QUESTIONS, params=PARAMS, scale=_scale, score=score)

"""Red Ciudadana's 2021 open data index: indicators on 0–8 per institution.

The 2021 edition was scored by hand on nine indicators. Two cannot be seen by a crawler
and are reported as not observed (absent from the card): Recolección y producción de
datos (how the institution produces its data) and Gobernanza (policies, officers,
plans). The other seven are read from the evidence, each on 0–`scale` (8):

* Disponibilidad en línea = scale × share of the institution's key datasets
  (institutions.yaml) found with at least one resource answering 2xx. Not computed when
  no key dataset is expected.
* Plataformas = `platform_points.portal` with a data portal source (ckan, dcat, socrata,
  opendatasoft) that answered, `platform_points.pages` with only web pages or file
  lists that answered, `platform_points.none` otherwise.
* Acceso = scale × share of resources answering 2xx.
* Periodicidad de actualización = scale × share of datasets that declare an update
  frequency and have no missing, stale or future modification date (FR001–FR004).
* Licencia = scale × share of datasets that state a licence with no licence finding
  (LI001–LI003).
* Formatos = scale × share of resources in an open, machine-readable format: at least
  `open_format_min_stars` (3) in ckanext-qa's table, the format read as five-stars does.
* Legibilidad = scale × share of datasets with complete metadata (no MD finding).

With no datasets, the shares are 0. Indicators are rounded to whole numbers, as in
2021 (`round_indicators`), and the composite is the weighted mean of the computed
indicators rounded half up. The 2021 composite was not always the rounded mean of its
nine indicators (MINECO: mean 3.2, published 4), so expect ±1 against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from odaudit.models import CoverageStatus, DatasetScore, InstitutionScore, ScoreCard
from odaudit.presets.card import finish_card, institution_score, mean, round_dims, rounded, share
from odaudit.presets.evidence import codes, format_stars, licence_open, reachable, text
from odaudit.presets.spec import ModelSpec, Param, Preset
from odaudit.store.view import DatasetView, InstitutionView, RunView

__all__ = ["INDICATORS", "MODEL", "NOT_OBSERVED", "redciudadana_indicators"]

INDICATORS: tuple[str, ...] = (
    "Disponibilidad_en_linea",
    "Plataformas",
    "Acceso",
    "Periodicidad_de_actualizacion",
    "Licencia",
    "Formatos",
    "Legibilidad",
)
NOT_OBSERVED: tuple[str, ...] = ("Recoleccion_y_produccion_de_datos", "Gobernanza")
_DATASET_LEVEL = ("Acceso", "Periodicidad_de_actualizacion", "Licencia", "Formatos", "Legibilidad")
_FRESHNESS = frozenset({"FR001", "FR002", "FR003", "FR004"})

PARAMS: dict[str, Param] = {
    "scale": Param("number", 8.0, minimum=1),
    "portal_types": Param("strings", ("ckan", "dcat", "socrata", "opendatasoft")),
    "page_types": Param("strings", ("html", "files")),
    "platform_points": Param(
        "points",
        {"portal": 8.0, "pages": 4.0, "none": 0.0},
        minimum=0,
        choices=("portal", "pages", "none"),
    ),
    "open_format_min_stars": Param("number", 3.0, minimum=0, maximum=5),
    "round_indicators": Param("boolean", True),
}


def _dataset_hits(dv: DatasetView, min_stars: float) -> dict[str, tuple[int, int]]:
    """(hits, population) per dataset-level indicator, so datasets and institutions share them."""
    found = codes(dv.findings)
    resources = dv.dataset.resources
    fresh = bool(text(dv.dataset.frequency)) and not (found & _FRESHNESS)
    return {
        "Acceso": (sum(1 for r in resources if reachable(dv.probes.get(r.url))), len(resources)),
        "Periodicidad_de_actualizacion": (int(fresh), 1),
        "Licencia": (int(licence_open(dv)), 1),
        "Formatos": (sum(1 for r in resources if format_stars(dv, r) >= min_stars), len(resources)),
        "Legibilidad": (int(not any(c.startswith("MD") for c in found)), 1),
    }


def _platforms(inst: InstitutionView, p: Mapping[str, Any]) -> float:
    working = {text(s.type).lower() for s in inst.sources if s.status == "ok"}
    points = p["platform_points"]
    if working & {t.lower() for t in p["portal_types"]}:
        return float(points["portal"])
    if working & {t.lower() for t in p["page_types"]}:
        return float(points["pages"])
    return float(points["none"])


def _availability(inst: InstitutionView) -> float | None:
    if not inst.coverage:
        return None
    by_id = {dv.dataset.id: dv for dv in inst.datasets}

    def online(ids: list[str]) -> bool:
        return any(
            reachable(by_id[i].probes.get(r.url))
            for i in ids
            if i in by_id
            for r in by_id[i].dataset.resources
        )

    hits = sum(
        1 for c in inst.coverage if c.status != CoverageStatus.MISSING and online(c.dataset_ids)
    )
    return share(hits, len(inst.coverage))


def redciudadana_indicators(inst: InstitutionView, preset: Preset) -> dict[str, float]:
    """The computed indicators of one institution on 0–scale, unrounded."""
    p = preset.params
    scale = float(p["scale"])
    totals = {k: [0, 0] for k in _DATASET_LEVEL}
    for dv in inst.datasets:
        for k, (hits, population) in _dataset_hits(dv, p["open_format_min_stars"]).items():
            totals[k][0] += hits
            totals[k][1] += population
    out: dict[str, float] = {}
    availability = _availability(inst)
    if availability is not None:
        out["Disponibilidad_en_linea"] = scale * availability
    out["Plataformas"] = min(scale, _platforms(inst, p))
    for k in _DATASET_LEVEL:
        out[k] = scale * share(*totals[k])
    return out


def score(view: RunView, preset: Preset) -> ScoreCard:
    p, w = preset.params, preset.weights
    scale = float(p["scale"])
    whole = bool(p["round_indicators"])
    datasets: list[DatasetScore] = []
    institutions: list[InstitutionScore] = []
    for inst in view.institutions:
        own: list[DatasetScore] = []
        for dv in inst.datasets:
            dims = {
                k: scale * share(hits, population)
                for k, (hits, population) in _dataset_hits(dv, p["open_format_min_stars"]).items()
            }
            value = rounded(mean(list(dims.values())), 2)
            own.append(
                DatasetScore(inst.code, dv.dataset.id, dv.dataset.title, round_dims(dims, 2), value)
            )
        datasets.extend(own)
        indicators = round_dims(redciudadana_indicators(inst, preset), 0 if whole else 2)
        weight = sum(w[k] for k in indicators)
        composite = sum(v * w[k] for k, v in indicators.items()) / weight if weight else 0.0
        ds_score = rounded(mean([s.score for s in own]), 2) if own else None
        institutions.append(
            institution_score(inst, indicators, ds_score, rounded(composite, 0 if whole else 2))
        )
    return finish_card(preset, institutions, datasets, 0 if whole else 2, national_decimals=1)


def _scale(weights: Mapping[str, float], params: Mapping[str, Any]) -> float:
    return float(params["scale"])


MODEL = ModelSpec(
    name="redciudadana-2021",
    indicators=INDICATORS,
    params=PARAMS,
    scale=_scale,
    score=score,
    not_observed=NOT_OBSERVED,
)

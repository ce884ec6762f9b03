"""data.europa.eu Metadata Quality Assessment (MQA): up to 405 points per dataset.

Indicators and points are those of https://data.europa.eu/mqa/methodology (the weights
live in rules/presets/mqa.yaml). Dataset-level indicators earn all their points or none;
distribution-level ones earn points × the share of the dataset's distributions that meet
them (no distributions: 0). An institution scores the mean of its datasets (0 with none).

What the common model lets us see, and how each indicator is read:

* findability: keywords, themes (categories), spatial, temporal: present or not.
* accessibility: access URL accessible = the probe answered 2xx; download URL = the
  distribution's URL is a file, not a page or a service (the common model keeps one URL
  per distribution, so accessURL and downloadURL cannot be told apart otherwise);
  download URL accessible = both.
* interoperability: format / media type declared; from a vocabulary = known to CKAN's
  format registry (the EU file-type vocabulary's stand-in); non-proprietary and
  machine-readable = the format the bytes show (else the declared one) is on the lists
  in the preset's params. DCAT-AP compliance cannot be seen: odaudit keeps the metadata
  mapped into its own model, not the source's RDF, and CKAN, Socrata and data.json
  sources are not DCAT-AP. It scores 0, as MQA scores a record that fails DCAT-AP
  validation; `unobservable: rescale` leaves it out and rescales the rest to 405.
* reusability: licence stated (dataset or distribution); from a vocabulary = no
  "licence not recognised" finding (LI003); access rights and their vocabulary from the
  dataset's extras (accessRights / access_rights / accessLevel); contact point; publisher.
* contextuality: rights (dataset extra `rights`), byte size declared, issued, modified.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from odaudit.models import Dataset, DatasetScore, InstitutionScore, Resource, ScoreCard
from odaudit.presets.card import finish_card, institution_score, mean, round_dims, rounded, share
from odaudit.presets.evidence import (
    codes,
    has_contact,
    has_licence,
    reachable,
    resource_format,
    text,
)
from odaudit.presets.formats import canonical_format
from odaudit.presets.spec import ModelSpec, Param, Preset
from odaudit.store.view import DatasetView, RunView

__all__ = ["DIMENSIONS", "MODEL", "mqa_indicators"]

#: MQA dimension → its indicators, in the methodology's order.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "findability": ("keywords", "categories", "geo_search", "time_search"),
    "accessibility": ("access_url", "download_url", "download_url_accessible"),
    "interoperability": (
        "format",
        "media_type",
        "format_vocabulary",
        "non_proprietary",
        "machine_readable",
        "dcat_ap_compliance",
    ),
    "reusability": (
        "licence",
        "licence_vocabulary",
        "access_rights",
        "access_rights_vocabulary",
        "contact_point",
        "publisher",
    ),
    "contextuality": ("rights", "byte_size", "issued", "modified"),
}
INDICATORS: tuple[str, ...] = tuple(i for group in DIMENSIONS.values() for i in group)
UNOBSERVABLE = ("dcat_ap_compliance",)
_ACCESS_RIGHTS_KEYS = ("accessRights", "access_rights", "accessLevel", "access_level")

PARAMS: dict[str, Param] = {
    "unobservable": Param("choice", "zero", choices=("zero", "rescale")),
    "machine_readable": Param("strings", ()),
    "non_proprietary": Param("strings", ()),
    "service_formats": Param("strings", ("HTML",)),
    "access_rights_vocabulary": Param("strings", ("public", "restricted", "non-public")),
}


def _upper(values: Any) -> frozenset[str]:
    return frozenset(str(v).upper() for v in values)


def _filled(value: object) -> bool:
    return bool(text(value))


def _access_rights(dataset: Dataset) -> str:
    extras = dataset.extras if isinstance(dataset.extras, dict) else {}
    for key in _ACCESS_RIGHTS_KEYS:
        value = text(extras.get(key))
        if value:
            return value
    return ""


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _in_vocabulary(value: str, vocabulary: frozenset[str]) -> bool:
    """A term or the last segment of its URI ("…/access-right/PUBLIC"), any case."""
    last = value.rstrip("/").rsplit("/", 1)[-1]
    return any(v.upper() in vocabulary for v in (value, last, last.replace("_", "-")))


def mqa_indicators(dv: DatasetView, preset: Preset) -> dict[str, float]:
    """Points earned per indicator by one dataset (before any rescaling)."""
    d = dv.dataset
    p, w = preset.params, preset.weights
    resources = d.resources
    n = len(resources)
    found = codes(dv.findings)
    mr, nonprop, services = (
        _upper(p["machine_readable"]),
        _upper(p["non_proprietary"]),
        _upper(p["service_formats"]),
    )
    rights_vocab = _upper(p["access_rights_vocabulary"])

    def dist(test: Callable[[Resource], bool]) -> float:
        return share(sum(1 for r in resources if test(r)), n)

    formats = {id(r): (resource_format(dv, r)[0] or "").upper() for r in resources}

    def fmt(r: Resource) -> str:
        return formats[id(r)]

    def is_file(r: Resource) -> bool:
        return _filled(r.url) and fmt(r) not in services and text(r.format).upper() not in services

    def vocab_hits(r: Resource) -> int:
        media = text(r.media_type)
        return int(canonical_format(r.format) is not None) + int(
            "/" in media and canonical_format(media) is not None
        )

    rights = _access_rights(d)
    extras = d.extras if isinstance(d.extras, dict) else {}
    licence_known = "LI003" not in found and "LI001" not in found
    met: dict[str, float] = {
        "keywords": float(any(text(k) for k in d.keywords or ())),
        "categories": float(any(text(t) for t in d.themes or ())),
        "geo_search": float(_filled(d.spatial)),
        "time_search": float(_filled(d.temporal)),
        "access_url": dist(lambda r: reachable(dv.probes.get(r.url))),
        "download_url": dist(is_file),
        "download_url_accessible": dist(lambda r: is_file(r) and reachable(dv.probes.get(r.url))),
        "format": dist(lambda r: _filled(r.format)),
        "media_type": dist(lambda r: _filled(r.media_type)),
        "format_vocabulary": share(sum(vocab_hits(r) for r in resources), 2 * n),
        "non_proprietary": dist(lambda r: fmt(r) in nonprop),
        "machine_readable": dist(lambda r: fmt(r) in mr),
        "dcat_ap_compliance": 0.0,
        "licence": dist(lambda r: has_licence(d, r)),
        "licence_vocabulary": dist(lambda r: licence_known and has_licence(d, r)),
        "access_rights": float(bool(rights)),
        "access_rights_vocabulary": float(bool(rights) and _in_vocabulary(rights, rights_vocab)),
        "contact_point": float(has_contact(d)),
        "publisher": float(_filled(d.publisher) or _filled(d.organization)),
        "rights": float(_filled(extras.get("rights"))) if n else 0.0,
        "byte_size": dist(lambda r: _is_size(r.size)),
        "issued": float(_filled(d.issued)),
        "modified": float(_filled(d.modified)),
    }
    return {k: w[k] * met[k] for k in INDICATORS}


def _observable_max(preset: Preset) -> float:
    if preset.params["unobservable"] == "rescale":
        return sum(v for k, v in preset.weights.items() if k not in UNOBSERVABLE)
    return preset.scale_max


def score(view: RunView, preset: Preset) -> ScoreCard:
    factor = preset.scale_max / (_observable_max(preset) or 1.0)
    datasets: list[DatasetScore] = []
    institutions: list[InstitutionScore] = []
    for inst in view.institutions:
        own: list[DatasetScore] = []
        for dv in inst.datasets:
            points = mqa_indicators(dv, preset)
            dims = {dim: sum(points[i] for i in group) for dim, group in DIMENSIONS.items()}
            total = sum(points.values()) * factor
            own.append(
                DatasetScore(
                    inst.code,
                    dv.dataset.id,
                    dv.dataset.title,
                    round_dims(dims, 2),
                    rounded(total, 2),
                )
            )
        datasets.extend(own)
        inst_dims = (
            {dim: mean([s.dimensions[dim] for s in own]) for dim in DIMENSIONS} if own else {}
        )
        ds_score = rounded(mean([s.score for s in own]), 2) if own else None
        institutions.append(
            institution_score(inst, round_dims(inst_dims, 2), ds_score, ds_score or 0.0)
        )
    return finish_card(preset, institutions, datasets, 2)


def _scale(weights: Mapping[str, float], params: Mapping[str, Any]) -> float:
    return sum(weights.values())


MODEL = ModelSpec(
    name="mqa",
    indicators=INDICATORS,
    params=PARAMS,
    scale=_scale,
    score=score,
    not_observed=UNOBSERVABLE,
)

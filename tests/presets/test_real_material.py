"""Presets on real captured material (tests/fixtures/presets/SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from odaudit.baseline import load_redciudadana
from odaudit.models import Dataset, Finding, Probe, ProbeOutcome, Resource, Severity
from odaudit.presets import compare_with_baseline, load_preset, score_preset
from odaudit.presets._ckan_formats import CKAN_FORMATS
from odaudit.presets._qa_openness import OPENNESS_STARS
from odaudit.store.view import DatasetView, InstitutionView, RunManifest, RunView

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "presets"


def _json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def test_bundled_tables_equal_the_upstream_files() -> None:
    table = [
        row
        for row in _json("ckanext-qa_resource_format_openness_scores.json")
        if row[0] != "_comment"
    ]
    assert {fmt: stars for fmt, stars in table} == OPENNESS_STARS
    formats = [row for row in _json("ckan_resource_formats.json") if row[0] != "_comment"]
    assert [(f, d, m, tuple(a)) for f, d, m, a in formats] == list(CKAN_FORMATS)


def _aeb_view(unreachable: str | None = None, closed: str | None = None) -> RunView:
    """The AEB packages, mapped by hand; every URL answers 200 to a HEAD (no bytes kept)."""
    datasets = []
    for pkg in _json("br_legado.dados.gov.br_package_search_organization-aeb_2023-01-30.json")[
        "result"
    ]["results"]:
        resources = [Resource(r["url"], format=r["format"]) for r in pkg["resources"]]
        outcome = ProbeOutcome.NETWORK_ERROR if pkg["name"] == unreachable else ProbeOutcome.OK
        probes = {r.url: Probe(r.url, outcome, method="HEAD") for r in resources}
        findings = (
            [Finding("LI002", Severity.ERROR, "", "AEB", pkg["name"])]
            if pkg["name"] == closed
            else []
        )
        ds = Dataset(
            id=pkg["name"], title=pkg["title"], license_id=pkg["license_id"], resources=resources
        )
        datasets.append(DatasetView(ds, probes, findings))
    inst = InstitutionView(
        code="AEB", name="Agência Espacial Brasileira", sector="", datasets=datasets
    )
    return RunView(RunManifest(), {}, [inst], None)


def test_five_stars_of_zipped_csv_and_json() -> None:
    # Declared CSV/JSON, but every URL ends ".zip": ckanext-qa goes by the extension first,
    # so each resource is a ZIP: 1 star (cc-by is open). 6 datasets x 1 -> 1.0
    preset = load_preset("five-stars")
    card = score_preset(_aeb_view(), preset)
    assert [d.score for d in card.datasets] == [1.0] * 6
    assert card.institutions[0].score == 1.0
    # one package unreachable -> 0; another under a closed licence -> 0: (4 x 1) / 6 = 0.67
    card = score_preset(
        _aeb_view(
            unreachable="catalogo-industria-espacial", closed="dados-abertos-de-orcamento-da-aeb"
        ),
        preset,
    )
    assert [d.score for d in card.datasets] == [0.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    assert card.institutions[0].score == 0.67


def test_redciudadana_2021_baseline_side_by_side() -> None:
    edition = load_redciudadana(FIXTURES / "redciudadana_2021_datosabiertos.json")
    view = _aeb_view()
    view.institutions[0].code = "MINFIN"
    card = score_preset(view, load_preset("redciudadana-2021"))
    rows = [r for r in compare_with_baseline(card, edition) if r.institution == "MINFIN"]
    by = {r.indicator: r for r in rows}
    # MINFIN 2021 (hand): Acceso 7, Gobernanza 8, composite 7. Here every resource answered:
    # Acceso 8; ZIP has 1 star, so Formatos 0; no source results kept -> Plataformas 0
    assert (by["Acceso"].baseline, by["Acceso"].computed, by["Acceso"].delta) == (7.0, 8.0, 1.0)
    assert (by["Gobernanza"].baseline, by["Gobernanza"].computed) == (8.0, None)
    assert by["Formatos"].computed == 0.0 and by["Plataformas"].computed == 0.0
    assert by["Indicador_2021"].baseline == 7.0
    # 30 institutions in 2021, all listed with the one scored here
    assert len({r.institution for r in compare_with_baseline(card, edition)}) == 30

"""Each preset on the hand-built run of scenario.py, against values computed on paper."""

from __future__ import annotations

import pytest
from tests.presets.scenario import run_view

from odaudit.models import ScoreCard
from odaudit.presets import PRESETS, load_preset, score_preset
from odaudit.presets.mqa import mqa_indicators
from odaudit.presets.render import card_json


def _card(name: str) -> ScoreCard:
    return score_preset(run_view(), load_preset(name))


def _inst(card: ScoreCard, code: str):  # type: ignore[no-untyped-def]
    return next(s for s in card.institutions if s.code == code)


def _ds(card: ScoreCard, dataset_id: str) -> float:
    return next(d.score for d in card.datasets if d.dataset_id == dataset_id)


def test_five_stars() -> None:
    card = _card("five-stars")
    assert card.scale_max == 5.0
    # d1: r1 a.csv reachable, bytes prove nothing, extension csv -> CSV 3; r2 sniffed PDF 1 -> max 3
    # d2: r3 404 -> 0; r4 reachable but LI001 (and the bytes are HTML, 0) -> 0
    # d3: r5 sniffed JSON 3, licence open -> 3
    assert [_ds(card, d) for d in ("d1", "d2", "d3")] == [3.0, 0.0, 3.0]
    # AAA mean(3, 0) = 1.5; BBB 3; CCC no datasets 0; national (1.5 + 3 + 0) / 3 = 1.5
    assert [(s.code, s.score, s.rank, s.band) for s in card.institutions] == [
        ("BBB", 3.0, 1, "★★★"),
        ("AAA", 1.5, 2, "★★"),
        ("CCC", 0.0, 3, "sin estrellas"),
    ]
    assert card.national_score == 1.5
    assert _inst(card, "AAA").dimensions == {"stars": 1.5}
    assert _inst(card, "CCC").datasets_score is None


def test_mqa_indicators_of_one_dataset() -> None:
    view = run_view()
    preset = load_preset("mqa")
    d1 = mqa_indicators(view.institutions[0].datasets[0], preset)
    # r1 declares text/csv (known), r2 no media type: 1 of 2 -> 5 points; vocabulary: CSV, text/csv,
    # PDF known, r2's empty media type not: 3 of 4 -> 7.5; machine-readable CSV yes, PDF no -> 10
    assert d1["media_type"] == 5.0
    assert d1["format_vocabulary"] == 7.5
    assert d1["machine_readable"] == 10.0
    assert d1["non_proprietary"] == 20.0
    assert d1["byte_size"] == 2.5
    assert d1["time_search"] == 0.0
    assert d1["dcat_ap_compliance"] == 0.0


def test_mqa() -> None:
    card = _card("mqa")
    assert card.scale_max == 405.0
    # d1: findability 30+30+20+0 = 80; accessibility 50+20+30 = 100;
    #     interoperability 20 + 5 + 7.5 + 20 + 10 + 0 = 62.5; reusability 20+10+0+0+20+10 = 60;
    #     contextuality 0 + 2.5 + 5 + 5 = 12.5; total 315
    # d2: findability 0; access URL 1 of 2 -> 25, download URL r3 (a file) 1 of 2 -> 10, accessible
    #     0 -> 35; interoperability format 20 + media 0 + vocabulary 2/4 -> 5 + non-proprietary
    #     (HTML yes, XLSX no) 10 + machine-readable (XLSX yes, HTML no) 10 = 45; rest 0; total 80
    # d3: keywords 30; 50+20+30 = 100; 20 + 0 + 1/2*10 + 20 + 20 = 65; 20+10+10 = 40; modified 5
    #     total 240
    assert [_ds(card, d) for d in ("d1", "d2", "d3")] == [315.0, 80.0, 240.0]
    d1 = next(d for d in card.datasets if d.dataset_id == "d1")
    assert d1.dimensions == {
        "findability": 80.0,
        "accessibility": 100.0,
        "interoperability": 62.5,
        "reusability": 60.0,
        "contextuality": 12.5,
    }
    aaa = _inst(card, "AAA")
    # mean(315, 80) = 197.5 -> sufficient (121-220)
    assert (aaa.score, aaa.band, aaa.datasets_score) == (197.5, "sufficient", 197.5)
    assert aaa.dimensions == {
        "findability": 40.0,
        "accessibility": 67.5,
        "interoperability": 53.75,
        "reusability": 30.0,
        "contextuality": 6.25,
    }
    assert (_inst(card, "BBB").score, _inst(card, "BBB").band) == (240.0, "good")
    assert (_inst(card, "CCC").score, _inst(card, "CCC").band) == (0.0, "bad")
    # (197.5 + 240 + 0) / 3 = 145.8333 -> 145.83
    assert (card.national_score, card.national_band) == (145.83, "sufficient")


def test_mqa_rescale_leaves_dcat_ap_out(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = (
        load_preset("mqa")
        .path.read_text("utf-8")
        .replace("unobservable: zero", "unobservable: rescale")
    )
    path = tmp_path / "mqa-rescaled.yaml"
    path.write_text(text, "utf-8")
    card = score_preset(run_view(), load_preset(path))
    # d3: 240 of the 375 observable points -> 240 * 405 / 375 = 259.2
    assert _ds(card, "d3") == 259.2
    assert card.rules_hash != load_preset("mqa").sha256


def test_godi_2015() -> None:
    card = _card("godi-2015")
    assert card.scale_max == 100.0
    # d1: every question yes -> 100. d2: r4 answers, so exists/digital/public/free/online
    #     5+5+5+15+5 = 35; its only reachable file is HTML (not machine-readable, not bulk),
    #     LI001 (no open licence), FR001 (not up to date). d3: all but uptodate (FR002) -> 90
    assert [_ds(card, d) for d in ("d1", "d2", "d3")] == [100.0, 35.0, 90.0]
    aaa = _inst(card, "AAA")
    # key datasets: k1 -> d1 100, k2 missing 0 -> 50; each question is its mean over k1, k2
    assert aaa.score == 50.0
    assert aaa.dimensions == {
        "exists": 2.5,
        "digital": 2.5,
        "public": 2.5,
        "free": 7.5,
        "online": 2.5,
        "machinereadable": 7.5,
        "bulk": 5.0,
        "openlicense": 15.0,
        "uptodate": 5.0,
    }
    assert aaa.band == "parcialmente abierto"
    # BBB expects no key dataset: 0. CCC: its only key dataset is missing: 0. Ties share a rank.
    assert [(s.code, s.score, s.rank) for s in card.institutions] == [
        ("AAA", 50.0, 1),
        ("BBB", 0.0, 2),
        ("CCC", 0.0, 2),
    ]
    assert _inst(card, "BBB").dimensions == {}
    # (50 + 0 + 0) / 3 = 16.67 -> 16.7
    assert card.national_score == 16.7


def test_redciudadana_2021() -> None:
    card = _card("redciudadana-2021")
    assert card.scale_max == 8.0
    aaa = _inst(card, "AAA")
    # Disponibilidad: k1 found online, k2 missing -> 8 * 1/2 = 4; Plataformas: CKAN answered -> 8
    # Acceso: r1, r2, r4 answer, r3 404 -> 8 * 3/4 = 6; Periodicidad: d1 yes, d2 no -> 4
    # Licencia: d1 open, d2 LI001 -> 4; Formatos: only r1 (CSV) has >= 3 stars -> 8 * 1/4 = 2
    # Legibilidad: d1 no MD finding, d2 three -> 4. Composite 32 / 7 = 4.57 -> 5
    assert aaa.dimensions == {
        "Disponibilidad_en_linea": 4.0,
        "Plataformas": 8.0,
        "Acceso": 6.0,
        "Periodicidad_de_actualizacion": 4.0,
        "Licencia": 4.0,
        "Formatos": 2.0,
        "Legibilidad": 4.0,
    }
    assert (aaa.score, aaa.band) == (5.0, "medio")
    bbb = _inst(card, "BBB")
    # no key datasets: no Disponibilidad; only a web page source -> Plataformas 4; Acceso 8;
    # Periodicidad 0 (stale); Licencia 8; Formatos 8 (JSON); Legibilidad 0 (MD003)
    # composite (4 + 8 + 0 + 8 + 8 + 0) / 6 = 4.67 -> 5
    assert bbb.dimensions == {
        "Plataformas": 4.0,
        "Acceso": 8.0,
        "Periodicidad_de_actualizacion": 0.0,
        "Licencia": 8.0,
        "Formatos": 8.0,
        "Legibilidad": 0.0,
    }
    assert bbb.score == 5.0
    ccc = _inst(card, "CCC")
    assert ccc.score == 0.0 and set(ccc.dimensions.values()) == {0.0}
    assert [(s.code, s.rank) for s in card.institutions] == [("AAA", 1), ("BBB", 1), ("CCC", 3)]
    # not observed indicators are never guessed
    assert "Gobernanza" not in aaa.dimensions
    # (5 + 5 + 0) / 3 = 3.33 -> 3.3, band bajo (>= 2)
    assert (card.national_score, card.national_band) == (3.3, "bajo")
    # d2 per dataset: Acceso 1/2 -> 4, Periodicidad 0, Licencia 0, Formatos 0 (XLSX 2, HTML 0),
    # Legibilidad 0 -> mean 0.8
    d2 = next(d for d in card.datasets if d.dataset_id == "d2")
    assert d2.dimensions["Acceso"] == 4.0 and d2.score == 0.8


@pytest.mark.parametrize("name", PRESETS)
def test_card_carries_version_and_rules_hash(name: str) -> None:
    preset = load_preset(name)
    card = score_preset(run_view(), preset)
    assert card.methodology == preset.name and card.methodology_version == preset.version
    assert card.rules_hash == preset.sha256 and len(card.rules_hash) == 64


@pytest.mark.parametrize("name", PRESETS)
def test_deterministic(name: str) -> None:
    preset = load_preset(name)
    assert card_json(score_preset(run_view(), preset)) == card_json(
        score_preset(run_view(), preset)
    )


def test_hostile_stored_values_never_crash() -> None:
    """The store may hand back any JSON value where a string was expected: no preset crashes."""
    from typing import Any

    from odaudit.models import Dataset, Resource
    from odaudit.store.view import DatasetView, InstitutionView, RunManifest, RunView

    weird: Any = None
    r = Resource(url=weird, format=weird, media_type=12, size="42 octets")  # type: ignore[arg-type]
    ds = Dataset(
        id="x",
        title="x",
        keywords=[None, 3],  # type: ignore[list-item]
        themes=weird,
        license_id=weird,
        contact_email=7,  # type: ignore[arg-type]
        frequency=5,  # type: ignore[arg-type]
        extras=["not", "a", "dict"],  # type: ignore[arg-type]
        resources=[r],
    )
    inst = InstitutionView(code="X", name="X", sector="", datasets=[DatasetView(ds, {}, [])])
    view = RunView(RunManifest(), {}, [inst], None)
    for name in PRESETS:
        card = score_preset(view, load_preset(name))
        assert card.institutions[0].score == 0.0 or name == "redciudadana-2021"
    # Red Ciudadana: no licence stated -> Licencia 0 even without a finding; no metadata finding
    # (no checks ran) -> Legibilidad 8; every other share 0, no source -> Plataformas 0;
    # 8 / 6 = 1.33 -> 1
    assert score_preset(view, load_preset("redciudadana-2021")).institutions[0].score == 1.0

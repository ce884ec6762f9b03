"""The shared context: methodology snapshots, languages, and runs with missing parts."""

from __future__ import annotations

import pytest
from tests.report.report_runs import FakeRule

from odaudit.models import Finding, Severity
from odaudit.report import build_context, render_html, render_markdown
from odaudit.report.i18n import Formatter
from odaudit.report.methodology import DEFAULT_BANDS, read_methodology
from odaudit.store.view import DatasetView, RunView

YAML_SHAPE = {
    "methodology": {"name": "odaudit Guatemala", "version": "2026.1"},
    "select": ["AV", "LI"],
    "ignore": ["AV010"],
    "rules": {"LI001": {"weight": 80, "severity": "warning"}},
    "dimensions": {"availability": 0.5, "license": 0.5},
    "institution": {"datasets_weight": 0.7, "coverage_weight": 0.3, "pdf_only_credit": 0.25},
    "bands": [{"name": "alto", "min": 60}, {"name": "bajo", "min": 0}],
}


def test_reads_the_yaml_shaped_snapshot() -> None:
    snap = read_methodology(YAML_SHAPE)
    assert (snap.name, snap.version) == ("odaudit Guatemala", "2026.1")
    assert snap.datasets_weight == 0.7 and snap.pdf_only_credit == 0.25
    assert snap.bands == [("alto", 60.0), ("bajo", 0.0)]
    assert snap.rule_weights == {"LI001": 80.0}
    assert snap.enabled("LI001") and not snap.enabled("AV010") and not snap.enabled("FM001")


@pytest.mark.parametrize("raw", [None, {}, {"bands": "x", "dimensions": [1], "rules": {"A": 3}}])
def test_malformed_snapshot_falls_back(raw: object) -> None:
    snap = read_methodology(raw)  # type: ignore[arg-type]
    assert snap.bands == list(DEFAULT_BANDS)
    assert snap.dimensions == {} and snap.rule_weights == {}


def test_methodology_overrides_show_in_the_rule_list(run: RunView, rules: list[FakeRule]) -> None:
    run.methodology = YAML_SHAPE
    ctx = build_context(run, rules)
    li = next(r for r in ctx.methodology.rules if r.code == "LI001")
    assert (li.weight, li.severity, li.enabled) == ("80", "warning", True)
    assert next(r for r in ctx.methodology.rules if r.code == "FM001").enabled is False
    assert [c.key for c in ctx.columns][-1] == "coverage"
    assert ctx.methodology.dimensions[0] == ("Disponibilidad", "50%")
    # bands come from the snapshot: 74.1 is "alto" (level 0) under these bands
    assert ctx.ranking[0].score.level == 0
    # the work list weighs LI001 with the override: 80 points
    minfin = ctx.institutions[0]
    assert minfin.work[0].code == "LI001" and minfin.work[0].points == "80,0"


def test_numbers_follow_the_locale() -> None:
    assert Formatter("es").number(1234.5) == "1.234,5"
    assert Formatter("en").number(1234.5) == "1,234.5"
    assert Formatter("es").integer(13786) == "13.786"
    assert Formatter("es").number(None) == "—"
    assert Formatter("es").percent(0.3) == "30%"
    assert Formatter("es").date("2026-11-20T09:12:30Z") == "20 de noviembre de 2026"
    assert Formatter("en").date("2026-11-20T09:12:30Z") == "November 20, 2026"
    assert Formatter("es").datetime("not a date") == "not a date"


def test_unknown_language_is_refused(run: RunView, rules: list[FakeRule]) -> None:
    with pytest.raises(ValueError, match="unsupported report language"):
        render_markdown(run, rules, lang="fr")


def test_best_and_worst_datasets_do_not_overlap(run: RunView, rules: list[FakeRule]) -> None:
    minfin = build_context(run, rules).institutions[0]
    assert [d.link.text for d in minfin.best] == ["Compras y contrataciones"]
    assert [d.link.text for d in minfin.worst] == ["Deuda pública"]


def test_many_resources_with_one_problem_are_one_item(run: RunView, rules: list[FakeRule]) -> None:
    dv: DatasetView = run.institutions[0].datasets[0]
    dv.findings = [
        Finding(
            "AV001",
            Severity.ERROR,
            f"HTTP 404 ({n})",
            "MINFIN",
            dv.dataset.id,
            f"https://datos.minfin.gob.gt/r/{n}.csv",
            {"status": 404},
        )
        for n in range(40)
    ]
    work = build_context(run, rules).institutions[0].work
    av = [w for w in work if w.code == "AV001"]
    assert len(av) == 1
    assert av[0].count == 40 and av[0].points == "1.600,0"
    assert len(av[0].resources) == 3 and av[0].more_resources == 37


def test_unknown_rule_and_odd_evidence_do_not_crash(run: RunView, rules: list[FakeRule]) -> None:
    run.institutions[0].findings.append(
        Finding(
            "ZZ999",
            Severity.WARNING,
            "regla desconocida",
            "MINFIN",
            evidence={"raw": b"\x00bytes", "n": float("nan")},
        )  # not JSON-safe
    )
    work = build_context(run, rules).institutions[0].work
    item = next(w for w in work if w.code == "ZZ999")
    assert item.title == "" and item.dataset == "institución"
    assert "raw" in item.evidence


def test_no_best_or_worst_when_every_dataset_ties(run: RunView, rules: list[FakeRule]) -> None:
    assert run.scorecard is not None
    for ds in run.scorecard.datasets:
        ds.score = 100.0
    minfin = build_context(run, rules).institutions[0]
    assert minfin.best == [] and minfin.worst == []


def test_empty_and_partial_runs_render(run: RunView, rules: list[FakeRule]) -> None:
    from odaudit.store.view import RunManifest

    empty = RunView(RunManifest(), {}, [], None)
    assert "**Instituciones evaluadas:** 0" in render_markdown(empty, rules)
    assert "<h1>Índice Nacional de Datos Abiertos — Guatemala</h1>" in render_html(empty, [])
    assert run.scorecard is not None
    run.scorecard.institutions = run.scorecard.institutions[:1]  # others never scored
    md = render_markdown(run, rules)
    assert "| — | **SEGEPLAN** — Secretaría de Planificación" in md
    assert "- **Puntaje:** sin puntuar" in md

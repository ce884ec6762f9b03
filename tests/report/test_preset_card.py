"""A run re-scored with a preset (own scale, own indicators) still reports honestly."""

from __future__ import annotations

from tests.report.report_runs import FakeRule

from odaudit.models import InstitutionScore, ScoreCard
from odaudit.report import build_context, render_html, render_markdown
from odaudit.store.view import RunView


def _preset(run: RunView) -> RunView:
    run.scorecard = ScoreCard(
        methodology="Red Ciudadana 2021",
        methodology_version="redciudadana-2021/odaudit-1",
        rules_hash="d" * 64,
        national_score=4.3,
        national_band="medio",
        institutions=[
            InstitutionScore(
                "MINFIN",
                "Ministerio de Finanzas Públicas",
                {"Plataformas": 8.0, "Licencia": 6.0, "Formatos_abiertos": 2.0},
                6.0,
                None,
                6.0,
                "alto",
                1,
                3,
                6,
                6,
            ),
            InstitutionScore(
                "SEGEPLAN", "Secretaría", {"Plataformas": 4.0}, 4.0, None, 4.0, "medio", 2, 1, 1, 3
            ),
            InstitutionScore("CONRED", "Coordinadora", {}, None, None, 0.0, "muy bajo", 3),
        ],
        datasets=[],
        scale_max=8.0,
        not_observed=["Gobernanza"],
    )
    return run


def test_preset_indicators_become_columns(run: RunView, rules: list[FakeRule]) -> None:
    ctx = build_context(_preset(run), rules)
    assert [c.label for c in ctx.columns] == [
        "Plataformas",
        "Licencia",
        "Formatos abiertos",
        "Gobernanza",  # not observable by a crawler: a column of "—"
    ]
    minfin = ctx.ranking[0]
    assert (minfin.score.text, minfin.score.band, minfin.score.level) == ("6,0", "alto", 1)
    assert minfin.bar == 75.0  # 6 of 8
    # the indicators' maxima are unknown here: numbers, no bars, no colours
    assert [(c.text, c.bar, c.level) for c in minfin.cells] == [
        ("8,0", None, -1),
        ("6,0", None, -1),
        ("2,0", None, -1),
        ("—", None, -1),
    ]
    assert "Red Ciudadana 2021" in ctx.card and "de 0 a 8" in ctx.card
    assert ctx.card.endswith("Sin observar (no se pueden leer de un portal): Gobernanza.")


def test_preset_report_renders_in_both_formats(run: RunView, rules: list[FakeRule]) -> None:
    md = render_markdown(_preset(run), rules)
    assert "**Puntaje nacional:** 4,3 / 8 (medio)" in md
    assert (
        "| 1 | **MINFIN** — Ministerio de Finanzas Públicas | 6,0 `████████░░` | alto | 3 | 8,0 | 6,0 | 2,0 | — |"
        in md
    )
    assert "🟩 85% o más de la escala" in md
    assert "| Licencia | 6,0 | `··········` |" in md
    html = render_html(_preset(run), rules)
    assert "Puntajes calculados con Red Ciudadana 2021 redciudadana-2021/odaudit-1" in html

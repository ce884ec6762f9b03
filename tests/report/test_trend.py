"""The per-institution trend when earlier editions are passed in."""

from __future__ import annotations

from tests.report.report_runs import XSS_SCRIPT, FakeRule

from odaudit.report import build_context, render_html, render_markdown
from odaudit.store.view import RunView

HISTORY = {
    "MINFIN": [("2021 (Red Ciudadana)", 50.0), ("2025", 66.0)],
    "SEGEPLAN": [("2025", 80.0)],
    "CONRED": [("x", "no es un número"), ("2025", float("nan"))],  # type: ignore[list-item]
}


def test_no_history_no_trend(run: RunView, rules: list[FakeRule]) -> None:
    assert "Evolución del puntaje" not in render_markdown(run, rules)
    assert 'class="chart trend"' not in render_html(run, rules)


def test_trend_in_markdown(run: RunView, rules: list[FakeRule]) -> None:
    md = render_markdown(run, rules, history=HISTORY)
    assert md.count("#### Evolución del puntaje") == 2  # CONRED's entries are unusable
    assert (
        "| 2021 \\(Red Ciudadana\\) | 50,0 |\n| 2025 | 66,0 |\n"
        "| 2026-11-20 (esta medición) | 74,1 |"
    ) in md
    assert "Cambio desde 2021 \\(Red Ciudadana\\): +24,1 puntos." in md
    assert "Cambio desde 2025: -8,1 puntos." in md


def test_trend_chart_geometry(run: RunView, rules: list[FakeRule]) -> None:
    trend = build_context(run, rules, history=HISTORY).institutions[0].trend
    assert trend is not None
    xs = [p.x for p in trend.points]
    ys = [p.y for p in trend.points]
    assert xs == sorted(xs) and len(set(xs)) == 3
    assert ys[0] > ys[1] > ys[2]  # higher scores are drawn higher
    assert [p.current for p in trend.points] == [False, False, True]
    html = render_html(run, rules, history=HISTORY)
    assert (
        '<desc id="MINFIN-tr-d">2021 (Red Ciudadana): 50,0; 2025: 66,0; 2026-11-20: 74,1. '
        "Cambio desde 2021 (Red Ciudadana): +24,1 puntos.</desc>"
    ) in html


def test_hostile_history_labels_are_escaped(run: RunView, rules: list[FakeRule]) -> None:
    history = {"MINFIN": [(XSS_SCRIPT, 10.0)]}
    assert "<script" not in render_html(run, rules, history=history)
    assert "<script" not in render_markdown(run, rules, history=history)

"""Automated Red Ciudadana indicators beside the hand-scored 2021 edition."""

from __future__ import annotations

from tests.presets.scenario import run_view

from odaudit.baseline import BaselineEdition, BaselineEntry
from odaudit.presets import compare_with_baseline, load_preset, score_preset


def _edition() -> BaselineEdition:
    edition = BaselineEdition("redciudadana-2021", "2021", 2021, 8.0, "test", "0" * 64)
    edition.entries = [
        BaselineEntry("AAA", "Ministerio A (2021)", "Acceso", 7.0),
        BaselineEntry("AAA", "Ministerio A (2021)", "Gobernanza", 8.0),
        BaselineEntry("AAA", "Ministerio A (2021)", "Indicador_2021", 4.0),
        BaselineEntry("ZZZ", "Otra", "Acceso", 3.0),
    ]
    return edition


def test_rows_side_by_side() -> None:
    card = score_preset(run_view(), load_preset("redciudadana-2021"))
    rows = compare_with_baseline(card, _edition())
    # indicators of the edition in the index's order; institutions of both, sorted
    assert [r.indicator for r in rows[:3]] == ["Acceso", "Gobernanza", "Indicador_2021"]
    assert [r.institution for r in rows[::3]] == ["AAA", "BBB", "CCC", "ZZZ"]
    by = {(r.institution, r.indicator): r for r in rows}
    assert (
        by["AAA", "Acceso"].baseline,
        by["AAA", "Acceso"].computed,
        by["AAA", "Acceso"].delta,
    ) == (7.0, 6.0, -1.0)
    # Gobernanza cannot be observed: no computed value, no delta
    assert (by["AAA", "Gobernanza"].computed, by["AAA", "Gobernanza"].delta) == (None, None)
    assert by["AAA", "Indicador_2021"].computed == 5.0 and by["AAA", "Indicador_2021"].delta == 1.0
    assert by["BBB", "Acceso"].baseline is None and by["BBB", "Acceso"].computed == 8.0
    assert by["ZZZ", "Acceso"].computed is None and by["ZZZ", "Acceso"].name == "Otra"
    assert by["AAA", "Acceso"].label == "Acceso"


def test_other_scales_are_converted() -> None:
    card = score_preset(run_view(), load_preset("godi-2015"))  # 0-100
    rows = compare_with_baseline(card, _edition())
    aaa = next(r for r in rows if r.institution == "AAA" and r.indicator == "Indicador_2021")
    assert aaa.computed == 4.0  # 50 / 100 * 8

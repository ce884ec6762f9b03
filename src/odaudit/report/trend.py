"""Where the points of an institution's score trend sit in its chart."""

from __future__ import annotations

from collections.abc import Iterable

from odaudit.report.i18n import Formatter
from odaudit.report.model import (
    TREND_BOTTOM,
    TREND_HEIGHT,
    TREND_LEFT,
    TREND_RIGHT,
    TREND_TOP,
    TREND_WIDTH,
    Trend,
    TrendPoint,
)
from odaudit.report.safety import plain_text

__all__ = ["build_trend"]


def build_trend(
    history: Iterable[object], current: tuple[str, float] | None, scale: float, fmt: Formatter
) -> Trend | None:
    """Earlier editions' scores (on `scale`, oldest first) followed by this run's.

    Entries that are not a (label, number) pair are skipped; with no usable earlier
    edition there is no trend to draw.
    """
    series: list[tuple[str, float, bool]] = []
    for entry in history:
        if not isinstance(entry, (tuple, list)) or len(entry) != 2:
            continue
        label, value = entry
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if number == number:  # NaN is not a score
            series.append((plain_text(label), max(0.0, min(scale, number)), False))
    if not series:
        return None
    if current is not None:
        series.append((current[0], current[1], True))
    inner_w = TREND_WIDTH - TREND_LEFT - TREND_RIGHT
    inner_h = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    step = inner_w / (len(series) - 1) if len(series) > 1 else 0.0

    def y_of(value: float) -> float:
        return round(TREND_TOP + inner_h * (1 - value / scale), 1)

    points = [
        TrendPoint(
            label=label,
            text=fmt.number(value),
            x=round(TREND_LEFT + (i * step if len(series) > 1 else inner_w / 2), 1),
            y=y_of(value),
            current=is_current,
        )
        for i, (label, value, is_current) in enumerate(series)
    ]
    ticks = [(fmt.number(v, 0), y_of(v)) for v in (0.0, scale / 2, scale)]
    delta = series[-1][1] - series[0][1]
    change = ("+" if delta > 0 else "") + fmt.number(delta)
    return Trend(points, ticks, change)

"""Automated scores beside an earlier hand-scored edition (Red Ciudadana 2021)."""

from __future__ import annotations

from dataclasses import dataclass

from odaudit.baseline import REDCIUDADANA_INDICATORS, BaselineEdition
from odaudit.models import ScoreCard

__all__ = ["COMPOSITE", "BaselineRow", "compare_with_baseline"]

#: The baseline's composite indicator, compared with the card's institution score.
COMPOSITE = "Indicador_2021"


@dataclass(frozen=True)
class BaselineRow:
    """One institution × indicator: the earlier value, ours (on the baseline's scale), the change."""

    institution: str
    name: str
    indicator: str
    label: str
    baseline: float | None
    computed: float | None  # None: not observed by the crawler, or institution not scored
    delta: float | None  # computed - baseline when both exist


def compare_with_baseline(card: ScoreCard, edition: BaselineEdition) -> list[BaselineRow]:
    """Rows for every institution in either, every indicator of the edition, in a stable order.

    Scores on another scale are converted to the edition's (× edition.scale_max / card.scale_max).
    """
    factor = edition.scale_max / card.scale_max if card.scale_max else 1.0
    scored = {s.code.upper(): s for s in card.institutions}
    names = {e.institution: e.name for e in edition.entries}
    indicators = [
        k for k in REDCIUDADANA_INDICATORS if any(e.indicator == k for e in edition.entries)
    ]
    indicators = indicators or sorted({e.indicator for e in edition.entries})
    rows: list[BaselineRow] = []
    for code in sorted(set(scored) | set(names)):
        inst = scored.get(code)
        for indicator in indicators:
            ours: float | None = None
            if inst is not None:
                ours = inst.score if indicator == COMPOSITE else inst.dimensions.get(indicator)
            computed = round(ours * factor, 2) if ours is not None else None
            before = edition.value(code, indicator)
            rows.append(
                BaselineRow(
                    institution=code,
                    name=inst.name if inst is not None else names.get(code, ""),
                    indicator=indicator,
                    label=REDCIUDADANA_INDICATORS.get(indicator, indicator),
                    baseline=before,
                    computed=computed,
                    delta=round(computed - before, 2)
                    if computed is not None and before is not None
                    else None,
                )
            )
    return rows

"""A scorecard as plain text or JSON, identical byte for byte for the same card."""

from __future__ import annotations

import json
from collections.abc import Sequence

from odaudit.models import ScoreCard
from odaudit.store.serialize import to_dict

__all__ = ["card_json", "card_text"]


def card_json(card: ScoreCard) -> str:
    """The whole card as JSON with sorted keys."""
    return json.dumps(to_dict(card), ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _columns(card: ScoreCard) -> list[str]:
    seen: dict[str, None] = {}
    for inst in card.institutions:
        for key in inst.dimensions:
            seen.setdefault(key, None)
    return list(seen)


def card_text(card: ScoreCard, not_observed: Sequence[str] = ()) -> str:
    """A ranking table with every indicator; indicators a crawler cannot see show "—"."""
    columns = _columns(card)
    extra = [c for c in not_observed if c not in columns]
    header = ["#", "institution", "score", "band", *columns, *extra]
    rows = [header]
    for inst in card.institutions:
        rows.append(
            [
                str(inst.rank),
                inst.code,
                _fmt(inst.score),
                inst.band,
                *(_fmt(inst.dimensions.get(c)) for c in columns),
                *("—" for _ in extra),
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        f"{card.methodology} {card.methodology_version} — scale 0–{_fmt(card.scale_max)}",
        f"national: {_fmt(card.national_score)}"
        + (f" ({card.national_band})" if card.national_band else ""),
        f"rules sha256: {card.rules_hash}",
        "",
    ]
    for r in rows:
        cells = [
            c.rjust(w) if i in (0, 2) or i >= 4 else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    if extra:
        lines.append("")
        lines.append("— not observed by a crawler: " + ", ".join(extra))
    return "\n".join(lines) + "\n"

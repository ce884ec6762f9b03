"""An earlier, hand-scored edition of the index beside this run scored the same way.

The 2021 Red Ciudadana index was scored by people on nine indicators (0–8). This run,
re-scored with the `redciudadana-2021` preset, gives seven of them from evidence; the
section shows both on the same scale and says plainly what a crawler cannot see.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from pathlib import PurePath

from odaudit.baseline import BaselineEdition
from odaudit.models import ScoreCard
from odaudit.presets.compare import COMPOSITE, BaselineRow, compare_with_baseline
from odaudit.report.changes import score_change
from odaudit.report.i18n import INDICATOR_LABELS, Formatter
from odaudit.report.model import EditionCell, EditionInfo, EditionRow
from odaudit.report.safety import plain_text
from odaudit.store.view import RunView

__all__ = ["EditionScores", "build_edition"]

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class EditionScores:
    """An earlier edition, and this run scored with the preset that reproduces its indicators."""

    edition: BaselineEdition
    card: ScoreCard


def _value(value: float | None, fmt: Formatter) -> str:
    if value is None:
        return "—"
    return fmt.number(value, 0 if float(value).is_integer() else 1)


def _cell(row: BaselineRow, fmt: Formatter) -> EditionCell:
    whole = row.delta is not None and float(row.delta).is_integer()
    change = score_change(row.delta, fmt, 0 if whole else 1)
    return EditionCell(_value(row.baseline, fmt), _value(row.computed, fmt), change)


def _group(code: str, in_run: Mapping[str, str], in_edition: Set[str]) -> int:
    return 0 if code in in_run and code in in_edition else 1 if code in in_run else 2


def _label(key: str, fallback: str, _: Gettext) -> str:
    return _(INDICATOR_LABELS[key]) if key in INDICATOR_LABELS else plain_text(fallback or key)


def build_edition(scores: EditionScores, view: RunView, _: Gettext, fmt: Formatter) -> EditionInfo:
    """Rows for every institution in the edition or in this run, on the edition's scale."""
    edition, card = scores.edition, scores.card
    rows = compare_with_baseline(card, edition)
    unseen = set(card.not_observed)
    keys = list(dict.fromkeys(r.indicator for r in rows if r.indicator != COMPOSITE))
    fallback = {r.indicator: r.label for r in rows}
    in_run = {i.code.upper(): i.code for i in view.institutions}
    in_edition = {e.institution for e in edition.entries}
    year = str(edition.year)

    by_code: dict[str, list[BaselineRow]] = {}
    # Institutions in both first (the comparison proper), then this run's only, then the rest.
    for row in sorted(
        rows, key=lambda r: (_group(r.institution, in_run, in_edition), r.institution)
    ):
        by_code.setdefault(row.institution, []).append(row)
    out: list[EditionRow] = []
    not_audited: list[str] = []
    for code, own in by_code.items():
        cells = {r.indicator: r for r in own}
        name = plain_text(own[0].name)
        status = ""
        if code not in in_run:
            status = _("no auditada en esta medición")
            not_audited.append(f"{plain_text(code)} — {name}" if name else plain_text(code))
        elif code not in in_edition:
            status = _("no evaluada en %(year)s") % {"year": year}
        empty = BaselineRow(code, name, "", "", None, None, None)
        out.append(
            EditionRow(
                code=plain_text(code),
                name=name,
                anchor="#" + in_run[code] if code in in_run else None,
                status_label=status,
                composite=_cell(cells.get(COMPOSITE, empty), fmt),
                cells=[_cell(cells.get(k, empty), fmt) for k in keys],
            )
        )
    unseen_labels = [_label(k, fallback.get(k, k), _) for k in keys if k in unseen]
    preset = plain_text(f"{card.methodology} {card.methodology_version}")
    notes = [
        _(
            "Los valores de %(year)s los asignaron personas que revisaron más que los portales "
            "de datos abiertos (sitios web, documentos y respuestas de las instituciones); los "
            "automatizados se leen solo de lo que publican las fuentes registradas, con %(preset)s."
        )
        % {"year": year, "preset": preset},
        _(
            "Un rastreador no puede observar %(names)s: quedan sin valor automatizado y el "
            "compuesto automatizado se calcula sin ellos."
        )
        % {"names": ", ".join(unseen_labels) or "—"},
        _(
            "El compuesto de %(year)s no siempre fue la media redondeada de sus indicadores: "
            "diferencias de un punto no dicen nada. Una diferencia mayor tampoco prueba por sí "
            "sola que la institución mejoró o empeoró."
        )
        % {"year": year},
    ]
    return EditionInfo(
        title=plain_text(edition.title),
        year=year,
        scale_max=fmt.number(edition.scale_max, 0),
        preset=preset,
        source=plain_text(PurePath(edition.source).name),  # not the importer's folders
        sha256=plain_text(edition.sha256),
        composite_label=_label(COMPOSITE, COMPOSITE, _),
        indicators=[(_label(k, fallback.get(k, k), _), k not in unseen) for k in keys],
        rows=out,
        not_audited=not_audited,
        not_observed=unseen_labels,
        notes=notes,
    )

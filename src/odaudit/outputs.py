"""Files a run leaves behind: the report (Markdown + HTML) and the scores CSV.

Read from the store only; every file is written atomically so a reader never
sees half a report.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from odaudit.export import export_csv
from odaudit.fileio import atomic_write_text
from odaudit.store import Store
from odaudit.store.view import RunView

if TYPE_CHECKING:
    from odaudit.report import EditionScores

__all__ = ["REDCIUDADANA_EDITION", "write_run_outputs"]

#: The earlier edition the report shows beside the run, when the store holds it.
REDCIUDADANA_EDITION = "redciudadana-2021"


def _previous(store: Store, run_id: int, compare_with: int | RunView | None) -> RunView | None:
    if isinstance(compare_with, RunView):
        return compare_with
    other = compare_with if compare_with is not None else store.previous_run_id(run_id)
    if other is None:
        return None
    # the report compares findings (by place, rule and severity), datasets, coverage and
    # scores: not the earlier probes, nor the findings' evidence
    return store.load_run(other, table_details=False, with_probes=False, with_evidence=False)


def _edition(store: Store, view: RunView) -> EditionScores | None:
    """The imported 2021 edition and this run scored with its preset (pure, no network)."""
    editions = [e for e in store.load_baselines() if e.edition == REDCIUDADANA_EDITION]
    if not editions:
        return None
    from odaudit.presets import load_preset, score_preset
    from odaudit.report import EditionScores

    card = score_preset(view, load_preset(REDCIUDADANA_EDITION))
    return EditionScores(editions[-1], card)


def write_run_outputs(
    store: Store,
    run_id: int,
    out_dir: Path,
    *,
    lang: str = "es",
    compare_with: int | RunView | None = None,
    compare: bool = True,
    view: RunView | None = None,
) -> list[Path]:
    """Render index.md, index.html and scores.csv for a stored run into `out_dir`.

    The report shows what changed since `compare_with` (a run id in `store`, or a run
    loaded from elsewhere), by default since the latest complete run before `run_id`;
    `compare=False` leaves changes out. When the store holds the imported 2021 Red
    Ciudadana edition, the report shows it beside this run scored with that preset.
    `view` is the run already in memory (as `audit` returns it), saving a second read of
    the store; it is used only when it is that run and carries its scorecard.
    """
    from odaudit.checks import all_rules
    from odaudit.report import write_report

    if view is None or view.manifest.run_id != run_id or view.scorecard is None:
        view = store.load_run(run_id, table_details=False)
    history = {code: points for code, points in store.history(run_id).items() if len(points) > 1}
    previous = _previous(store, run_id, compare_with) if compare else None
    written = list(
        write_report(
            view,
            all_rules(),
            out_dir,
            lang=lang,
            history=history or None,
            previous=previous,
            edition=_edition(store, view),
        )
    )
    buffer = io.StringIO()
    export_csv(view, "institution", buffer)
    written.append(atomic_write_text(out_dir / "scores.csv", buffer.getvalue()))
    return written

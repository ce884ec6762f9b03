"""Files a run leaves behind: the report (Markdown + HTML) and the scores CSV.

Read from the store only; every file is written atomically so a reader never
sees half a report.
"""

from __future__ import annotations

import io
from pathlib import Path

from odaudit.export import export_csv
from odaudit.fileio import atomic_write_text
from odaudit.store import Store

__all__ = ["write_run_outputs"]


def write_run_outputs(store: Store, run_id: int, out_dir: Path, *, lang: str = "es") -> list[Path]:
    """Render index.md, index.html and scores.csv for a stored run into `out_dir`."""
    from odaudit.checks import all_rules
    from odaudit.report import write_report

    view = store.load_run(run_id)
    history = {code: points for code, points in store.history(run_id).items() if len(points) > 1}
    written = list(write_report(view, all_rules(), out_dir, lang=lang, history=history or None))
    buffer = io.StringIO()
    export_csv(view, "institution", buffer)
    written.append(atomic_write_text(out_dir / "scores.csv", buffer.getvalue()))
    return written

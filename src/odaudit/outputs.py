"""Files a run leaves behind: the report (Markdown + HTML) and the scores CSV.

Read from the store only; every file is written atomically so a reader never
sees half a report.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from odaudit.export import export_csv
from odaudit.store import Store

__all__ = ["atomic_write_text", "write_run_outputs"]


def atomic_write_text(path: Path, text: str) -> Path:
    """Write `text` to `path` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_run_outputs(store: Store, run_id: int, out_dir: Path, *, lang: str = "es") -> list[Path]:
    """Render index.md, index.html and scores.csv for a stored run into `out_dir`."""
    from odaudit.checks import all_rules
    from odaudit.report import write_report

    view = store.load_run(run_id)
    written = list(write_report(view, all_rules(), out_dir, lang=lang))
    buffer = io.StringIO()
    export_csv(view, "institution", buffer)
    written.append(atomic_write_text(out_dir / "scores.csv", buffer.getvalue()))
    return written

"""`odaudit report`: re-render Markdown and HTML from a stored run, without the network."""

from __future__ import annotations

from pathlib import Path

import typer

from odaudit.cli.common import err
from odaudit.cli.run_cmd import LANG
from odaudit.models import ExitCode


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        store: Path = typer.Option(..., "--store", "-s", help="SQLite store written by a run."),
        run: str | None = typer.Option(
            None, "--run", help="Run id [default: the latest complete run]."
        ),
        out_dir: Path | None = typer.Option(
            None, "--out", "-o", help="Output folder [default: the store's folder]."
        ),
        lang: str = LANG,
    ) -> None:
        """Render index.md, index.html and scores.csv from a stored run."""
        from odaudit.outputs import write_run_outputs
        from odaudit.store import Store, StoreError

        if lang not in ("es", "en"):
            err.print(f"[bold red]error:[/] --lang must be es or en, not {lang!r}")
            raise typer.Exit(int(ExitCode.USAGE))
        try:
            with Store.open(store, create=False) as st:
                run_id = st.resolve_run(run)
                written = write_run_outputs(st, run_id, out_dir or store.parent, lang=lang)
        except (StoreError, ValueError) as exc:
            err.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(int(ExitCode.USAGE)) from None
        err.print(f"run {run_id}: wrote {', '.join(str(p) for p in written)}", highlight=False)

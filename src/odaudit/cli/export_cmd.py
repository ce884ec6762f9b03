"""`odaudit export`: scores and findings as CSV for researchers."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import typer

from odaudit.cli.common import err
from odaudit.models import ExitCode


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export(
        store: Path = typer.Option(..., "--store", "-s", help="SQLite store written by a run."),
        fmt: str = typer.Option("csv", "--format", "-f", help="Export format: csv."),
        level: str = typer.Option(
            "institution", "--level", "-l", help="institution, dataset, dimension or finding."
        ),
        run: str | None = typer.Option(
            None, "--run", help="Run id [default: the latest complete run]."
        ),
        output: Path | None = typer.Option(
            None, "--out", "-o", help="File [default: standard output]."
        ),
    ) -> None:
        """Write one row per institution, dataset, dimension score or finding (UTF-8 CSV)."""
        from odaudit.export import LEVELS, export_csv
        from odaudit.outputs import atomic_write_text
        from odaudit.store import Store, StoreError

        if fmt != "csv":
            err.print(f"[bold red]error:[/] --format must be csv, not {fmt!r}")
            raise typer.Exit(int(ExitCode.USAGE))
        if level not in LEVELS:
            err.print(
                f"[bold red]error:[/] --level must be one of {', '.join(LEVELS)}, not {level!r}"
            )
            raise typer.Exit(int(ExitCode.USAGE))
        try:
            with Store.open(store, create=False) as st:
                view = st.load_run(st.resolve_run(run))
            buffer = io.StringIO()
            export_csv(view, level, buffer)
        except (StoreError, ValueError) as exc:
            err.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(int(ExitCode.USAGE)) from None
        if output is None:
            sys.stdout.write(buffer.getvalue())
        else:
            atomic_write_text(output, buffer.getvalue())
            err.print(f"wrote {output}")

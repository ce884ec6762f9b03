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
        fmt: str = typer.Option(
            "csv", "--format", "-f", help="csv, json, or datapackage (a folder: needs --out)."
        ),
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
        """Export scores: CSV (one row per institution, dataset, dimension score or finding),
        the whole run as JSON, or a Frictionless Data Package (CSV files + datapackage.json)."""
        from odaudit.export import LEVELS, export_csv, export_datapackage, export_json
        from odaudit.fileio import atomic_write_text
        from odaudit.store import Store, StoreError

        if fmt not in ("csv", "json", "datapackage"):
            err.print(f"[bold red]error:[/] --format must be csv, json or datapackage, not {fmt!r}")
            raise typer.Exit(int(ExitCode.USAGE))
        if fmt == "datapackage" and output is None:
            err.print("[bold red]error:[/] --format datapackage writes a folder: give --out DIR")
            raise typer.Exit(int(ExitCode.USAGE))
        if level not in LEVELS:
            err.print(
                f"[bold red]error:[/] --level must be one of {', '.join(LEVELS)}, not {level!r}"
            )
            raise typer.Exit(int(ExitCode.USAGE))
        try:
            with Store.open(store, create=False) as st:
                view = st.load_run(st.resolve_run(run))
            if fmt == "datapackage":
                assert output is not None
                path = export_datapackage(view, output)
                err.print(f"wrote {path}")
                return
            if fmt == "json":
                text = export_json(view) + "\n"
            else:
                buffer = io.StringIO()
                export_csv(view, level, buffer)
                text = buffer.getvalue()
        except (StoreError, ValueError) as exc:
            err.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(int(ExitCode.USAGE)) from None
        if output is None:
            sys.stdout.write(text)
        else:
            atomic_write_text(output, text)
            err.print(f"wrote {output}")

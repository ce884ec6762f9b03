"""`odaudit baseline import|list`: earlier, hand-scored editions of the index."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from odaudit.cli.common import err, out
from odaudit.models import ExitCode


def register(app: typer.Typer) -> None:
    baseline = typer.Typer(
        help="Earlier editions of the index scored outside odaudit.", no_args_is_help=True
    )
    app.add_typer(baseline, name="baseline")

    @baseline.command("import")
    def import_(
        path: Path = typer.Argument(..., help="Red Ciudadana SistemaRanking datosabiertos.json."),
        store: Path = typer.Option(
            ..., "--store", "-s", help="Store to import into (created if missing)."
        ),
        kind: str = typer.Option("redciudadana-2021", "--kind", help="Format of the file."),
    ) -> None:
        """Import the hand-scored 2021 Red Ciudadana index as an earlier edition."""
        from odaudit.baseline import BaselineError, load_redciudadana
        from odaudit.store import Store

        if kind != "redciudadana-2021":
            err.print("[bold red]error:[/] --kind must be redciudadana-2021")
            raise typer.Exit(int(ExitCode.USAGE))
        try:
            edition = load_redciudadana(path)
        except (OSError, BaselineError) as exc:
            err.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(int(ExitCode.USAGE)) from None
        with Store.open(store) as st:
            st.save_baseline(edition)
        err.print(
            f"imported {edition.edition}: {len(edition.institutions())} institutions, "
            f"{len(edition.entries)} values into {store}",
            highlight=False,
        )

    @baseline.command("list")
    def list_(store: Path = typer.Option(..., "--store", "-s", help="Store to read.")) -> None:
        """List the imported editions."""
        from odaudit.store import Store, StoreError

        try:
            with Store.open(store, create=False) as st:
                editions = st.load_baselines()
        except StoreError as exc:
            err.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(int(ExitCode.USAGE)) from None
        table = Table("Edición", "Año", "Escala", "Instituciones", "Fuente")
        for e in editions:
            table.add_row(
                e.edition, str(e.year), f"0–{e.scale_max:g}", str(len(e.institutions())), e.source
            )
        out.print(table)

"""`odaudit diff RUN_A RUN_B`: what changed between two stored runs."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from odaudit.cli.common import err, load_run_ref, out
from odaudit.models import ExitCode


def register(app: typer.Typer) -> None:
    @app.command("diff")
    def diff(
        run_a: str = typer.Argument(
            ..., help="Earlier run: id in --store, a store path, or PATH#ID."
        ),
        run_b: str = typer.Argument(
            ..., help="Later run: id in --store, a store path, or PATH#ID."
        ),
        store: Path | None = typer.Option(None, "--store", "-s", help="Store holding the run ids."),
        fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    ) -> None:
        """Print score changes, new and fixed findings, datasets added and removed."""
        from odaudit.compare import diff_runs

        if fmt not in ("text", "json"):
            err.print("[bold red]error:[/] --format must be text or json")
            raise typer.Exit(int(ExitCode.USAGE))
        d = diff_runs(load_run_ref(run_a, store), load_run_ref(run_b, store))
        if fmt == "json":
            data = asdict(d)
            for key in ("new_findings", "fixed_findings"):
                for f in data[key]:
                    f["severity"] = str(f["severity"])
            out.file.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            return
        nd = d.national_delta
        out.print(
            f"national {d.national_before} → {d.national_after}"
            f" ({'—' if nd is None else f'{nd:+.1f}'})",
            highlight=False,
        )
        table = Table("Institución", "Antes", "Ahora", "Cambio", "Nuevos", "Corregidos")
        for ch in d.institutions:
            table.add_row(
                ch.code,
                "—" if ch.before is None else f"{ch.before:.1f}",
                "—" if ch.after is None else f"{ch.after:.1f}",
                "—" if ch.delta is None else f"{ch.delta:+.1f}",
                str(ch.new_findings),
                str(ch.fixed_findings),
            )
        out.print(table)
        for label, items in (("new", d.new_findings), ("fixed", d.fixed_findings)):
            for f in items:
                out.print(
                    f"{label:5} {f.severity.value:7} {f.code} {f.institution} {f.message}",
                    markup=False,
                    highlight=False,
                )
        for inst, title in d.datasets_added:
            out.print(f"+ dataset {inst}: {title}", markup=False, highlight=False)
        for inst, title in d.datasets_removed:
            out.print(f"- dataset {inst}: {title}", markup=False, highlight=False)
        for loss in d.key_datasets_lost:
            out.print(
                f"! key dataset {loss.institution}: {loss.title} {loss.before} → {loss.after}",
                markup=False,
                highlight=False,
            )

"""`odaudit check`: the CI gate. Compares a run with a baseline; exit 1 on regressions."""

from __future__ import annotations

from pathlib import Path

import typer

from odaudit.cli.common import err, load_run_ref, out
from odaudit.cli.run_cmd import severity_or_exit
from odaudit.models import ExitCode


def _first_run(store: Path, run_id: int) -> bool:
    from odaudit.store import Store

    with Store.open(store, create=False) as st:
        return st.previous_run_id(run_id) is None


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        store: Path = typer.Option(..., "--store", "-s", help="Store of the current run."),
        run: str | None = typer.Option(
            None, "--run", help="Current run id [default: latest complete]."
        ),
        baseline: str | None = typer.Option(
            None,
            "--baseline",
            "-b",
            help="Baseline: a run id in --store, 'previous' (the complete run before the current "
            "one), another store's path, or PATH#ID.",
        ),
        min_score: float | None = typer.Option(None, "--min-score", help="Minimum national score."),
        min_institution: float | None = typer.Option(
            None, "--min-institution-score", help="Minimum score of every institution."
        ),
        max_drop: float | None = typer.Option(
            5.0, "--max-drop", help="Largest allowed drop in points (national or any institution)."
        ),
        fail_on_new: str = typer.Option(
            "error",
            "--fail-on-new",
            help="Fail on new findings at or above: error, warning, info, none.",
        ),
        allow_lost_key_datasets: bool = typer.Option(
            False, "--allow-lost-key-datasets", help="Do not fail when a key dataset disappears."
        ),
        fmt: str = typer.Option(
            "text", "--format", "-f", help="text, json, junit, github or markdown."
        ),
        output: Path | None = typer.Option(None, "--out", "-o", help="Write the verdict here too."),
        exit_zero: bool = typer.Option(False, "--exit-zero", help="Report only: always exit 0."),
    ) -> None:
        """Fail (exit 1) when the run breaches thresholds or regresses against the baseline."""
        from odaudit.compare import Gate, diff_runs, evaluate_gate
        from odaudit.fileio import atomic_write_text
        from odaudit.gate_output import FORMATS, render_gate

        if fmt not in FORMATS:
            err.print(f"[bold red]error:[/] --format must be one of {', '.join(FORMATS)}")
            raise typer.Exit(int(ExitCode.USAGE))
        new_sev = None if fail_on_new.lower() == "none" else severity_or_exit(fail_on_new)
        current = load_run_ref(run, store)
        diff = None
        if baseline == "previous" and _first_run(store, current.manifest.run_id):
            err.print("no complete run before this one: checking thresholds only")
        elif baseline is not None:
            base = load_run_ref(baseline, store, before=current.manifest.run_id)
            diff = diff_runs(base, current)
        gate = Gate(
            min_national=min_score,
            min_institution=min_institution,
            max_drop=max_drop,
            fail_on_new=new_sev,
            fail_on_lost_key_datasets=not allow_lost_key_datasets,
        )
        breaches = evaluate_gate(current, diff, gate)
        text = render_gate(fmt, breaches, diff, current.manifest.run_id)
        out.file.write(text + "\n")
        if output is not None:
            atomic_write_text(output, text + "\n")
        raise typer.Exit(int(ExitCode.THRESHOLD if breaches and not exit_zero else ExitCode.OK))

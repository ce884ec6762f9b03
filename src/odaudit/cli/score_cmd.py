"""`odaudit score`: re-score a stored run with a preset or a methodology, without the network."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from odaudit.cli.common import err
from odaudit.models import ExitCode


def register(app: typer.Typer) -> None:
    @app.command("score")
    def score(
        store: Path = typer.Option(..., "--store", "-s", help="SQLite store written by a run."),
        rules: str = typer.Option(
            ...,
            "--rules",
            "-r",
            help="A bundled preset (mqa, five-stars, godi-2015, redciudadana-2021), a preset "
            "file, or a methodology file such as rules/default.yaml.",
        ),
        run: str | None = typer.Option(
            None, "--run", help="Run id [default: the latest complete run]."
        ),
        fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
        save: bool = typer.Option(
            True, "--save/--no-save", help="Store the scorecard with its rules hash and version."
        ),
    ) -> None:
        """Score a stored run the way another index scores it (same output every time)."""
        from odaudit.config import ConfigError, format_problems
        from odaudit.presets import Preset, load_rules, not_observed, score_with
        from odaudit.presets.render import card_json, card_text
        from odaudit.store import Store, StoreError

        if fmt not in ("text", "json"):
            err.print(f"[bold red]error:[/] --format must be text or json, not {fmt!r}")
            raise typer.Exit(int(ExitCode.USAGE))
        try:
            loaded = load_rules(rules)
        except ConfigError as exc:
            err.print(f"[bold red]error:[/] {rules} is not a valid preset or methodology:")
            err.print(format_problems(exc.problems), markup=False, highlight=False)
            raise typer.Exit(int(ExitCode.USAGE)) from None
        try:
            with Store.open(store, create=False) as st:
                run_id = st.resolve_run(run)
                card = score_with(st.load_run(run_id, with_scores=False), loaded)
                scorecard_id = st.save_scores(run_id, card) if save else None
        except StoreError as exc:
            err.print(f"[bold red]error:[/] {exc}")
            raise typer.Exit(int(ExitCode.USAGE)) from None
        unseen = not_observed(loaded) if isinstance(loaded, Preset) else ()
        sys.stdout.write(card_json(card) if fmt == "json" else card_text(card, unseen))
        if scorecard_id is not None:
            err.print(
                f"run {run_id}: saved scorecard {scorecard_id} ({card.methodology} "
                f"{card.methodology_version}, rules sha256 {card.rules_hash[:12]})",
                highlight=False,
                markup=False,
            )

"""`odaudit`: the entry point. Each command lives in its own module."""

from __future__ import annotations

import sys
import traceback

import typer

import odaudit
from odaudit.cli import (
    audit_cmd,
    baseline_cmd,
    check_cmd,
    demo_cmd,
    diff_cmd,
    export_cmd,
    orgs_cmd,
    report_cmd,
    rules_cmd,
    run_cmd,
    score_cmd,
    sources_cmd,
)
from odaudit.models import ExitCode

app = typer.Typer(
    name="odaudit",
    help=(
        "Audita portales de datos abiertos y calcula el Índice Nacional de Datos Abiertos.\n\n"
        "Open-data auditor: crawls CKAN, DCAT (data.json), Socrata, OpenDataSoft and HTML "
        "sources listed in institutions.yaml, checks every dataset against the rules in "
        "rules/default.yaml, keeps the evidence in SQLite and renders the index report.\n\n"
        "Exit codes: 0 done, 1 thresholds breached, 2 usage or configuration error, "
        "3 internal failure."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"odaudit {odaudit.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """odaudit: the open-data auditor."""


for module in (
    demo_cmd,
    run_cmd,
    audit_cmd,
    report_cmd,
    export_cmd,
    check_cmd,
    diff_cmd,
    baseline_cmd,
    sources_cmd,
    orgs_cmd,
    rules_cmd,
    score_cmd,
):
    module.register(app)


def main() -> None:
    """Run the CLI; any unexpected exception is exit 3 with a short trace on stderr."""
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # a bug: say so plainly, never a bare traceback and exit 1
        sys.stderr.write(f"odaudit: internal error: {type(exc).__name__}: {exc}\n")
        sys.stderr.write("".join(traceback.format_exc(limit=8)))
        sys.stderr.write("Please report this with the command you ran.\n")
        raise SystemExit(int(ExitCode.INTERNAL)) from None

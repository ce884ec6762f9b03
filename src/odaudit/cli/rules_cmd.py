"""`odaudit rules list|explain`: the rule registry, as the code defines it."""

from __future__ import annotations

import json

import typer
from rich.markdown import Markdown
from rich.table import Table

from odaudit.cli.common import err, out
from odaudit.models import ExitCode


def register(app: typer.Typer) -> None:
    rules = typer.Typer(
        help="The rule registry: codes, what each checks, parameters.", no_args_is_help=True
    )
    app.add_typer(rules, name="rules")

    @rules.command("list")
    def list_(fmt: str = typer.Option("text", "--format", "-f", help="text or json.")) -> None:
        """Every rule: code, name, dimension, default severity and weight."""
        from odaudit.checks import all_rules

        if fmt not in ("text", "json"):
            err.print("[bold red]error:[/] --format must be text or json")
            raise typer.Exit(int(ExitCode.USAGE))
        registry = all_rules()
        if fmt == "json":
            data = [
                {
                    "code": r.code,
                    "name": r.name,
                    "title": r.title,
                    "category": r.category,
                    "dimension": r.dimension,
                    "scope": r.scope,
                    "severity": r.severity.value,
                    "weight": r.weight,
                    "params": dict(r.params),
                    "summary": r.summary,
                }
                for r in registry
            ]
            out.file.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            return
        table = Table("Código", "Nombre", "Dimensión", "Severidad", "Peso", "Resumen")
        for r in registry:
            table.add_row(r.code, r.name, r.dimension, r.severity.value, f"{r.weight:g}", r.summary)
        out.print(table)

    @rules.command("explain")
    def explain(code: str = typer.Argument(..., help="A rule code, e.g. FR002.")) -> None:
        """What the rule checks, why it matters, an example and its parameters."""
        from odaudit.checks import get_rule

        try:
            rule = get_rule(code.upper())
        except KeyError:
            err.print(f"[bold red]error:[/] no rule {code!r}; see `odaudit rules list`")
            raise typer.Exit(int(ExitCode.USAGE)) from None
        out.print(f"[bold]{rule.code}[/] {rule.name} — {rule.title}")
        out.print(
            f"dimension: {rule.dimension} · scope: {rule.scope} · severity: {rule.severity.value} "
            f"· weight: {rule.weight:g}",
            highlight=False,
        )
        out.print(Markdown(rule.doc))
        if rule.params:
            out.print("parameters: " + ", ".join(f"{k}={v!r}" for k, v in rule.params.items()))

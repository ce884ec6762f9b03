"""`odaudit sources check|detect`: do the configured sources answer, and what are they?"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer
from rich.table import Table

from odaudit.cli.common import err, load_config_or_exit, out
from odaudit.cli.run_cmd import ALLOW, INSTITUTIONS
from odaudit.models import ExitCode


def register(app: typer.Typer) -> None:
    sources = typer.Typer(help="Check and identify open-data sources.", no_args_is_help=True)
    app.add_typer(sources, name="sources")

    @sources.command("check")
    def check(
        institution: str | None = typer.Argument(None, help="Only this institution code."),
        institutions: Path = INSTITUTIONS,
        fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
        allow_origin: list[str] = ALLOW,
    ) -> None:
        """Per source: did it answer, what kind is it, how many datasets and resources, why not."""
        from odaudit.sources import check_sources

        if fmt not in ("text", "json"):
            err.print("[bold red]error:[/] --format must be text or json")
            raise typer.Exit(int(ExitCode.USAGE))
        config, _ = load_config_or_exit(institutions, None, allow_origin)
        if institution and not any(
            i.code.upper() == institution.upper() for i in config.institutions
        ):
            err.print(f"[bold red]error:[/] no institution {institution!r} in {institutions}")
            raise typer.Exit(int(ExitCode.USAGE))
        results = check_sources(config, [institution] if institution else None)
        if fmt == "json":
            out.file.write(
                json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=2) + "\n"
            )
            return
        table = Table("Institución", "Tipo", "URL", "Estado", "Conjuntos", "Recursos", "Error")
        for r in results:
            style = {"ok": "green", "blocked": "yellow"}.get(r.status, "red")
            table.add_row(
                r.institution,
                r.type,
                r.url,
                f"[{style}]{r.status}[/]",
                str(r.datasets),
                str(r.resources),
                r.error,
            )
        out.print(table)

    @sources.command("detect")
    def detect(
        url: str = typer.Argument(..., help="A portal or page URL."),
        allow_origin: list[str] = ALLOW,
    ) -> None:
        """Guess the portal kind of URL: ckan, dcat, socrata, opendatasoft or html."""
        from odaudit.config import AuditConfig, CrawlSettings
        from odaudit.sources import detect_source

        config = AuditConfig(
            institutions=[],
            allow_origins=list(allow_origin),
            crawl=CrawlSettings(),
            path=Path("-"),
            sha256="",
        )
        kind = detect_source(url, config)
        if kind is None:
            err.print(f"could not tell what {url} is")
            raise typer.Exit(int(ExitCode.THRESHOLD))
        out.print(kind, highlight=False)

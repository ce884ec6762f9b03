"""`odaudit sources orgs URL`: a CKAN portal's organizations, to fill `organization:`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from odaudit.cli.common import err, fail, out
from odaudit.cli.run_cmd import ALLOW
from odaudit.models import ExitCode, Institution
from odaudit.portals.ckan import OrgInfo, OrgMapping

_FORMATS = ("text", "json")


def _sources_group(app: typer.Typer) -> typer.Typer:
    """The `sources` sub-app registered by sources_cmd, or a new one."""
    for info in app.registered_groups:
        if info.name == "sources" and info.typer_instance is not None:
            return info.typer_instance
    sources = typer.Typer(help="Check and identify open-data sources.", no_args_is_help=True)
    app.add_typer(sources, name="sources")
    return sources


async def _fetch_orgs(url: str, allow_origins: list[str]) -> list[OrgInfo]:
    from odaudit.config import CrawlSettings
    from odaudit.http import AddressPolicy, Fetcher
    from odaudit.portals.ckan import list_organizations

    async with Fetcher(CrawlSettings(), AddressPolicy(allow_origins)) as fetcher:
        return await list_organizations(url, fetcher)


def _load_institutions(path: Path) -> list[Institution]:
    from odaudit.config import ConfigError, format_problems, load_institutions

    try:
        return list(load_institutions(path).institutions)
    except ConfigError as exc:
        err.print(f"[bold red]configuration error[/] ({len(exc.problems)} problems):")
        err.print(format_problems(exc.problems), markup=False, highlight=False)
        raise typer.Exit(int(ExitCode.USAGE)) from None


def _as_json(url: str, mapping: OrgMapping, with_institutions: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "portal": url,
        "organizations": [
            {
                "name": m.org.name,
                "title": m.org.title,
                "package_count": m.org.package_count,
                **({"institution": m.institution, "match": m.how} if with_institutions else {}),
            }
            for m in mapping.matches
        ],
    }
    if with_institutions:
        data["institutions_without_organization"] = [
            {"code": i.code, "name": i.name} for i in mapping.unmatched
        ]
    return data


def _print_text(mapping: OrgMapping, with_institutions: bool) -> None:
    columns = ["Organización", "Título", "Conjuntos"]
    table = Table(*columns, *(["Institución", "Coincidencia"] if with_institutions else []))
    for m in mapping.matches:
        count = "?" if m.org.package_count is None else str(m.org.package_count)
        cells = [m.org.name, m.org.title, count]  # portal text: never read as markup
        cells += [m.institution or "", m.how] if with_institutions else []
        table.add_row(*(Text(c) for c in cells))
    out.print(table)
    if with_institutions and mapping.unmatched:
        out.print(f"Instituciones sin organización en el portal ({len(mapping.unmatched)}):")
        for inst in mapping.unmatched:
            out.print(f"  {inst.code}  {inst.name}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add `orgs` to the `sources` group (register after sources_cmd)."""
    sources = _sources_group(app)

    @sources.command("orgs")
    def orgs(
        url: str = typer.Argument(..., help="A CKAN portal (or one organization's page) URL."),
        institutions: Path | None = typer.Option(
            None, "--institutions", "-i", help="Map organizations to these institutions."
        ),
        fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
        allow_origin: list[str] = ALLOW,
    ) -> None:
        """List a CKAN portal's organizations with their dataset counts and, given
        institutions.yaml, the institution each seems to be and the institutions left over."""
        from odaudit.portals import PortalError
        from odaudit.portals.ckan import match_organizations

        if fmt not in _FORMATS:
            raise fail("--format must be text or json")
        insts = _load_institutions(institutions) if institutions is not None else []
        try:
            found = asyncio.run(_fetch_orgs(url, list(allow_origin)))
        except PortalError as exc:
            err.print(f"[bold red]error:[/] {url}: {exc.kind}: {exc.message}", highlight=False)
            raise typer.Exit(int(ExitCode.THRESHOLD)) from None
        mapping = match_organizations(found, insts, url)
        with_institutions = institutions is not None
        if fmt == "json":
            data = _as_json(url, mapping, with_institutions)
            out.file.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            return
        _print_text(mapping, with_institutions)

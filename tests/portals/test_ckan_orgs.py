"""CKAN organizations: `organization_list` paging, `organization_show`, failures, mapping
to institutions and the `odaudit sources orgs` command, against a local server.

The organization_list / organization_show bodies are synthetic (no real capture exists):
they follow the CKAN 2.10 answer shape; see tests/fixtures/portals/SOURCES.md.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import typer
from tests.portals.conftest import PortalServer, Reply, fixture_bytes, make_fetcher
from typer.testing import CliRunner

from odaudit.cli import orgs_cmd, sources_cmd
from odaudit.models import Institution, Source
from odaudit.portals import DiscoveryReport, PortalError
from odaudit.portals.ckan import OrgInfo, list_organizations, match_organizations

LIST = "/api/3/action/organization_list"
SHOW = "/api/3/action/organization_show"
PAGE1 = "synthetic_ckan-2.10_organization_list_all-fields_page1.json"
PAGE2 = "synthetic_ckan-2.10_organization_list_all-fields_page2.json"
SHOW_MINFIN = "synthetic_ckan-2.10_organization_show_minfin.json"
HTML_ERROR = b"<!DOCTYPE html><html><head><title>Mantenimiento</title></head><body>Sitio en mantenimiento</body></html>"


def _all_orgs() -> list[dict[str, Any]]:
    return [
        *json.loads(fixture_bytes(PAGE1))["result"],
        *json.loads(fixture_bytes(PAGE2))["result"],
    ]


def _envelope(result: Any) -> Reply:
    return Reply(200, json.dumps({"success": True, "result": result}).encode())


def by_offset(cap: int = 25) -> Any:
    """An organization_list that honours limit/offset but never serves more than `cap`."""
    orgs = _all_orgs()

    def handler(query: dict[str, str]) -> Reply:
        start, limit = int(query.get("offset", "0")), int(query.get("limit", "1000"))
        return _envelope(orgs[start : start + min(limit, cap)])

    return handler


def orgs_of(portal: PortalServer, url: str = "", report: DiscoveryReport | None = None) -> Any:
    async def run() -> list[OrgInfo]:
        async with make_fetcher(portal.base_url) as fetcher:
            return await list_organizations(url or portal.base_url + "/", fetcher, report)

    return asyncio.run(run())


def test_pages_through_the_all_fields_list(portal: PortalServer) -> None:
    pages = {0: PAGE1, 25: PAGE2}
    portal.route(
        LIST,
        lambda q: (
            Reply(200, fixture_bytes(pages[int(q["offset"])]))
            if int(q["offset"]) in pages
            else _envelope([])
        ),
    )
    report = DiscoveryReport()
    orgs = orgs_of(portal, report=report)
    assert len(orgs) == 27 and [o.name for o in orgs] == sorted(o.name for o in orgs)
    minfin = next(o for o in orgs if o.name == "minfin")
    assert (minfin.title, minfin.package_count) == ("Ministerio de Finanzas Públicas", 128)
    assert next(o for o in orgs if o.name == "conred-regional").title.startswith("Coordinadora")
    calls = portal.calls(LIST)
    assert [c["offset"] for c in calls] == ["0", "25", "27"]
    assert all(c["all_fields"] == "true" and c["limit"] == "25" for c in calls)
    assert report.pages == 3 and not portal.calls(SHOW)


def test_a_lower_cap_than_asked_still_reads_everything(portal: PortalServer) -> None:
    portal.route(LIST, by_offset(cap=10))
    assert len(orgs_of(portal)) == 27
    assert [c["offset"] for c in portal.calls(LIST)] == ["0", "10", "20", "27"]


def test_a_portal_ignoring_offset_is_read_once(portal: PortalServer) -> None:
    portal.serve_file(LIST, PAGE1)
    assert len(orgs_of(portal)) == 25
    assert len(portal.calls(LIST)) == 2


def test_an_organization_url_reads_only_that_one(portal: PortalServer) -> None:
    portal.serve_file(SHOW, SHOW_MINFIN)
    [org] = orgs_of(portal, portal.base_url + "/organization/minfin")
    assert (org.name, org.package_count) == ("minfin", 128)
    assert portal.calls(SHOW) == [{"id": "minfin", "include_datasets": "false"}]
    assert not portal.calls(LIST)


def test_bare_names_are_completed_with_organization_show(portal: PortalServer) -> None:
    portal.route(LIST, lambda q: _envelope(["minfin", "ine"] if q.get("offset") == "0" else []))
    shows = {o["name"]: o for o in _all_orgs()}
    portal.route(SHOW, lambda q: _envelope(shows[q["id"]]))
    orgs = orgs_of(portal)
    assert [(o.name, o.package_count) for o in orgs] == [("ine", 212), ("minfin", 128)]
    assert sorted(q["id"] for q in portal.calls(SHOW)) == ["ine", "minfin"]


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(403, b"<html><body>403 Forbidden</body></html>", "text/html"), "blocked"),
        (Reply(200, HTML_ERROR, "text/html"), "not_json"),
        (Reply(404, HTML_ERROR, "text/html"), "http_error"),
        (Reply(200, b'{"success": false, "error": {"message": "Access denied"}}'), "http_error"),
        (Reply(200, b'{"hello": "world"}'), "not_catalog"),
    ],
)
def test_refusals_and_html_errors_are_portal_errors(
    portal: PortalServer, reply: Reply, kind: str
) -> None:
    portal.route(LIST, reply)
    with pytest.raises(PortalError) as caught:
        orgs_of(portal)
    assert caught.value.kind == kind


def test_a_broken_later_page_keeps_the_first(portal: PortalServer) -> None:
    portal.route(
        LIST,
        lambda q: (
            Reply(200, fixture_bytes(PAGE1))
            if q["offset"] == "0"
            else Reply(502, HTML_ERROR, "text/html")
        ),
    )
    report = DiscoveryReport()
    assert len(orgs_of(portal, report=report)) == 25
    assert [p.kind for p in report.problems] == ["http_error"]


# --------------------------------------------------------------------------- mapping

PORTAL = "https://datos.example.gob.gt"
INSTITUTIONS = [
    Institution(
        "MINFIN",
        "Ministerio de Finanzas Públicas",
        sources=(Source(type="ckan", url=PORTAL + "/", organization="minfin"),),
    ),
    Institution("MINEDUC", "Ministerio de Educación"),
    Institution("MSPAS", "Ministerio de Salud Pública y Asistencia Social"),
    Institution("MEM", "Ministerio de Energía y Minas"),
    Institution("MAGA", "Ministerio de Agricultura, Ganadería y Alimentación"),
    Institution("INSIVUMEH", "Instituto Nacional de Sismología, Vulcanología, Meteorología"),
    Institution("SE-CONRED", "Secretaría Ejecutiva de la Coordinadora Nacional"),
    Institution("SAT", "Superintendencia de Administración Tributaria"),
    Institution("MINECO", "Ministerio de Economía"),
]


def _orgs() -> list[OrgInfo]:
    return [OrgInfo(o["name"], o["title"].strip(), o["package_count"]) for o in _all_orgs()]


def test_organizations_are_mapped_to_institutions() -> None:
    mapping = match_organizations(_orgs(), INSTITUTIONS, PORTAL + "/api/3/action")
    got = {m.org.name: (m.institution, m.how) for m in mapping.matches if m.institution}
    assert got == {
        "minfin": ("MINFIN", "configured"),
        "mineduc": ("MINEDUC", "code"),
        "mspas": ("MSPAS", "code"),
        "insivumeh": ("INSIVUMEH", "code"),
        "se-conred": ("SE-CONRED", "code"),
        "maga": ("MAGA", "code"),
        "ministerio-de-energia-y-minas": ("MEM", "name"),
    }
    assert [i.code for i in mapping.unmatched] == ["SAT", "MINECO"]


def test_name_matching_ignores_accents_and_case_and_needs_every_word() -> None:
    orgs = [
        OrgInfo("salud", "MINISTERIO DE SALUD PUBLICA Y ASISTENCIA SOCIAL"),
        OrgInfo("economia-y-finanzas", "Economía"),
    ]
    mapping = match_organizations(orgs, INSTITUTIONS)
    assert [(m.institution, m.how) for m in mapping.matches] == [("MSPAS", "name"), (None, "")]


def test_configured_organization_on_another_portal_does_not_count() -> None:
    mapping = match_organizations([OrgInfo("minfin", "")], INSTITUTIONS, "https://otro.gob.gt")
    assert mapping.matches[0].how == "code"


# --------------------------------------------------------------------------- command


def _app() -> typer.Typer:
    app = typer.Typer()
    sources_cmd.register(app)
    orgs_cmd.register(app)
    return app


def _cli(portal: PortalServer, *args: str) -> Any:
    return CliRunner().invoke(
        _app(),
        ["sources", "orgs", portal.base_url + "/", "--allow-origin", portal.base_url, *args],
    )


def test_command_json_maps_and_lists_leftover_institutions(
    portal: PortalServer, tmp_path: Any
) -> None:
    portal.route(LIST, by_offset())
    path = tmp_path / "institutions.yaml"
    path.write_text(
        "institutions:\n"
        "  - code: MSPAS\n    name: Ministerio de Salud Pública y Asistencia Social\n"
        "    sources: []\n"
        "  - code: SAT\n    name: Superintendencia de Administración Tributaria\n"
        "    sources: []\n",
        "utf-8",
    )
    result = _cli(portal, "--institutions", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["organizations"]) == 27
    mspas = next(o for o in data["organizations"] if o["name"] == "mspas")
    assert mspas == {
        "name": "mspas",
        "title": "Ministerio de Salud Pública y Asistencia Social",
        "package_count": 44,
        "institution": "MSPAS",
        "match": "code",
    }
    assert data["institutions_without_organization"] == [
        {"code": "SAT", "name": "Superintendencia de Administración Tributaria"}
    ]


def test_command_text_lists_counts(portal: PortalServer) -> None:
    portal.route(LIST, by_offset())
    result = _cli(portal)
    assert result.exit_code == 0, result.output
    assert "minfin" in result.stdout and "128" in result.stdout
    assert "Institución" not in result.stdout


def test_command_blocked_portal_exits_1(portal: PortalServer) -> None:
    portal.route(LIST, Reply(403, b"forbidden", "text/plain"))
    result = _cli(portal)
    assert result.exit_code == 1
    assert "blocked" in result.output


def test_command_bad_format_exits_2(portal: PortalServer) -> None:
    assert _cli(portal, "--format", "xml").exit_code == 2
    assert not portal.log


def test_hostile_entries_are_skipped_and_titles_are_not_markup(portal: PortalServer) -> None:
    junk: list[Any] = [
        None,
        3,
        {"name": "", "title": ""},
        {"name": "x", "title": "Equis", "package_count": "12"},
        {"name": "h", "title": "[bold red]Hackeado[/] [/nope]", "package_count": True},
    ]
    portal.route(LIST, lambda q: _envelope(junk if q["offset"] == "0" else []))
    report = DiscoveryReport()
    orgs = orgs_of(portal, report=report)
    assert [(o.name, o.package_count) for o in orgs] == [("h", None), ("x", 12)]
    assert report.skipped == {"not_an_organization": 3}
    result = _cli(portal)
    assert result.exit_code == 0, result.output
    assert "[bold red]Hackeado[/] [/nope]" in result.stdout


def test_command_registers_its_own_sources_group_when_alone(portal: PortalServer) -> None:
    app = typer.Typer()
    orgs_cmd.register(app)
    portal.route(LIST, by_offset())
    args = ["sources", "orgs", portal.base_url, "--allow-origin", portal.base_url, "-f", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["organizations"]) == 27
    assert "institutions_without_organization" not in json.loads(result.stdout)

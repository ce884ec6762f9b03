"""HTML adapter on a synthetic MINEDUC/TSE-style page (see fixtures SOURCES.md), over local HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tests.portals.conftest import PortalServer, Reply, discover, fixture_bytes, make_fetcher

from odaudit.models import Dataset, Source
from odaudit.portals import DiscoveryReport, PortalError, get_adapter
from odaudit.portals.htmlpage import parse_page

PAGE = "/estadisticas/index.html"


def site(portal: PortalServer, robots: str | None = "User-agent: *\nDisallow: /privado/\n") -> None:
    html = "text/html; charset=utf-8"
    portal.route(PAGE, Reply(200, fixture_bytes("synthetic_mineduc_estadisticas.html"), html))
    portal.route(
        "/estadisticas/anuario.html",
        Reply(200, fixture_bytes("synthetic_mineduc_anuario.html"), html),
    )
    portal.route("/privado/reportes.html", Reply(200, b"<h1>x</h1><a href='s.csv'>s</a>", html))
    if robots is not None:
        portal.route("/robots.txt", Reply(200, robots.encode(), "text/plain"))


def html_source(portal: PortalServer, **options: Any) -> Source:
    org = options.pop("organization", None)
    return Source(type="html", url=portal.base_url + PAGE, organization=org, options=options)


def by_title(datasets: list[Dataset]) -> dict[str, Dataset]:
    return {d.title: d for d in datasets}


def test_start_page_sections_become_datasets(portal: PortalServer) -> None:
    site(portal)
    datasets = discover(html_source(portal, depth=0))
    base = portal.base_url
    page = base + PAGE
    assert [(d.id, len(d.resources)) for d in datasets] == [
        (page + "#page", 1),
        (page + "#establecimientos-educativos-nivel-diversificado", 4),
        (page + "#resultados-electorales-2023", 3),
        (page + "#establecimientos-educativos-nivel-diversificado-2", 1),
    ]
    intro, schools, votes, schools2 = datasets
    assert intro.title == "Estadísticas educativas | MINEDUC"
    assert intro.description == "Portal de datos del Ministerio de Educación."
    assert intro.resources[0].url == base + "/docs/guia-de-uso.pdf"
    assert schools.title == "Establecimientos educativos nivel diversificado"
    assert schools.description.startswith("Listado de establecimientos del nivel diversificado")
    assert [r.url for r in schools.resources] == [
        base + "/estadisticas/datos/gt_mineduc_establecimientos_diversificado_ALTA-VERAPAZ.csv",
        base + "/estadisticas/datos/gt_mineduc_establecimientos_diversificado_TOTONICAPAN.csv",
        base + "/estadisticas/datos/gt_mineduc_establecimientos_diversificado_ZACAPA.csv",
        base + "/estadisticas/datos/diccionario.xlsx",
    ]
    assert [r.format for r in schools.resources] == ["CSV", "CSV", "CSV", "XLSX"]
    assert schools.resources[0].name == "Alta Verapaz (CSV)"
    assert [(r.url.rsplit("/", 1)[1], r.format, r.media_type) for r in votes.resources] == [
        ("gt_tse_resultados2023_diputados-distritales_por-mesa_e3d04_el-progreso.csv", "CSV", ""),
        ("descarga.php?id=17", "", "text/csv"),
        ("reporte.aspx?anio=2023", "", ""),
    ]
    assert votes.resources[0].name == "Descargar resultados"
    assert schools2.resources[0].format == "ODS"
    assert all(d.publisher == "MINEDUC" and d.landing_page == page for d in datasets)
    assert all(d.source_type == "html" for d in datasets)
    assert [p for p, _ in portal.log] == [PAGE]


def test_depth_one_follows_same_site_pages_and_obeys_robots(portal: PortalServer) -> None:
    site(portal)
    report = DiscoveryReport()
    datasets = discover(html_source(portal), report)
    titles = by_title(datasets)
    anuario = titles["Anuario estadístico 2022"]
    assert [r.url for r in anuario.resources] == [
        portal.base_url + "/estadisticas/datos/anuario-2022.xlsx"
    ]
    assert anuario.id == portal.base_url + "/estadisticas/anuario.html#anuario-estadistico-2022"
    assert anuario.description == "Cuadros del anuario en Excel."
    requested = [p for p, _ in portal.log]
    assert "/privado/reportes.html" not in requested
    assert "/estadisticas/mas.html" not in requested  # depth 2
    assert requested.count("/robots.txt") == 1
    assert requested.count("/estadisticas/anuario.html") == 1
    assert report.skipped == {"robots_disallowed": 1, "duplicate_link": 1}
    assert [(p.kind, p.evidence["status"]) for p in report.problems] == [("http_error", 404)]
    assert report.pages == 2


def test_max_pages_bounds_the_crawl(portal: PortalServer) -> None:
    site(portal, robots=None)
    report = DiscoveryReport()
    discover(html_source(portal, depth=5, max_pages=2), report)
    pages = [p for p, _ in portal.log if p.endswith((".html", "/"))]
    assert len(pages) == 2


def test_same_site_link_redirecting_away_is_not_followed(portal: PortalServer) -> None:
    other = portal.base_url.replace("127.0.0.1", "localhost")
    page = b"<title>T</title><a href='/go'>Anuario</a><h2>A</h2><a href='a.csv'>a</a>"
    portal.route(PAGE, Reply(200, page, "text/html"))
    portal.route("/go", Reply(302, b"", "text/html", {"Location": other + "/elsewhere.html"}))
    portal.route("/elsewhere.html", Reply(200, b"<h2>B</h2><a href='b.csv'>b</a>", "text/html"))
    report = DiscoveryReport()
    datasets = discover(html_source(portal), report, also=(other,))
    assert [d.title for d in datasets] == ["A"]
    assert report.skipped == {"off_site_redirect": 1}
    assert "/elsewhere.html" in [p for p, _ in portal.log]  # fetched, then dropped


def test_source_organization_is_the_publisher(portal: PortalServer) -> None:
    site(portal)
    datasets = discover(html_source(portal, depth=0, organization="Ministerio de Educación"))
    assert {d.publisher for d in datasets} == {"Ministerio de Educación"}


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(403, b"<html>Forbidden</html>", "text/html"), "blocked"),
        (
            Reply(200, b"<html><title>Just a moment...</title></html>", "text/html"),
            "blocked",
        ),
        (Reply(503, b"<html>down</html>", "text/html", {"cf-mitigated": "challenge"}), "blocked"),
        (Reply(500, b"<html>error</html>", "text/html"), "http_error"),
        (Reply(200, b"a,b\n1,2\n", "text/csv"), "not_catalog"),
    ],
)
def test_fatal_answers(portal: PortalServer, reply: Reply, kind: str) -> None:
    portal.route(PAGE, reply)
    with pytest.raises(PortalError) as err:
        discover(html_source(portal))
    assert err.value.kind == kind
    assert err.value.evidence["status"] == reply.status


def test_recaptcha_on_a_large_page_is_not_a_wall(portal: PortalServer) -> None:
    body = (
        b"<html><title>Datos | INE</title><script src='https://www.google.com/recaptcha/api.js'>"
        b"</script>" + b"<p>relleno</p>" * 1000 + b"<h2>Censo</h2><a href='c.xlsx'>x</a></html>"
    )
    portal.route(PAGE, Reply(200, body, "text/html"))
    datasets = discover(html_source(portal, depth=0))
    assert [d.title for d in datasets] == ["Censo"]


def test_link_text_alone_does_not_make_a_page_a_file() -> None:
    page = parse_page(
        "<a href='/datos-abiertos/'>Datos abiertos</a>"
        "<a href='/transparencia/datos.html'>Datos</a>"
        "<a href='/descargas/'>Descargas</a>"
        "<a href='/d/estadisticas'>Descargar estadísticas</a>"
        "<a href='/d/export?id=3'>Datos 2023</a>"
        "<a href='/d/archivo.bin'>Datos crudos</a>",
        "https://ine.gob.gt/",
    )
    data = [link.url for s in page.sections for link in s.links]
    assert data == [
        "https://ine.gob.gt/d/estadisticas",
        "https://ine.gob.gt/d/export?id=3",
        "https://ine.gob.gt/d/archivo.bin",
    ]
    assert page.page_links == [
        "https://ine.gob.gt/datos-abiertos/",
        "https://ine.gob.gt/transparencia/datos.html",
        "https://ine.gob.gt/descargas/",
    ]


def test_broken_markup_never_crashes() -> None:
    page = parse_page(
        "<h2>Uno<a href='x.csv'>csv</h2><p>desc<a href=javascript:alert(1)>x</a>"
        "<a href='http://[bad'>y.csv</a><a>sin href</a><h3></h3><a href='//cdn.x/z.zip'>z",
        "https://example.gt/p/",
    )
    links = [link.url for s in page.sections for link in s.links]
    assert links == ["https://example.gt/p/x.csv", "https://cdn.x/z.zip"]


def test_crawl_delay_of_the_site_slows_the_fetcher(portal: PortalServer) -> None:
    site(portal, robots="User-agent: *\nCrawl-delay: 2\nDisallow: /privado/\n")
    source = html_source(portal)

    async def main() -> tuple[int, float]:
        async with make_fetcher(source.url) as fetcher:
            adapter = get_adapter("html")
            found = [d async for d in adapter.discover(source, fetcher, DiscoveryReport())]
            return len(found), fetcher.host_state("127.0.0.1").crawl_delay

    found, delay = asyncio.run(main())
    assert found and delay == 2.0

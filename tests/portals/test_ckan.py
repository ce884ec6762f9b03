"""CKAN adapter against the real legado.dados.gov.br / DKAN / Andino captures, over HTTP."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import pytest
from tests.portals.conftest import (
    PortalServer,
    Reply,
    discover,
    fixture_bytes,
    make_fetcher,
)

from odaudit.models import Source
from odaudit.portals import DiscoveryReport, PortalError, get_adapter
from odaudit.portals.ckan import api_base, map_package, scope

SEARCH = "/api/3/action/package_search"
Q_ALL = "br_legado.dados.gov.br_package_search_q-all_rows10_2023-01-30.json"
ROWS2 = "br_legado.dados.gov.br_package_search_rows2_2023-01-30.json"
ZERO = "br_legado.dados.gov.br_package_search_invalid-org_zero-results.json"
OVERLAP_1 = (
    "br_legado.dados.gov.br_package_search_q-title-Contratos-OR-Federal_page1_2023-01-30.json"
)
OVERLAP_2 = (
    "br_legado.dados.gov.br_package_search_q-title-Contratos-OR-Federal_start3_2023-01-30.json"
)
AEB = "br_legado.dados.gov.br_package_search_organization-aeb_2023-01-30.json"
GROUP = "br_legado.dados.gov.br_group_package_show_agricultura_2023-01-30.json"
DKAN = "fr_dkan_opendata.hautsdefrance.fr_package_show_2019.json"
ANDINO = "ar_portal-andino_test-instance_package_show_2019-12-03.json"
NOT_FOUND = "br_legado.dados.gov.br_package_show_no-dataset_404.json"


def pages(by_start: dict[int, str]) -> Any:
    """A package_search that serves a fixture per `start`, and zero results past them."""

    def handler(query: dict[str, str]) -> Reply:
        name = by_start.get(int(query.get("start", "0")), ZERO)
        return Reply(200, fixture_bytes(name))

    return handler


def ckan(portal: PortalServer, **options: Any) -> Source:
    org = options.pop("organization", None)
    return Source(type="ckan", url=portal.base_url + "/", organization=org, options=options)


def test_first_page_maps_all_datasets_and_resources(portal: PortalServer) -> None:
    portal.route(SEARCH, pages({0: Q_ALL}))
    report = DiscoveryReport()
    datasets = discover(ckan(portal, rows=10), report)

    assert len(datasets) == 10
    assert sum(len(d.resources) for d in datasets) == 227
    assert Counter(d.license_id for d in datasets) == {"cc-by": 9, "other-pd": 1}
    contratos = next(d for d in datasets if d.extras.get("name") == "comprasnet-contratos")
    assert contratos.resources[1].url == ""
    assert contratos.resources[1].format == "CSV"
    # count 13786 is far above 10: the crawler asks for the next page, which is empty, and stops
    assert [q["start"] for q in portal.calls(SEARCH)] == ["0", "10"]
    assert portal.calls(SEARCH)[0]["rows"] == "10"
    assert portal.calls(SEARCH)[0]["q"] == "*:*"
    assert report.api_calls == 2 and report.pages == 2
    assert report.bytes == len(fixture_bytes(Q_ALL)) + len(fixture_bytes(ZERO))


def test_package_fields_are_mapped(portal: PortalServer) -> None:
    portal.route(SEARCH, pages({0: Q_ALL}))
    taxigov = next(
        d for d in discover(ckan(portal, rows=10)) if d.extras["name"] == "corridas-do-taxigov"
    )
    assert taxigov.id == "33520fa2-a68f-485f-8d36-9cb08633a561"
    assert taxigov.title == "Sistema de Transportes de Servidores Públicos - TaxiGov"
    assert taxigov.publisher == "Ministério da Economia - ME"
    assert taxigov.contact_name == "Coordenação-Geral de Informações Gerenciais (CGINF)"
    assert taxigov.frequency == "diária"
    assert taxigov.spatial == "DF, RJ e SP"
    assert taxigov.temporal == "a partir de 08/2019"
    assert taxigov.modified == "2023-01-29T11:15:29.195900"
    assert taxigov.issued == "2021-09-23T11:30:14.999120"
    assert taxigov.landing_page.startswith("https://www.gov.br/economia/")
    assert taxigov.extras["portal_page"] == portal.base_url + "/dataset/corridas-do-taxigov"
    assert taxigov.keywords and taxigov.license_title == "Outra (Domínio Público)"
    first = taxigov.resources[0]
    assert (first.name, first.format, first.size) == ("Dicionário de dados", "ODT", None)
    assert first.url.endswith("dicionario_taxigov.odt")


def test_overlapping_pages_are_deduplicated(portal: PortalServer) -> None:
    portal.route(SEARCH, pages({0: OVERLAP_1, 10: OVERLAP_2}))
    report = DiscoveryReport()
    datasets = discover(ckan(portal, rows=10), report)
    names = [d.extras["name"] for d in datasets]
    assert len(names) == len(set(names)) == 13
    assert report.skipped == {"duplicate": 7}


def test_rows_capped_by_portal_are_followed(portal: PortalServer) -> None:
    results = json.loads(fixture_bytes(Q_ALL))["result"]["results"]

    def capped(query: dict[str, str]) -> Reply:
        start = int(query["start"])
        body = {"success": True, "result": {"count": 10, "results": results[start : start + 3]}}
        return Reply(200, json.dumps(body).encode())

    portal.route(SEARCH, capped)
    datasets = discover(ckan(portal))  # asks for 1000, gets 3
    assert len(datasets) == 10
    assert [q["start"] for q in portal.calls(SEARCH)] == ["0", "3", "6", "9"]
    assert [q["rows"] for q in portal.calls(SEARCH)] == ["1000", "3", "3", "3"]


def test_malformed_page_in_the_middle_is_a_problem_not_the_end(portal: PortalServer) -> None:
    def handler(query: dict[str, str]) -> Reply:
        start = int(query["start"])
        if start == 10:
            return Reply(200, b'{"success": true, "result": {"count": 13786, "results": [')
        return Reply(200, fixture_bytes({0: Q_ALL, 20: ROWS2}.get(start, ZERO)))

    portal.route(SEARCH, handler)
    report = DiscoveryReport()
    datasets = discover(ckan(portal, rows=10), report)
    assert [p.kind for p in report.problems] == ["malformed"]
    assert report.problems[0].evidence["line"] == 1
    # ROWS2 holds two packages that page 1 already had: nothing new, but the crawl went on
    assert len(datasets) == 10
    assert [q["start"] for q in portal.calls(SEARCH)] == ["0", "10", "20", "22"]


def test_two_bad_pages_in_a_row_stop_the_crawl(portal: PortalServer) -> None:
    def handler(query: dict[str, str]) -> Reply:
        if query["start"] == "0":
            return Reply(200, fixture_bytes(Q_ALL))
        return Reply(500, b"<html>Internal Server Error</html>", "text/html")

    portal.route(SEARCH, handler)
    report = DiscoveryReport()
    assert len(discover(ckan(portal, rows=10), report)) == 10
    assert [p.kind for p in report.problems] == ["http_error", "http_error"]
    # the fetcher retries a 500 once; the adapter gives up after the second lost page
    assert list(dict.fromkeys(q["start"] for q in portal.calls(SEARCH))) == ["0", "10", "20"]


def test_organization_filter(portal: PortalServer) -> None:
    portal.route(SEARCH, pages({0: AEB}))
    datasets = discover(ckan(portal, organization="agencia-espacial-brasileira-aeb"))
    assert portal.calls(SEARCH)[0]["fq"] == "organization:agencia-espacial-brasileira-aeb"
    assert len(datasets) == 6
    resources = [r for d in datasets for r in d.resources]
    assert len(resources) == 18
    assert all(r.format in ("CSV", "JSON") and r.url.endswith(".zip") for r in resources)
    assert {d.license_id for d in datasets} == {"cc-by"}
    assert len(portal.calls(SEARCH)) == 1  # count 6 reached: no extra request


def test_group_package_show_list_result(portal: PortalServer) -> None:
    portal.serve_file("/api/3/action/group_package_show", GROUP)
    datasets = discover(ckan(portal, group="agricultura"))
    assert portal.calls("/api/3/action/group_package_show")[0]["id"] == "agricultura"
    assert len(datasets) == 9
    assert sum(len(d.resources) for d in datasets) == 68
    assert Counter(r.format for d in datasets for r in d.resources) == {
        "XML": 27,
        "JSON": 27,
        "HTML": 14,
    }


def test_invalid_group_404_envelope(portal: PortalServer) -> None:
    body = fixture_bytes("br_legado.dados.gov.br_group_package_show_invalid_404.json")
    portal.route("/api/3/action/group_package_show", Reply(404, body))
    with pytest.raises(PortalError) as err:
        discover(ckan(portal, group="nope"))
    assert err.value.kind == "http_error"
    assert "404" in err.value.message and "Not Found Error" in err.value.message
    assert err.value.evidence["status"] == 404


def test_success_false_with_status_200(portal: PortalServer) -> None:
    portal.route(SEARCH, Reply(200, fixture_bytes(NOT_FOUND)))
    with pytest.raises(PortalError) as err:
        discover(ckan(portal))
    assert err.value.kind == "http_error" and "Não encontrado" in err.value.message


def test_without_package_search_the_package_list_is_read(portal: PortalServer) -> None:
    portal.route(SEARCH, Reply(404, fixture_bytes(NOT_FOUND)))
    packages = json.loads(fixture_bytes(Q_ALL))["result"]["results"]

    def listing(query: dict[str, str]) -> Reply:
        offset, limit = int(query["offset"]), int(query["limit"])
        body = {"success": True, "result": packages[offset : offset + limit]}
        return Reply(200, json.dumps(body).encode())

    portal.route("/api/3/action/current_package_list_with_resources", listing)
    org = "ministerio-da-economia-me"
    datasets = discover(ckan(portal, rows=4, organization=org))
    expected = [p["id"] for p in packages if p["organization"]["name"] == org]
    assert 0 < len(expected) < 10
    assert [d.id for d in datasets] == expected
    listing_calls = portal.calls("/api/3/action/current_package_list_with_resources")
    assert [q["offset"] for q in listing_calls] == ["0", "4", "8", "10"]


def test_without_any_listing_the_search_error_is_reported(portal: PortalServer) -> None:
    portal.route(SEARCH, Reply(404, fixture_bytes(NOT_FOUND)))
    with pytest.raises(PortalError) as err:
        discover(ckan(portal))
    assert err.value.kind == "http_error"
    assert err.value.evidence["url"].startswith(portal.base_url + SEARCH)


def test_zero_results_is_not_an_error(portal: PortalServer) -> None:
    portal.serve_file(SEARCH, ZERO)
    report = DiscoveryReport()
    assert discover(ckan(portal, organization="nope"), report) == []
    assert report.problems == [] and report.api_calls == 1


def test_dkan_list_result_private_dataset_is_skipped(portal: PortalServer) -> None:
    portal.serve_file(SEARCH, DKAN)
    report = DiscoveryReport()
    assert discover(ckan(portal), report) == []
    assert report.skipped == {"private": 1}


def test_dkan_package_values_are_kept_raw() -> None:
    package = json.loads(fixture_bytes(DKAN))["result"][0]
    dataset = map_package(package, "https://opendata.hautsdefrance.fr")
    xlsx = dataset.resources[0]
    assert xlsx.size is None  # "42 octets"
    assert xlsx.media_type == "xlsx"
    assert dataset.license_id == ""
    assert dataset.license_title.startswith("http://www.etalab.gouv.fr/")
    assert dataset.modified == "2019-09-30 22:00:00"
    assert dataset.resources[1].format == ""


def test_andino_harvested_dates_and_extras() -> None:
    package = json.loads(fixture_bytes(ANDINO))["result"]
    dataset = map_package(package, "http://localhost:8080")
    assert dataset.license_id == "notspecified"
    assert dataset.frequency == "R/P1Y"
    assert dataset.temporal == "2015-01-01/2015-12-31"
    assert dataset.spatial == "ARG"
    assert dataset.modified == "2016-04-19T19:48:05.433640-03:00"  # the publisher's, not the copy's
    assert dataset.extras["metadata_modified"] == "2019-12-03T18:30:57.429462"
    assert dataset.themes == ["Economía y finanzas"]
    assert dataset.contact_email == "onc-compraselectronicas@modernizacion.gob.ar"
    assert dataset.resources[0].size == 5120
    assert dataset.resources[0].modified == "2016-04-19T19:48:05.433640"


def test_harvested_legacy_package_dates_and_coverage() -> None:
    # ckanext-dcat's full legacy package (synthetic upstream): harvest extras carry the dates
    package = json.loads(fixture_bytes("synthetic_ckanext-dcat_full_ckan_dataset_legacy.json"))
    dataset = map_package(package, "https://demo.ckan.org")
    assert dataset.modified == "2012-05-10T21:04"
    assert dataset.issued == "2012-05-10"
    assert dataset.temporal == '["1982"]/["1986"]'
    assert dataset.frequency == "notPlanned"
    assert dataset.spatial is not None and dataset.spatial.startswith('{"type":"Polygon"')


def test_private_and_deleted_are_counted(portal: PortalServer) -> None:
    raw = json.loads(fixture_bytes(Q_ALL))["result"]["results"][:3]
    raw[0]["private"] = True
    raw[1]["state"] = "deleted"
    body = json.dumps({"success": True, "result": {"count": 3, "results": [*raw, "junk", None]}})

    portal.route(SEARCH, Reply(200, body.encode()))
    report = DiscoveryReport()
    datasets = discover(ckan(portal), report)
    assert len(datasets) == 1
    assert report.skipped == {"private": 1, "deleted": 1, "not_a_package": 2}


def test_hostile_package_values_never_crash() -> None:
    package: dict[str, Any] = {
        "id": 7,
        "title": None,
        "name": "x",
        "tags": "a, b",
        "groups": [None, {"name": "g"}],
        "extras": [{"key": "frecuencia", "value": {"x": 1}}, "junk", {"value": "v"}],
        "resources": [{"url": None, "size": "12"}, "junk", {"size": -3, "format": 5}],
        "organization": "not a dict",
    }
    dataset = map_package(package, "https://p")
    assert (dataset.id, dataset.title) == ("7", "x")
    assert dataset.keywords == ["a", "b"] and dataset.themes == ["g"]
    assert dataset.frequency == '{"x": 1}'
    assert [(r.url, r.size, r.format) for r in dataset.resources] == [("", 12, ""), ("", None, "5")]


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(403, b"Forbidden", "text/html"), "blocked"),
        (Reply(429, b"slow down", "text/plain", {"Retry-After": "60"}), "blocked"),
        (
            Reply(
                503,
                b"<!DOCTYPE html><title>Just a moment...</title>",
                "text/html",
                {"cf-mitigated": "challenge"},
            ),
            "blocked",
        ),
        (
            Reply(200, b"<html><title>Attention Required! | Cloudflare</title>", "text/html"),
            "blocked",
        ),
        (Reply(200, b"<!DOCTYPE html><html><body>Portal</body></html>", "text/html"), "not_json"),
        (Reply(500, b"Internal Server Error", "text/plain"), "http_error"),
        (Reply(200, b"", "application/json"), "not_json"),
        (Reply(200, b'{"help": "x", "success": true}', "application/json"), "not_catalog"),
    ],
)
def test_fatal_answers(portal: PortalServer, reply: Reply, kind: str) -> None:
    portal.route(SEARCH, reply)
    with pytest.raises(PortalError) as err:
        discover(ckan(portal))
    assert err.value.kind == kind
    assert err.value.evidence["url"].startswith(portal.base_url + SEARCH)
    if kind != "not_catalog":
        assert err.value.evidence["status"] == reply.status
        assert err.value.evidence["body_head"] == reply.body.decode()[:300]
    for header, value in reply.headers.items():
        assert err.value.evidence[header.lower()] == value


def test_unreachable_keeps_the_outcome() -> None:
    server = PortalServer()
    url = server.base_url
    server.httpd.server_close()  # nothing listens on that port any more
    with pytest.raises(PortalError) as err:
        discover(Source(type="ckan", url=url))
    assert err.value.kind == "unreachable"
    assert err.value.evidence["outcome"] == "network_error"
    assert err.value.evidence["url"].startswith(url + SEARCH)


def test_datasets_stream_before_the_next_page(portal: PortalServer) -> None:
    portal.route(SEARCH, pages({0: Q_ALL, 10: ROWS2}))

    async def first() -> int:
        source = ckan(portal, rows=10)
        async with make_fetcher(source.url) as fetcher:
            gen = get_adapter("ckan").discover(source, fetcher, DiscoveryReport())
            await gen.__anext__()
            calls = len(portal.calls(SEARCH))
            await gen.aclose()
            return calls

    assert asyncio.run(first()) == 1


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://datos.gob.gt", "https://datos.gob.gt"),
        ("https://datos.gob.gt/", "https://datos.gob.gt"),
        ("https://datos.gob.gt/api/3/action/package_search?q=x", "https://datos.gob.gt"),
        ("https://x.org/ckan/api/3", "https://x.org/ckan"),
    ],
)
def test_api_base(url: str, base: str) -> None:
    assert api_base(url) == base


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://datos.minfin.gob.gt/organization/minfin",
            ("https://datos.minfin.gob.gt", "minfin", ""),
        ),
        (
            "https://datos.segeplan.gob.gt/dataset/?groups=cooperacion",
            ("https://datos.segeplan.gob.gt", "", "cooperacion"),
        ),
        ("https://datos.gob.gt/es/group/salud/", ("https://datos.gob.gt/es", "", "salud")),
        ("https://datos.gob.gt/dataset?organization=ine", ("https://datos.gob.gt", "ine", "")),
    ],
)
def test_scope_from_portal_urls(url: str, expected: tuple[str, str, str]) -> None:
    assert scope(url) == expected


def test_organization_page_url_filters_the_search(portal: PortalServer) -> None:
    portal.route(SEARCH, pages({0: AEB}))
    source = Source(
        type="ckan", url=portal.base_url + "/organization/agencia-espacial-brasileira-aeb"
    )
    assert len(discover(source)) == 6
    assert portal.calls(SEARCH)[0]["fq"] == "organization:agencia-espacial-brasileira-aeb"


def _synthetic_pages(total: int) -> Any:
    """A package_search over `total` minimal packages that honours start and rows."""

    def handler(query: dict[str, str]) -> Reply:
        start, rows = int(query.get("start", "0")), int(query.get("rows", "10"))
        results = [
            {"id": f"p{i}", "name": f"p{i}", "title": f"P {i}", "resources": []}
            for i in range(start, min(start + rows, total))
        ]
        body = {"success": True, "result": {"count": total, "results": results}}
        return Reply(200, json.dumps(body).encode())

    return handler


class _CountingFetcher:
    """The real Fetcher, counting the requests the adapter has started."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.started: list[str] = []

    async def get(self, url: str, params: Any = None, **kw: Any) -> Any:
        self.started.append(str((params or {}).get("start")))
        return await self.inner.get(url, params=params, **kw)


def test_next_page_is_requested_while_this_one_is_mapped(portal: PortalServer) -> None:
    portal.route(SEARCH, _synthetic_pages(750))

    async def run() -> tuple[list[str], list[list[str]]]:
        source = ckan(portal, rows=300)
        async with make_fetcher(source.url) as inner:
            fetcher = _CountingFetcher(inner)
            ids: list[str] = []
            started_at_page_end: list[list[str]] = []
            async for dataset in get_adapter("ckan").discover(source, fetcher, DiscoveryReport()):
                ids.append(dataset.id)
                if len(ids) in (300, 600, 750):
                    started_at_page_end.append(list(fetcher.started))
            return ids, started_at_page_end

    ids, started = asyncio.run(run())
    assert ids == [f"p{i}" for i in range(750)]
    # the request for the next page left before the last dataset of this one was handed out,
    # and none is made past the count
    assert started == [["0", "300"], ["0", "300", "600"], ["0", "300", "600"]]
    assert [q["start"] for q in portal.calls(SEARCH)] == ["0", "300", "600"]


def test_stopping_early_drops_the_page_in_flight(portal: PortalServer) -> None:
    portal.route(SEARCH, _synthetic_pages(1000))

    async def run() -> tuple[int, list[asyncio.Task[Any]]]:
        source = ckan(portal, rows=500)
        async with make_fetcher(source.url) as fetcher:
            gen = get_adapter("ckan").discover(source, fetcher, DiscoveryReport())
            taken = 0
            async for _dataset in gen:
                taken += 1
                if taken == 250:  # past the first mapped chunk: the prefetch has started
                    break
            await gen.aclose()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            if others:
                await asyncio.wait(others, timeout=5)
            return taken, others

    taken, others = asyncio.run(run())
    assert taken == 250
    prefetch = [t for t in others if "_search_page" in repr(t.get_coro())]
    assert len(prefetch) == 1
    assert prefetch[0].cancelled()  # dropped, not left running or erroring unobserved

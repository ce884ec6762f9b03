"""The files adapter (no network) and `detect` against emulated portals on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json

import pytest
from tests.portals.conftest import PortalServer, Reply, discover, fixture_bytes, make_fetcher

from odaudit.models import Source
from odaudit.portals import ADAPTER_TYPES, DiscoveryReport, detect, get_adapter
from odaudit.portals.files import group_key

MINEDUC = "https://www.mineduc.gob.gt/estadistica/datos/"


def test_files_grouped_by_name_without_dates() -> None:
    source = Source(
        type="files",
        url="https://www.minfin.gob.gt/datos",
        organization="MINFIN",
        options={
            "urls": [
                "https://www.minfin.gob.gt/datos/ejecucion_2023_01.csv",
                "https://www.minfin.gob.gt/datos/ejecucion_2023_02.csv",
                "https://www.minfin.gob.gt/datos/Ejecucion-2024.xlsx",
                {"url": "https://www.minfin.gob.gt/datos/deuda.pdf", "name": "Deuda pública"},
                42,
            ]
        },
    )
    report = DiscoveryReport()
    datasets = discover(source, report)  # no server: the adapter never fetches
    assert [(d.id, d.title, len(d.resources)) for d in datasets] == [
        ("https://www.minfin.gob.gt/datos#ejecucion", "Ejecucion", 3),
        ("https://www.minfin.gob.gt/datos#deuda", "Deuda", 1),
    ]
    assert [r.format for r in datasets[0].resources] == ["CSV", "CSV", "XLSX"]
    assert datasets[1].resources[0].name == "Deuda pública"
    assert {d.publisher for d in datasets} == {"MINFIN"}
    assert report.skipped == {"not_a_url": 1} and report.api_calls == 0


def test_files_declared_datasets() -> None:
    source = Source(
        type="files",
        url=MINEDUC,
        options={
            "datasets": [
                {
                    "title": "Establecimientos educativos",
                    "license_id": "cc-by",
                    "frequency": "anual",
                    "urls": [
                        MINEDUC + "gt_mineduc_establecimientos_diversificado_ZACAPA.csv",
                        MINEDUC + "gt_mineduc_establecimientos_diversificado_TOTONICAPAN.csv",
                    ],
                },
                "junk",
            ]
        },
    )
    report = DiscoveryReport()
    (dataset,) = discover(source, report)
    assert dataset.id == MINEDUC + "#establecimientos-educativos"
    assert (dataset.license_id, dataset.frequency, len(dataset.resources)) == ("cc-by", "anual", 2)
    assert report.skipped == {"not_an_object": 1}


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://x.gt/ejecucion_2023_01.csv", "ejecucion"),
        ("https://x.gt/poblacion-2018.xlsx", "poblacion"),
        ("https://x.gt/remesas%20enero.csv", "remesas"),
        ("https://x.gt/datos.csv.zip", "datos"),
        ("https://x.gt/pob20230115.csv", "pob"),
        ("https://x.gt/2023.csv", "2023.csv"),
    ],
)
def test_group_key(url: str, key: str) -> None:
    assert group_key(url) == key


def test_every_type_has_an_adapter() -> None:
    assert set(ADAPTER_TYPES) == {"ckan", "dcat", "socrata", "opendatasoft", "html", "files"}
    assert all(get_adapter(t).type == t for t in ADAPTER_TYPES)
    with pytest.raises(KeyError):
        get_adapter("sharepoint")


def run_detect(url: str) -> str | None:
    async def go() -> str | None:
        async with make_fetcher(url) as fetcher:
            return await detect(url, fetcher)

    return asyncio.run(go())


def test_detect_ckan(portal: PortalServer) -> None:
    status = {"success": True, "result": {"ckan_version": "2.9.5"}}
    portal.route("/api/3/action/status_show", Reply(200, json.dumps(status).encode()))
    assert run_detect(portal.base_url + "/") == "ckan"


def test_detect_data_json(portal: PortalServer) -> None:
    portal.serve_file("/data.json", "us_project-open-data_v1.1_catalog-sample.json")
    assert run_detect(portal.base_url + "/data.json") == "dcat"
    assert run_detect(portal.base_url) == "dcat"  # found at {site}/data.json


def test_detect_data_json_under_a_path(portal: PortalServer) -> None:
    portal.serve_file("/segeplan/data.json", "us_project-open-data_v1.1_catalog-sample.json")
    assert run_detect(portal.base_url + "/segeplan/") == "dcat"  # found at {url}/data.json


def test_detect_rdf(portal: PortalServer) -> None:
    portal.serve_file(
        "/catalog.rdf", "demo.ckan.org_ckanext-dcat_catalog_2016-11.rdf", "application/rdf+xml"
    )
    assert run_detect(portal.base_url + "/catalog.rdf") == "dcat"


def test_detect_socrata(portal: PortalServer) -> None:
    portal.serve_file(
        "/api/catalog/v1", "socrata_discovery-api_catalog-v1_mixed-domains_7results.json"
    )
    assert run_detect(portal.base_url) == "socrata"


def test_detect_opendatasoft(portal: PortalServer) -> None:
    portal.route(
        "/api/explore/v2.1/catalog/datasets", Reply(200, b'{"total_count": 0, "results": []}')
    )
    assert run_detect(portal.base_url) == "opendatasoft"


def test_detect_html_with_data_links(portal: PortalServer) -> None:
    portal.route(
        "/estadisticas/",
        Reply(200, fixture_bytes("synthetic_mineduc_estadisticas.html"), "text/html"),
    )
    assert run_detect(portal.base_url + "/estadisticas/") == "html"


def test_detect_nothing(portal: PortalServer) -> None:
    portal.route(
        "/", Reply(200, b"<html><h1>Bienvenidos</h1><a href='/x'>x</a></html>", "text/html")
    )
    assert run_detect(portal.base_url + "/") is None


def test_detect_blocked_site_is_none(portal: PortalServer) -> None:
    portal.route("/", Reply(403, b"<html>Forbidden</html>", "text/html"))
    assert run_detect(portal.base_url + "/") is None

"""Socrata Discovery API (real sodapy capture) and OpenDataSoft v1 datasets (real udata-ods
test data, wrapped by the test server into a v1 search envelope), over local HTTP."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from tests.portals.conftest import PortalServer, Reply, discover, fixture_bytes

from odaudit.models import Source
from odaudit.portals import DiscoveryReport, PortalError

CATALOG = "/api/catalog/v1"
SOCRATA = "socrata_discovery-api_catalog-v1_mixed-domains_7results.json"
ODS = [
    "ods-v1_dataset_etalab-sandbox_test-a.json",
    "ods-v1_dataset_etalab-sandbox_test-b.json",
    "ods-v1_dataset_etalab-sandbox_test-c.json",
    "ods-v1_dataset_etalab-sandbox_empty.json",
    "ods-v1_dataset_etalab-sandbox_inspire.json",
    "ods-v1_dataset_etalab-sandbox_test-shp-limit.json",
    "ods-v1_dataset_etalab-sandbox_with-attachments.json",
]
V1 = "/api/datasets/1.0/search"
V21 = "/api/explore/v2.1/catalog/datasets"


def socrata_pages(first: bytes) -> Any:
    def handler(query: dict[str, str]) -> Reply:
        if query.get("offset") == "0":
            return Reply(200, first)
        return Reply(200, b'{"results": [], "resultSetSize": 150680}')

    return handler


def test_socrata_discovery_page(portal: PortalServer) -> None:
    portal.route(CATALOG, socrata_pages(fixture_bytes(SOCRATA)))
    report = DiscoveryReport()
    datasets = discover(Source(type="socrata", url=portal.base_url), report)

    assert len(datasets) == 7
    assert sum(not d.license_title for d in datasets) == 4
    assert min(d.modified or "" for d in datasets) == "2017-07-21T10:01:47.000Z"
    assert max(d.modified or "" for d in datasets) == "2018-09-01T20:13:18.000Z"
    boston = datasets[0]
    assert boston.id == "msk6-43c6"
    assert boston.license_title == "Creative Commons Attribution 3.0 Unported"
    assert boston.publisher == "Inspectional Services Division"
    assert boston.keywords == ["permits", "construction", "building"]
    assert boston.themes == ["housing & development", "infrastructure", "Permitting"]
    assert [r.url for r in boston.resources] == [
        "https://data.cityofboston.gov/api/views/msk6-43c6/rows.csv?accessType=DOWNLOAD",
        "https://data.cityofboston.gov/api/views/msk6-43c6/rows.json?accessType=DOWNLOAD",
    ]
    assert json.loads(boston.extras["columns"])[0] == "issued_date"
    # resultSetSize 150680 ≫ 7: the next page is asked for, comes back empty, and the crawl stops
    calls = portal.calls(CATALOG)
    assert [(q["offset"], q["domains"]) for q in calls] == [("0", "127.0.0.1"), ("7", "127.0.0.1")]
    # views live on other domains here: none is fetched
    assert [p for p, _ in portal.log] == [CATALOG, CATALOG]


def test_socrata_view_metadata_enriches_own_domain_datasets(portal: PortalServer) -> None:
    catalog = json.loads(fixture_bytes(SOCRATA))
    catalog["results"] = catalog["results"][1:2]  # data.ny.gov, no licence in the catalogue
    catalog["results"][0]["metadata"]["domain"] = "127.0.0.1"
    portal.route(CATALOG, socrata_pages(json.dumps(catalog).encode()))
    view = {  # synthetic /api/views/<id>.json (no real capture exists, see PROVENANCE.md)
        "id": "kwxv-fwze",
        "licenseId": "PUBLIC_DOMAIN",
        "license": {"name": "Public Domain", "termsLink": "https://example.org/pd"},
        "rowsUpdatedAt": 1535709679,
        "columns": [{"fieldName": "draw_date"}, {"fieldName": "winning_numbers"}],
        "metadata": {"custom_fields": {"Dataset Information": {"Posting Frequency": "Weekly"}}},
    }
    portal.route("/api/views/kwxv-fwze.json", Reply(200, json.dumps(view).encode()))
    (dataset,) = discover(Source(type="socrata", url=portal.base_url))
    assert dataset.license_id == "PUBLIC_DOMAIN"
    assert dataset.license_title == "Public Domain"
    assert dataset.modified == "2018-08-31T10:01:19Z"
    assert dataset.frequency == "Weekly"
    assert json.loads(dataset.extras["columns"]) == ["draw_date", "winning_numbers"]
    assert dataset.resources[0].url.startswith(portal.base_url + "/api/views/kwxv-fwze/rows.csv")


def test_socrata_missing_views_are_problems_not_failures(portal: PortalServer) -> None:
    catalog = json.loads(fixture_bytes(SOCRATA))
    for result in catalog["results"]:
        result["metadata"]["domain"] = "127.0.0.1"
    portal.route(CATALOG, socrata_pages(json.dumps(catalog).encode()))
    report = DiscoveryReport()
    assert len(discover(Source(type="socrata", url=portal.base_url), report)) == 7
    assert [p.kind for p in report.problems] == ["http_error"] * 3  # then it stops asking
    assert sum(p.startswith("/api/views/") for p, _ in portal.log) == 3


def test_socrata_domain_option_filters_the_catalog(portal: PortalServer) -> None:
    portal.route(CATALOG, socrata_pages(fixture_bytes(SOCRATA)))
    source = Source(type="socrata", url=portal.base_url, options={"domain": "data.ny.gov"})
    assert len(discover(source)) == 7
    assert portal.calls(CATALOG)[0]["domains"] == "data.ny.gov"


def test_socrata_not_a_catalog(portal: PortalServer) -> None:
    portal.route(CATALOG, Reply(200, b'{"error": "nope"}'))
    with pytest.raises(PortalError) as err:
        discover(Source(type="socrata", url=portal.base_url))
    assert err.value.kind == "not_catalog"


def ods_v1_envelope() -> bytes:
    """The udata-ods dataset objects wrapped in a v1 search answer (done here, by the test)."""
    datasets = [json.loads(fixture_bytes(name)) for name in ODS]
    return json.dumps({"nhits": len(datasets), "datasets": datasets}).encode()


def test_ods_falls_back_to_v1_search(portal: PortalServer) -> None:
    envelope = ods_v1_envelope()
    portal.route(V1, lambda q: Reply(200, envelope if q["start"] == "0" else b"{}"))
    report = DiscoveryReport()
    datasets = discover(Source(type="opendatasoft", url=portal.base_url + "/explore/"), report)

    assert [p for p, _ in portal.log] == [V21, V1]  # v2.1 404s, then v1
    assert len(datasets) == 7
    by_id = {d.id: d for d in datasets}
    a = by_id["test-a"]
    assert a.license_title == "Licence Ouverte (Etalab)"
    assert a.description == "<p>test-a-description</p>"
    assert a.themes == ["Culture, Heritage", "Environment"]
    assert a.keywords == ["keyword1", "keyword2"]
    assert a.modified == "2015-04-09T10:28:45+00:00"
    assert [r.format for r in a.resources] == ["CSV", "JSON"]
    assert a.resources[0].url == (
        portal.base_url + "/api/records/1.0/download/?dataset=test-a&format=csv"
    )
    assert sum(1 for d in datasets if d.license_title) == 1
    b = by_id["test-b"]
    assert [r.format for r in b.resources] == ["CSV", "JSON", "GEOJSON", "PDF", "XLS", "ZIP"]
    assert b.resources[3].url == portal.base_url + (
        "/api/datasets/1.0/test-b/attachments/documentation_pdf"
    )
    assert by_id["test-c"].resources == []  # has_records false: nothing to export
    attachments_only = next(d for d in datasets if d.title == "test attachments")
    assert [r.media_type for r in attachments_only.resources] == [
        "application/pdf",
        "application/zip",
    ]
    assert Counter(d.extras.get("records_count") for d in datasets)["0"] == 3
    assert by_id["test-shp-limit"].extras["records_count"] == "50001"


def test_ods_real_v1_search_envelope(portal: PortalServer) -> None:
    # this udata-ods file is itself a v1 search answer (nhits + datasets)
    portal.route(V21, Reply(404, b"{}"))
    name = "ods-v1_dataset_etalab-sandbox_no-data.json"
    portal.route(V1, lambda q: Reply(200, fixture_bytes(name) if q["start"] == "0" else b"{}"))
    report = DiscoveryReport()
    datasets = discover(Source(type="opendatasoft", url=portal.base_url), report)
    assert [d.id for d in datasets] == ["test-attachments", "test-empty"]
    assert datasets[0].keywords == ["keyword1"]
    assert datasets[0].themes == ["Spatial planning, Town planning, Buildings, Equipment, Housing"]
    assert all(r.format != "CSV" for d in datasets for r in d.resources)  # no records to export
    assert report.api_calls == 2  # nhits 2 reached: no further page


def test_ods_v21_catalog(portal: PortalServer) -> None:
    results = [  # synthetic v2.1 answer (no real capture exists, see PROVENANCE.md)
        {
            "dataset_id": "presupuesto-2024",
            "has_records": True,
            "features": ["analyze"],
            "metas": {
                "default": {
                    "title": "Presupuesto 2024",
                    "publisher": "MINFIN",
                    "license": "CC BY 4.0",
                    "modified": "2024-02-01T00:00:00Z",
                    "keyword": ["presupuesto"],
                },
                "dcat": {"accrualperiodicity": "Mensual", "contact_email": "datos@minfin.gt"},
            },
            "fields": [{"name": "monto"}],
        },
        "junk",
    ]
    body = json.dumps({"total_count": 2, "results": results}).encode()
    portal.route(V21, Reply(200, body))
    report = DiscoveryReport()
    (dataset,) = discover(Source(type="opendatasoft", url=portal.base_url), report)
    assert report.skipped == {"not_an_object": 1}
    assert (dataset.title, dataset.publisher, dataset.frequency) == (
        "Presupuesto 2024",
        "MINFIN",
        "Mensual",
    )
    assert dataset.contact_email == "datos@minfin.gt"
    assert dataset.resources[0].url == portal.base_url + V21 + "/presupuesto-2024/exports/csv"
    assert portal.calls(V21)[0] == {"limit": "100", "offset": "0"}


def test_ods_blocked_is_fatal(portal: PortalServer) -> None:
    portal.route(V21, Reply(403, b"<html>Forbidden</html>", "text/html"))
    with pytest.raises(PortalError) as err:
        discover(Source(type="opendatasoft", url=portal.base_url))
    assert err.value.kind == "blocked"

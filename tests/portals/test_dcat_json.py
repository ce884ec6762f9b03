"""data.json adapter on the real Argentine, US and French catalogues, over local HTTP."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from tests.portals.conftest import PortalServer, Reply, discover, fixture_bytes

from odaudit.models import Source
from odaudit.portals import DiscoveryReport, PortalError

AR = "ar_datos.gob.ar_data.json_2017-08-13.json"
ED = "us_www2.ed.gov_data.json_small-education_2019.json"
PHILLY = "us_datagov-harvester_dcatus_with_none.json"
POD = "us_project-open-data_v1.1_catalog-sample.json"
POD_EXT = "us_project-open-data_v1.1_catalog-sample-extended.json"
APUR = "fr_apur_arcgis-opendata_data.json"
NO_ID = "us_ckanext-datajson_sample_missing-identifier-title.data.json"


def dcat(portal: PortalServer, path: str = "/data.json") -> Source:
    return Source(type="dcat", url=portal.base_url + path)


def test_argentina_perfil_de_metadatos(portal: PortalServer) -> None:
    portal.serve_file("/data.json", AR)
    report = DiscoveryReport()
    datasets = discover(dcat(portal), report)

    assert len(datasets) == 72
    assert sum(len(d.resources) for d in datasets) == 322
    assert Counter(r.format for d in datasets for r in d.resources) == {
        "CSV": 234,
        "JSON": 34,
        "XLS": 29,
        "ZIP": 24,
        "RDF": 1,
    }
    assert Counter(d.license_title for d in datasets) == {
        "Creative Commons Attribution": 55,
        "Open Data Commons Open Database License (ODbL)": 10,
        "ODbL-1.0": 7,
    }
    assert Counter(d.frequency for d in datasets)["eventual"] == 9
    assert sum(d.frequency is None for d in datasets) == 3
    assert sum(not d.keywords for d in datasets) == 56
    assert all(d.contact_email == "" and d.contact_name == "" for d in datasets)
    assert sum(r.url.startswith("http://") for d in datasets for r in d.resources) == 300
    first = datasets[0]
    assert first.id == "b8418d41-8e0c-4e85-8aa8-80d51a840132"
    assert first.publisher.startswith("Ministerio del Interior")
    assert first.themes == ["Población y sociedad"]
    assert first.landing_page == "http://datos.gob.ar/dataset/nombres-personas-fisicas"
    assert first.issued == "2017-07-27T15:02:42.681630"
    assert first.resources[0].url.endswith("historico-nombres.zip")
    assert report.api_calls == 1 and report.pages == 1
    assert report.bytes == len(fixture_bytes(AR))


def test_us_education_duplicate_identifier_is_kept_with_a_unique_id(portal: PortalServer) -> None:
    portal.serve_file("/data.json", ED)
    datasets = discover(dcat(portal))
    assert len(datasets) == 89
    assert len({d.id for d in datasets}) == 89
    assert sum(len(d.resources) for d in datasets) == 386
    dupes = [d for d in datasets if d.extras.get("duplicate_identifier")]
    assert [(d.id, d.extras["duplicate_identifier"]) for d in dupes] == [
        ("NCES_2016999#2", "NCES_2016999")
    ]
    raw = json.loads(fixture_bytes(ED))["dataset"]
    no_download = sum(1 for d in raw for x in d.get("distribution", []) if not x.get("downloadURL"))
    assert no_download == 222
    # accessURL stands in where there is no downloadURL
    timss = next(d for d in datasets if d.id == "NCES_2017002")
    assert timss.resources[0].url == "https://nces.ed.gov/pubsearch/pubsinfo.asp?pubid=2018022"
    assert timss.contact_email == "lydia.malley@ed.gov"
    assert timss.publisher == "National Center for Education Statistics"
    assert Counter(d.frequency for d in datasets)["irregular"] == 3


def test_philadelphia_nulls_are_values(portal: PortalServer) -> None:
    portal.serve_file("/data.json", PHILLY)
    datasets = discover(dcat(portal))
    assert len(datasets) == 402
    assert sum(len(d.resources) for d in datasets) == 2841
    assert Counter(d.modified for d in datasets) == {None: 391, "R/P1D": 11}
    assert all(d.landing_page == "" and d.issued is None for d in datasets)


@pytest.mark.parametrize("name", [POD, POD_EXT])
def test_pod_examples(portal: PortalServer, name: str) -> None:
    portal.serve_file("/data.json", name)
    datasets = discover(dcat(portal))
    assert len(datasets) == 3
    assert sum(len(d.resources) for d in datasets) == 5
    raw = json.loads(fixture_bytes(name))["dataset"]
    assert [d.id for d in datasets] == [r["identifier"] for r in raw]
    widgets = next(d for d in datasets if d.title == "U.S. Widget Manufacturing Statistics")
    assert widgets.contact_email == "jane.doe@agency.gov"
    assert widgets.extras["bureauCode"] == '["018:10"]'
    assert widgets.resources[3].url == "https://data.agency.gov/api/widgets-statistics/"
    assert widgets.resources[0].media_type == "text/csv"


def test_mailto_without_address_is_no_email(portal: PortalServer) -> None:
    portal.serve_file("/data.json", APUR)
    datasets = discover(dcat(portal))
    assert len(datasets) == 71
    assert all(d.contact_email == "" for d in datasets)


def test_missing_identifier_gets_a_stable_id(portal: PortalServer) -> None:
    portal.serve_file("/data.json", NO_ID)
    datasets = discover(dcat(portal))
    assert len(datasets) == 3
    nameless = datasets[0]
    assert nameless.extras["missing_identifier"] == "true"
    assert nameless.id
    assert datasets[2].title == ""


def test_site_root_falls_back_to_data_json(portal: PortalServer) -> None:
    portal.route("/", Reply(200, b"<!doctype html><title>Portal</title>", "text/html"))
    portal.serve_file("/data.json", POD)
    datasets = discover(dcat(portal, "/"))
    assert len(datasets) == 3
    assert [p for p, _ in portal.log] == ["/", "/data.json"]
    assert datasets[0].source_url == portal.base_url + "/data.json"


def test_site_root_without_data_json_reports_the_first_answer(portal: PortalServer) -> None:
    portal.route("/", Reply(200, b"<!doctype html><title>Portal</title>", "text/html"))
    with pytest.raises(PortalError) as err:
        discover(dcat(portal, "/"))
    assert err.value.kind == "not_json"
    assert err.value.evidence["body_head"] == "<!doctype html><title>Portal</title>"


def test_broken_json_is_malformed_with_line_and_column(portal: PortalServer) -> None:
    portal.serve_file("/data.json", "synthetic_broken-json_bad.json")
    with pytest.raises(PortalError) as err:
        discover(dcat(portal))
    assert err.value.kind == "malformed"
    assert (err.value.evidence["line"], err.value.evidence["column"]) == (3, 5)
    assert "line 3 column 5" in err.value.message


def test_valid_json_that_is_not_a_catalog(portal: PortalServer) -> None:
    portal.serve_file("/data.json", "synthetic_valid-json-not-a-catalog.json")
    with pytest.raises(PortalError) as err:
        discover(dcat(portal))
    assert err.value.kind == "not_catalog"
    assert err.value.evidence["top_level_keys"] == ["good"]


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(200, b"<!DOCTYPE html><html>Inicio</html>", "text/html"), "not_json"),
        (Reply(403, b"<html>Forbidden</html>", "text/html"), "blocked"),
        (
            Reply(403, b"<html><title>Just a moment...</title></html>", "text/html"),
            "blocked",
        ),
        (Reply(500, b"oops", "text/plain"), "http_error"),
        (Reply(404, b"not here", "text/plain"), "http_error"),
    ],
)
def test_fatal_answers(portal: PortalServer, reply: Reply, kind: str) -> None:
    portal.route("/data.json", reply)
    with pytest.raises(PortalError) as err:
        discover(dcat(portal))
    assert err.value.kind == kind
    assert err.value.evidence["status"] == reply.status


def test_hostile_entries_never_crash(portal: PortalServer) -> None:
    catalog: dict[str, Any] = {
        "dataset": [
            None,
            "a string",
            42,
            {
                "identifier": 5,
                "title": ["not", "a", "string"],
                "keyword": "a, b ,",
                "theme": None,
                "distribution": None,
                "contactPoint": [{"fn": "X", "hasEmail": "mailto:x@y.gt"}],
                "publisher": "Ministerio",
                "spatial": {"type": "Point", "coordinates": [1, 2]},
                "license": {"title": "odc"},
            },
            {"identifier": "b", "distribution": "nope", "modified": 2020},
            {"identifier": "c", "distribution": {"downloadURL": "http://x/y.csv", "byteSize": "9"}},
        ]
    }
    portal.route("/data.json", Reply(200, json.dumps(catalog).encode()))
    report = DiscoveryReport()
    datasets = discover(dcat(portal), report)
    assert report.skipped == {"not_an_object": 3}
    assert [d.id for d in datasets] == ["5", "b", "c"]
    first = datasets[0]
    assert first.title == "" and first.keywords == ["a", "b"] and first.resources == []
    assert (first.contact_name, first.contact_email, first.publisher) == (
        "X",
        "x@y.gt",
        "Ministerio",
    )
    assert first.spatial == '{"coordinates": [1, 2], "type": "Point"}'
    assert first.license_title == "odc"
    assert datasets[1].modified == "2020"
    assert [(r.url, r.size) for r in datasets[2].resources] == [("http://x/y.csv", 9)]


def test_bare_list_data_json(portal: PortalServer) -> None:
    body = json.dumps([{"identifier": "a", "title": "A"}, {"identifier": "b", "title": "B"}])
    portal.route("/data.json", Reply(200, body.encode()))
    assert [d.id for d in discover(dcat(portal))] == ["a", "b"]

"""DCAT RDF (RDF/XML, Turtle, JSON-LD) on the real demo.ckan.org, datos.gob.es, GovData and
DataRA records, with hydra paging, over local HTTP."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from tests.portals.conftest import PortalServer, Reply, discover, fixture_bytes

from odaudit.models import Source
from odaudit.portals import DiscoveryReport, PortalError
from odaudit.portals.rdf import parse_graph

DEMO_RDF = "demo.ckan.org_ckanext-dcat_catalog_2016-11.rdf"
DEMO_JSONLD = "demo.ckan.org_ckanext-dcat_catalog_2016-11.jsonld"
PAGED_1 = "synthetic_udata_hydra_paged-collection-1.jsonld"
PAGED_2 = "synthetic_udata_hydra_paged-collection-2.jsonld"


def dcat(portal: PortalServer, path: str, **options: object) -> Source:
    return Source(type="dcat", url=portal.base_url + path, options=dict(options))


@pytest.mark.parametrize(
    ("name", "content_type"),
    [(DEMO_RDF, "application/rdf+xml"), (DEMO_JSONLD, "application/ld+json")],
)
def test_demo_ckan_catalog_with_unreachable_next_page(
    portal: PortalServer, name: str, content_type: str
) -> None:
    portal.serve_file("/catalog", name, content_type)
    report = DiscoveryReport()
    datasets = discover(dcat(portal, "/catalog"), report)

    assert len(datasets) == 100
    assert sum(len(d.resources) for d in datasets) == 140
    assert not any(d.license_id or d.license_title for d in datasets)  # no licences at all
    assert not any(r.license for d in datasets for r in d.resources)
    assert sum(not d.description for d in datasets) == 25
    assert {"xdxxdddddd", "eee"} <= {d.title for d in datasets}
    formats = Counter(r.format for d in datasets for r in d.resources)
    assert formats["wuwuwu"] >= 1 and formats["csv excel"] >= 1 and formats[".xlsx"] >= 1
    # hydra:nextPage points at demo.ckan.org: recorded as a problem, never fetched
    assert [(p.kind, p.evidence["reason"]) for p in report.problems] == [
        ("unreachable", "off_site")
    ]
    assert report.problems[0].evidence["url"].startswith("http://demo.ckan.org/catalog.")
    assert [p for p, _ in portal.log] == ["/catalog"]


def test_same_site_hydra_paging_is_followed(portal: PortalServer) -> None:
    base = portal.base_url
    page1 = fixture_bytes(PAGED_1).replace(
        b"http://data.test.org/catalog.jsonld", b"/catalog.jsonld"
    )
    portal.route(
        "/catalog.jsonld",
        lambda q: Reply(
            200,
            page1 if q.get("page", "1") == "1" else fixture_bytes(PAGED_2),
            "application/ld+json",
        ),
    )
    report = DiscoveryReport()
    datasets = discover(dcat(portal, "/catalog.jsonld?page=1"), report)
    assert [d.id for d in datasets] == ["1", "2", "3", "4"]
    assert [q.get("page") for _, q in portal.log] == ["1", "2"]
    assert report.pages == 2 and report.problems == []
    first = datasets[0]
    assert (first.publisher, first.contact_email) == ("An Organization", "hello@its.me")
    assert first.keywords == ["Tag 1", "Tag 2", "Tag 3", "Tag 4"]
    assert first.source_url == base + "/catalog.jsonld?page=1"
    assert datasets[3].source_url == base + "/catalog.jsonld?page=2"


def test_next_page_failure_keeps_the_first_page(portal: PortalServer) -> None:
    page1 = fixture_bytes(PAGED_1).replace(
        b"http://data.test.org/catalog.jsonld", b"/catalog.jsonld"
    )
    portal.route(
        "/catalog.jsonld",
        lambda q: (
            Reply(200, page1, "application/ld+json")
            if q.get("page", "1") == "1"
            else Reply(200, b"[{ broken", "application/ld+json")
        ),
    )
    report = DiscoveryReport()
    datasets = discover(dcat(portal, "/catalog.jsonld"), report)
    assert len(datasets) == 3
    assert [p.kind for p in report.problems] == ["malformed"]


def test_spanish_turtle_record(portal: PortalServer) -> None:
    portal.serve_file("/dataset.ttl", "es_datos.gob.es_dataset_madrid.ttl", "text/turtle")
    (dataset,) = discover(dcat(portal, "/dataset.ttl"))
    assert dataset.id == "https://datos.madrid.es/egob/catalogo/300676-0-deporte-encuesta-escuelas"
    assert dataset.publisher == "Ayuntamiento de Madrid"
    assert dataset.license_url == "https://datos.madrid.es/egob/catalogo/aviso-legal"
    assert dataset.frequency == "P1Y"
    assert dataset.modified == "2024-04-15T09:08:10+02:00"
    (resource,) = dataset.resources
    assert resource.url.endswith("300676-0-deporte-encuesta-escuelas.xlsx")  # a literal accessURL
    assert (resource.format, resource.size, resource.license) == ("XLS", 43008, "")


def test_dcat_ap_de_control_record(portal: PortalServer) -> None:
    portal.serve_file("/d.rdf", "de_govdata_dcat-ap.de_dataset.rdf", "application/rdf+xml")
    (dataset,) = discover(dcat(portal, "/d.rdf"))
    assert len(dataset.resources) == 9
    assert {r.license for r in dataset.resources} == {"http://dcat-ap.de/def/licenses/cc-zero"}
    assert dataset.contact_email == "geodienste@rostock.de"


def test_conflicting_licences_are_both_kept(portal: PortalServer) -> None:
    portal.serve_file("/se.rdf", "se_dataportal_dataset.rdf", "application/rdf+xml")
    (dataset,) = discover(dcat(portal, "/se.rdf"))
    assert dataset.resources[0].license == "http://creativecommons.org/licenses/by-nc/3.0/"
    assert dataset.frequency == "http://purl.org/cld/freq/daily"
    assert dataset.temporal == "1905-03-01/2013-01-05"


def test_ill_typed_date_is_kept_raw(portal: PortalServer) -> None:
    portal.serve_file("/r.rdf.xml", "fr_datara_dcat-ap_5a26b0f6.rdf.xml", "application/xml")
    (dataset,) = discover(dcat(portal, "/r.rdf.xml"))
    assert dataset.modified == "2022-03-22T08:51:36"
    assert dataset.extras["record_modified"] == "2022-03-22T08:51:36"


def test_licence_as_literal(portal: PortalServer) -> None:
    portal.serve_file("/c.rdf", "fr_sig.oreme.org_geonetwork_catalog.rdf", "application/rdf+xml")
    (dataset,) = discover(dcat(portal, "/c.rdf"))
    assert dataset.license_title == "Licence ouverte / Open Licence"
    assert dataset.modified is None
    assert dataset.resources[0].format == "WWW:LINK-1.0-http--link"


def test_broken_rdf_is_malformed(portal: PortalServer) -> None:
    portal.route(
        "/c.rdf", Reply(200, b"<?xml version='1.0'?><rdf:RDF><oops", "application/rdf+xml")
    )
    with pytest.raises(PortalError) as err:
        discover(dcat(portal, "/c.rdf"))
    assert err.value.kind == "malformed"


def test_xml_entities_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&b;</rdf:RDF>'
    )
    with pytest.raises(PortalError) as err:
        parse_graph(bomb, "xml", "http://x/")
    assert err.value.kind == "malformed" and "entities" in err.value.message


def test_xml_entities_after_a_long_prolog_are_refused(portal: PortalServer) -> None:
    # Only the first 64 KiB used to be searched: 70 KB of comment before the DOCTYPE hid it
    # and the entity was expanded into the dataset's title.
    body = (
        b'<?xml version="1.0"?><!--'
        + b"x" * 70_000
        + b'--><!DOCTYPE rdf:RDF [<!ENTITY e "EXPANDED">]>'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">'
        b'<dcat:Dataset rdf:about="http://x/ds/1"><dct:title>&e;</dct:title></dcat:Dataset>'
        b"</rdf:RDF>"
    )
    portal.route("/c.rdf", Reply(200, body, "application/rdf+xml"))
    with pytest.raises(PortalError) as err:
        discover(dcat(portal, "/c.rdf"))
    assert err.value.kind == "malformed" and "entities" in err.value.message


def test_remote_jsonld_context_is_never_fetched(portal: PortalServer) -> None:
    doc = [
        {
            "@context": [portal.base_url + "/context.jsonld", {"dct": "http://purl.org/dc/terms/"}],
            "@id": "http://x/ds/1",
            "@type": "http://www.w3.org/ns/dcat#Dataset",
            "dct:title": "Uno",
        }
    ]
    portal.route("/c.jsonld", Reply(200, json.dumps(doc).encode(), "application/ld+json"))
    portal.route("/context.jsonld", Reply(200, b'{"@context": {}}', "application/ld+json"))
    datasets = discover(dcat(portal, "/c.jsonld"))
    assert [(d.id, d.title) for d in datasets] == [("http://x/ds/1", "Uno")]
    assert [p for p, _ in portal.log] == ["/c.jsonld"]

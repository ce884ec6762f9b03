"""FM001-FM004 and the sniffer, on real prefixes from the corpus."""

from __future__ import annotations

import json

import pytest
from tests.checks._support import (
    CSV_URL,
    assert_json_evidence,
    codes,
    fixture_bytes,
    fixture_json,
    good_dataset,
    ok_probe,
    only,
    resource,
    run,
)

from odaudit.checks.formats import lookup_format
from odaudit.checks.sniff import detect_format
from odaudit.models import Resource

ZIP = fixture_bytes("merged-cells.xlsx")  # a real ZIP (OOXML) prefix
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("invalid.csv", "CSV"),
        ("latin1.csv", "CSV"),
        ("bom.csv", "CSV"),
        ("issue-1009-semicolon.csv", "CSV"),
        ("gt_mineduc_establecimientos_diversificado_ZACAPA.csv", "CSV"),
        ("gt_tse_resultados2023_diputados-distritales_por-mesa_e3d04_el-progreso.csv", "CSV"),
        ("merged-cells.xlsx", "XLSX"),
        ("fr_ville-evian_arcgis-hub_data.json", "JSON"),
    ],
)
def test_sniff_real_files(name: str, kind: str) -> None:
    assert detect_format(fixture_bytes(name)) == kind


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [
        (PDF, "PDF"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00data.csv", "ZIP"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "Workbook".encode("utf-16-le"),
            "XLS",
        ),
        (b"\x1f\x8b\x08\x00", "GZ"),
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"\xff\xd8\xff\xe0", "JPEG"),
        (b"  <!doctype html><html>", "HTML"),
        (b'<?xml version="1.0"?><rdf:RDF>', "XML"),
        (b'{"dataset": [{"title": "cut here', "JSON"),  # a prefix cut mid-document
        (b"a\tb\tc\n1\t2\t3\n4\t5\t6\n", "TSV"),
        (b"Just one line of prose.\n", "TEXT"),
        (b"", None),
    ],
)
def test_sniff_magic_numbers(prefix: bytes, kind: str | None) -> None:
    assert detect_format(prefix) == kind


@pytest.mark.parametrize(
    ("declared", "fmt"),
    [
        ("zip+csv", "ZIP+CSV"),
        ("ZIP+CSV", "ZIP+CSV"),
        ("Microsoft Excel", "XLS"),
        ("Microsoft Excel Document", "XLS"),
        ("csv excel", "CSV"),
        (".xlsx", "XLSX"),
        ("text/csv", "CSV"),
        ("application/vnd.ms-excel", "XLS"),
        ("http://publications.europa.eu/resource/authority/file-type/CSV", "CSV"),
        ("Ponto de Acesso à API", "API"),
        ("esri shapefile", "SHP"),
        ("wuwuwu", None),
    ],
)
def test_format_registry_aliases(declared: str, fmt: str | None) -> None:
    info = lookup_format(declared)
    assert (info.id if info else None) == fmt


def test_fm001_pdf_declared() -> None:
    url = "https://datos.example.gob.gt/presupuesto.pdf"
    ds = good_dataset(resources=[resource(url=url, format="PDF", media_type="")])
    found = run(ds, {})
    assert codes(found) == ["FM001"]
    assert found[0].evidence["stars"] == 1


def test_fm001_pdf_served_for_a_csv_is_also_a_mismatch() -> None:
    found = run(good_dataset(), {CSV_URL: ok_probe(body=PDF, content_type="application/pdf")})
    assert codes(found) == ["FM001", "FM002"]
    assert only(found, "FM002")[0].evidence["bytes_prefix_hex"].startswith("25 50 44 46")


def test_fm002_csv_declared_zip_served() -> None:
    body = b"PK\x03\x04\x14\x00\x00\x00\x08\x00presupuesto.csv"
    found = run(good_dataset(), {CSV_URL: ok_probe(body=body, content_type="application/zip")})
    assert codes(found) == ["FM002", "FM005"]  # FM005: the header is cut before the name
    assert "declara CSV pero el servidor entrega ZIP" in found[0].message
    assert (
        found[0].evidence["bytes_prefix_hex"] == "50 4b 03 04 14 00 00 00 08 00 70 72 65 73 75 70"
    )


def test_fm002_xlsx_served_for_a_csv_is_also_proprietary_only() -> None:
    found = run(good_dataset(), {CSV_URL: ok_probe(body=ZIP, content_type="application/zip")})
    assert codes(found) == ["FM002", "FM003"]


def test_fm002_by_url_extension_on_real_ckan_resources() -> None:
    """legado.dados.gov.br, AEB: every resource declares CSV/JSON but its URL is a .zip."""
    page = fixture_json("br_legado.dados.gov.br_package_search_organization-aeb_2023-01-30.json")
    raw = page["result"]["results"][0]["resources"]
    resources = [Resource(url=r["url"], format=r["format"], name=r["name"]) for r in raw]
    found = run(good_dataset(resources=resources), {})
    assert codes(found) == ["FM002"] * len(resources)
    assert all(f.evidence["url_extension_format"] == "ZIP" for f in found)


@pytest.mark.parametrize(
    ("declared", "url"),
    [
        ("ODT", "http://x.gov/a.pdf"),
        ("XLS", "http://x.gov/contratos.xlsx"),
        ("CSV", "http://x/a.zip"),
    ],
)
def test_fm002_extension_mismatches(declared: str, url: str) -> None:
    ds = good_dataset(resources=[resource(url=url, format=declared, media_type="")])
    assert "FM002" in codes(run(ds, {}))


@pytest.mark.parametrize(
    ("declared", "url"),
    [
        ("zip+csv", "http://x.gov/a.zip"),
        ("SHP", "http://x.gov/limites.zip"),
        ("CSV", "http://x.gov/puntos.php?method=getCsv"),
        ("CSV", "http://x.gov/download/202110"),
    ],
)
def test_fm002_compatible_extensions(declared: str, url: str) -> None:
    ds = good_dataset(resources=[resource(url=url, format=declared, media_type="")])
    assert "FM002" not in codes(run(ds, {}))


def test_fm002_bytes_win_over_the_extension() -> None:
    url = "https://x.gov/export.php"
    ds = good_dataset(resources=[resource(url=url)])
    assert run(ds, {url: ok_probe(url)}) == []


def test_fm003_excel_only() -> None:
    url = "https://x.gov/ejecucion.xlsx"
    ds = good_dataset(resources=[resource(url=url, format="XLSX", media_type="")])
    found = run(ds, {})
    assert codes(found) == ["FM003"]
    assert found[0].evidence["formats"] == ["XLSX"]
    assert found[0].evidence["stars"] == [2]  # ckanext-qa: XLSX is two stars


def test_fm003_not_when_an_open_alternative_exists() -> None:
    xlsx = resource(url="https://x.gov/ejecucion.xlsx", format="XLSX", media_type="")
    assert run(good_dataset(resources=[resource(), xlsx]), {}) == []


def test_fm004_no_format_at_all() -> None:
    url = "https://portaldatransparencia.example/download-de-dados/202110"
    ds = good_dataset(resources=[resource(url=url, format="", media_type="")])
    found = run(ds, {})
    assert codes(found) == ["FM004"]
    json.dumps(found[0].evidence)


def test_fm004_not_when_the_download_tells() -> None:
    url = "https://portaldatransparencia.example/download-de-dados/202110"
    ds = good_dataset(resources=[resource(url=url, format="", media_type="")])
    found = run(ds, {url: ok_probe(url, ZIP, "application/zip")})
    assert "FM004" not in codes(found)
    assert_json_evidence(found)


def test_fm003_an_open_api_is_an_alternative() -> None:
    xlsx = resource(url="https://x.gov/ejecucion.xlsx", format="XLSX", media_type="")
    api = resource(url="https://x.gov/api/3/action/datastore_search", format="API", media_type="")
    assert run(good_dataset(resources=[xlsx, api]), {}) == []

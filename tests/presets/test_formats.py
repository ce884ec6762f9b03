"""Format decisions as ckanext-qa makes them: bytes, then URL extension, then declaration."""

from __future__ import annotations

import pytest

from odaudit.models import Dataset, Finding, Probe, ProbeOutcome, Resource, Severity
from odaudit.presets.evidence import resource_format, resource_stars
from odaudit.presets.formats import canonical_format, extension_variants, sniff_format
from odaudit.store.view import DatasetView


def test_extension_variants_like_ckanext_qa() -> None:
    assert extension_variants("http://dept.gov.uk/coins.data.1996.csv.zip") == ["csv.zip", "zip"]
    assert extension_variants("http://dept.gov.uk/data.csv?callback=1") == ["csv"]
    assert extension_variants("http://portal/download-de-dados/202110") == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CSV", "CSV"),
        ("text/csv", "CSV"),
        ("Excel", "XLS"),
        (".xlsx", "XLSX"),
        ("jpg", "JPEG"),
        ("Word Document", "DOC"),
        ("application/json; charset=utf-8", "JSON"),
        ("zip+csv", None),
        ("", None),
    ],
)
def test_canonical_format(value: str, expected: str | None) -> None:
    assert canonical_format(value) == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7", "PDF"),
        (b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml", "XLSX"),
        (b"PK\x03\x04....mimetypeapplication/vnd.oasis.opendocument.spreadsheet", "ODS"),
        (b"PK\x03\x04....data.csv", "ZIP"),
        (b"\xef\xbb\xbf  <!DOCTYPE html><html>", "HTML"),
        (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x">', "RDF"),
        (b'<?xml version="1.0"?><root/>', "XML"),
        (b' [{"a": 1}]', "JSON"),
        (b"a,b\n1,2\n3,4\n", "CSV"),
        (b"a\tb\n1\t2\n3\t4\n", "TSV"),
        (b"just some words\n", None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00", "XLS"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", None),
        (b"", None),
    ],
)
def test_sniff_signatures_then_tables(head: bytes, expected: str | None) -> None:
    assert sniff_format(head) == expected


def _view(resource: Resource, probe: Probe | None, codes: tuple[str, ...] = ()) -> DatasetView:
    ds = Dataset(id="d", title="t", license_id="cc-by", resources=[resource])
    findings = [
        Finding(c, Severity.WARNING, c, "X", "d", resource.url if c.startswith("AV") else None)
        for c in codes
    ]
    return DatasetView(ds, {resource.url: probe} if probe else {}, findings)


def _ok(url: str, sniff: bytes = b"") -> Probe:
    return Probe(url, ProbeOutcome.OK, status=200, sniff=sniff)


def test_bytes_win_over_extension_and_declaration() -> None:
    r = Resource("http://h/datos.csv", format="CSV")
    assert resource_format(_view(r, _ok(r.url, b"%PDF-1.4")), r) == ("PDF", 1)


def test_extension_wins_over_declaration() -> None:
    # legado.dados.gov.br: format CSV, URL ends .zip -> ckanext-qa scores the ZIP (1 star)
    r = Resource("http://h/unidades-csv.zip", format="CSV")
    assert resource_format(_view(r, _ok(r.url)), r) == ("ZIP", 1)


def test_declaration_when_the_url_has_no_extension() -> None:
    r = Resource("http://h/download-de-dados/202110", format="XLS")
    assert resource_format(_view(r, _ok(r.url)), r) == ("XLS", 2)


def test_unknown_everything_is_one_star() -> None:
    r = Resource("http://h/x", format="zip+csv")
    assert resource_format(_view(r, _ok(r.url)), r) == (None, 1)


def test_page_served_instead_of_file_is_zero_stars() -> None:
    r = Resource("http://h/file", format="CSV")
    assert resource_format(_view(r, _ok(r.url), ("AV003",)), r) == ("HTML", 0)


def test_stars_need_reachability_and_an_open_licence() -> None:
    r = Resource("http://h/a.rdf", format="RDF")
    assert resource_stars(_view(r, _ok(r.url)), r) == 5
    assert resource_stars(_view(r, Probe(r.url, ProbeOutcome.TIMEOUT)), r) == 0
    assert resource_stars(_view(r, None), r) == 0
    for code in ("LI001", "LI002", "LI003"):
        assert resource_stars(_view(r, _ok(r.url), (code,)), r) == 0

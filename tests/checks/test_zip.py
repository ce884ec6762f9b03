"""FM005: ZIP members listed from the sniffed bytes; the format rules judge the members."""

from __future__ import annotations

import io
import zipfile

from tests.checks._support import (
    FIXTURES,
    assert_json_evidence,
    codes,
    fixture_json,
    good_dataset,
    ok_probe,
    only,
    resource,
    run,
)

from odaudit.checks.ziplist import list_zip_members

ZACAPA = "gt_mineduc_establecimientos_diversificado_ZACAPA.csv"
TSE = "gt_tse_resultados2023_diputados-distritales_por-mesa_e3d04_el-progreso.csv"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _aeb_resource() -> tuple[str, str, str]:
    """A real dados.gov.br resource: declared CSV, URL `...-csv.zip`."""
    page = fixture_json("br_legado.dados.gov.br_package_search_organization-aeb_2023-01-30.json")
    raw = next(
        r
        for p in page["result"]["results"]
        for r in p["resources"]
        if r["url"].endswith("-csv.zip")
    )
    return raw["url"], raw["format"], raw["name"]


def test_small_zip_is_listed_from_its_central_directory() -> None:
    data = _zip({"datos/zacapa.csv": (FIXTURES / ZACAPA).read_bytes(), "LEEME.pdf": PDF})
    listing = list_zip_members(data)
    assert listing.complete and listing.source == "central_directory"
    assert listing.names == ["datos/zacapa.csv", "LEEME.pdf"]


def test_big_zip_prefix_gives_a_partial_listing_from_local_headers() -> None:
    members = {"a.csv": (FIXTURES / TSE).read_bytes(), "b.csv": b"x,y\n1,2\n"}
    prefix = _zip(members, zipfile.ZIP_STORED)[:65536]
    listing = list_zip_members(prefix)
    assert not listing.complete and listing.names == ["a.csv"]


def test_hostile_zip_bytes_give_a_value() -> None:
    assert list_zip_members(b"PK\x03\x04" + b"\xff" * 40).names == []
    assert list_zip_members(b"PK\x05\x06" + b"\x00" * 10).names == []
    assert list_zip_members(b"not a zip").names == []


def test_fm005_zip_of_csv_is_machine_readable_on_a_real_br_resource() -> None:
    url, declared, name = _aeb_resource()
    body = _zip({url.rsplit("/", 1)[-1].replace(".zip", ".csv"): (FIXTURES / ZACAPA).read_bytes()})
    ds = good_dataset(resources=[resource(url=url, format=declared, name=name, media_type="")])
    found = run(ds, {url: ok_probe(url, body, "application/zip")})
    assert codes(found) == ["FM002", "FM005"]  # declared CSV, served a ZIP
    note = only(found, "FM005")[0]
    assert note.severity.value == "info"
    assert note.evidence["listing"] == "complete"
    assert note.evidence["members"][0]["format"] == "CSV"
    assert note.evidence["member_format"] == "CSV" and note.evidence["stars"] == 3
    assert_json_evidence(found)


def test_fm005_zip_of_pdfs_is_not_machine_readable() -> None:
    url = "https://datos.example.gob.gt/informes-2025.zip"
    body = _zip({"enero.pdf": PDF, "febrero.pdf": PDF})
    ds = good_dataset(resources=[resource(url=url, format="ZIP", media_type="")])
    found = run(ds, {url: ok_probe(url, body, "application/zip")})
    assert codes(found) == ["FM001", "FM005"]
    assert only(found, "FM001")[0].evidence["format"] == "PDF"
    assert "dentro de un ZIP" in only(found, "FM001")[0].message


def test_fm005_zip_of_xlsx_only_is_proprietary_only() -> None:
    url = "https://datos.example.gob.gt/planillas.zip"
    body = _zip({"planilla.xlsx": (FIXTURES / "merged-cells.xlsx").read_bytes()})
    ds = good_dataset(resources=[resource(url=url, format="ZIP", media_type="")])
    found = run(ds, {url: ok_probe(url, body, "application/zip")})
    assert codes(found) == ["FM003", "FM005"]


def test_fm005_caps_the_member_list() -> None:
    url = "https://datos.example.gob.gt/municipios.zip"
    body = _zip({f"municipio-{n:03}.csv": b"a,b\n1,2\n" for n in range(340)})
    ds = good_dataset(resources=[resource(url=url, format="ZIP", media_type="")])
    note = only(run(ds, {url: ok_probe(url, body[:65536], "application/zip")}), "FM005")[0]
    assert len(note.evidence["members"]) == 20
    assert note.evidence["n_members"] >= 20


def test_no_fm005_for_an_xlsx_or_an_unread_zip() -> None:
    url = "https://datos.example.gob.gt/datos.zip"
    ds = good_dataset(resources=[resource(url=url, format="ZIP", media_type="")])
    assert "FM005" not in codes(run(ds, {}))
    xlsx = (FIXTURES / "merged-cells.xlsx").read_bytes()
    found = run(ds, {url: ok_probe(url, xlsx, "application/zip")})
    assert codes(found) == ["FM003"]  # the bytes are an XLSX workbook, not an archive

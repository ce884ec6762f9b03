"""The files the catalogues link to: real bytes, honest or deliberately wrong headers."""

from __future__ import annotations

import io
import zipfile
from email.utils import parsedate_to_datetime

import httpx
from tests.demo.conftest import NOW


def test_good_csv_has_type_length_and_last_modified(client: httpx.Client) -> None:
    response = client.get("/files/minfin/ejecucion-presupuestaria-mensual.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.content.startswith(b"ejercicio,mes,entidad,")
    modified = parsedate_to_datetime(response.headers["last-modified"])
    assert (NOW - modified).days == 3
    head = client.head("/files/minfin/ejecucion-presupuestaria-mensual.csv")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == response.headers["content-length"]
    assert head.headers["etag"] == response.headers["etag"]


def test_conditional_get_answers_304(client: httpx.Client) -> None:
    first = client.get("/files/minfin/saldo-deuda-publica.csv")
    again = client.get(
        "/files/minfin/saldo-deuda-publica.csv", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""


def test_range_requests_get_the_whole_body(client: httpx.Client) -> None:
    full = client.get("/files/minfin/saldo-deuda-publica.csv")
    ranged = client.get("/files/minfin/saldo-deuda-publica.csv", headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 200 and ranged.content == full.content


def test_zip_served_as_csv(client: httpx.Client) -> None:
    response = client.get("/files/mineduc/matricula-escolar-2025.csv")
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv"
    assert response.content.startswith(b"PK\x03\x04")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["matricula_2025.csv"]


def test_mineduc_files_are_the_real_cp1252_exports(client: httpx.Client) -> None:
    for region in ("ZACAPA", "TOTONICAPAN"):
        response = client.get(
            f"/files/mineduc/gt_mineduc_establecimientos_diversificado_{region}.csv"
        )
        assert response.status_code == 200
        body = response.content
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise AssertionError("expected cp1252 bytes, got valid UTF-8")
        lines = body.decode("cp1252").splitlines()
        assert "[ e-Servicios ]" in lines[0]
        header = next(i for i, line in enumerate(lines) if line.startswith("CODIGO;"))
        assert header == 26  # title rows above the header (line 27)


def test_html_error_page_served_as_csv(client: httpx.Client) -> None:
    response = client.get("/files/mspas/vacunacion-covid-19.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.content.lstrip().lower().startswith(b"<!doctype html")


def test_broken_links_answer_404(client: httpx.Client) -> None:
    for path in (
        "/files/mspas/morbilidad-hospitalaria-2022.csv",
        "/files/mem/produccion-minera-2025.csv",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "last-modified" not in response.headers


def test_head_refused_while_get_works(client: httpx.Client) -> None:
    head = client.head("/files/mem/importaciones-petroleo-derivados.csv")
    assert head.status_code == 405 and head.headers["allow"] == "GET"
    get = client.get("/files/mem/importaciones-petroleo-derivados.csv")
    assert get.status_code == 200 and get.content.startswith(b"anio,mes,producto,barriles")


def test_pdf_and_xlsx_bytes(client: httpx.Client) -> None:
    pdf = client.get("/files/mspas/informe-mortalidad-materna-2024.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    xlsx = client.get("/files/mem/precios-combustibles-2026.xlsx")
    assert xlsx.headers["content-type"].endswith("spreadsheetml.sheet")
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as archive:
        assert "xl/workbook.xml" in archive.namelist()


def test_stale_file_and_files_without_last_modified(client: httpx.Client) -> None:
    stale = client.head("/files/segeplan/cooperacion-internacional-2023.csv")
    assert parsedate_to_datetime(stale.headers["last-modified"]).year == 2023
    undated = client.head("/files/segeplan/planes-desarrollo-municipal.csv")
    assert undated.status_code == 200 and "last-modified" not in undated.headers

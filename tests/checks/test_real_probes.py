"""The new rules on probes made by the real fetcher against a local HTTP server."""

from __future__ import annotations

import asyncio
import io
import zipfile

from pytest_httpserver import HTTPServer
from tests.checks._support import FIXTURES, codes, good_dataset, only, resource, run
from werkzeug import Request, Response

from odaudit.config import CrawlSettings
from odaudit.http import AddressPolicy, Fetcher
from odaudit.models import Probe

ZACAPA = "gt_mineduc_establecimientos_diversificado_ZACAPA.csv"
LOGIN = (
    b"<!DOCTYPE html><html><head><title>Acceso</title></head><body>"
    b'<form method="post" action="/user/login"><input name="login">'
    b'<input type="password" name="password"></form></body></html>'
)


def _probe_all(server: HTTPServer, urls: list[str]) -> dict[str, Probe]:
    async def main() -> dict[str, Probe]:
        policy = AddressPolicy([server.url_for("/")])
        async with Fetcher(CrawlSettings(timeout=5, connect_timeout=5), policy) as fetcher:
            return {u: await fetcher.probe(u) for u in urls}

    return asyncio.run(main())


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("establecimientos-zacapa.csv", (FIXTURES / ZACAPA).read_bytes())
        archive.writestr("diccionario.pdf", b"%PDF-1.4\n")
    return buffer.getvalue()


def test_zip_login_wall_and_broken_licence_over_http(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/datos/establecimientos-csv.zip").respond_with_data(
        _zip(), content_type="application/zip"
    )
    httpserver.expect_request("/datos/presupuesto.csv").respond_with_response(
        Response(status=302, headers={"Location": "/user/login?came_from=/datos/presupuesto.csv"})
    )

    def login(request: Request) -> Response:
        return Response(LOGIN, content_type="text/html; charset=utf-8")

    httpserver.expect_request("/user/login").respond_with_handler(login)
    httpserver.expect_request("/licencia").respond_with_data("no existe", status=404)

    zip_url = httpserver.url_for("/datos/establecimientos-csv.zip")
    csv_url = httpserver.url_for("/datos/presupuesto.csv")
    licence = httpserver.url_for("/licencia")
    probes = _probe_all(httpserver, [zip_url, csv_url, licence])
    ds = good_dataset(
        license_url=licence,
        resources=[
            resource(url=zip_url, format="ZIP", media_type="", name="Establecimientos"),
            resource(url=csv_url),
        ],
    )
    found = run(
        ds,
        {zip_url: probes[zip_url], csv_url: probes[csv_url]},
        license_probes={licence: probes[licence]},
    )
    assert codes(found) == ["AV007", "FM005", "LI004"]
    note = only(found, "FM005")[0]
    assert note.evidence["listing"] == "complete"
    assert [m["format"] for m in note.evidence["members"]] == ["CSV", "PDF"]
    assert only(found, "LI004")[0].evidence["status"] == 404

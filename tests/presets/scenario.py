"""A small run built by hand, so that every preset's value can be computed on paper.

AAA (a CKAN portal that answered; key datasets k1 found as d1, k2 missing)
  d1 "Presupuesto": complete metadata, licence cc-by, frequency, no findings
     r1 a.csv   CSV, text/csv, 100 bytes, 200, bytes "a,b"   (nothing sniffable: by extension)
     r2 b.pdf   PDF, no media type, 200, bytes "%PDF"
  d2 "Compras": no keywords/themes/publisher/contact/licence/dates
     r3 c.xlsx  XLSX, 404 (AV002)
     r4 page    declared CSV but the bytes are an HTML page (AV003)
     findings LI001, FR001, FR003, MD002, MD003, MD004
BBB (only a web page source that answered; no key datasets)
  d3 "Datos": keywords, publisher, licence cc-by, modified, frequency anual; stale
     r5 data.json JSON, 200, bytes '{"a": 1}'
     findings FR002, MD003
CCC (its CKAN source failed; key dataset k3 missing; nothing found)
"""

from __future__ import annotations

from odaudit.models import (
    CoverageItem,
    CoverageStatus,
    Dataset,
    Finding,
    Institution,
    KeyDataset,
    Probe,
    ProbeOutcome,
    Resource,
    Severity,
    Source,
)
from odaudit.store.view import (
    DatasetView,
    InstitutionView,
    RunManifest,
    RunView,
    SourceResult,
)

U = "http://127.0.0.1:9/"


def _ok(url: str, sniff: bytes, ctype: str) -> Probe:
    return Probe(url=url, outcome=ProbeOutcome.OK, status=200, content_type=ctype, sniff=sniff)


def _f(code: str, inst: str, ds: str, url: str | None = None) -> Finding:
    return Finding(code, Severity.WARNING, code, inst, ds, url)


def dataset_views() -> dict[str, list[DatasetView]]:
    r1 = Resource(U + "a.csv", format="CSV", media_type="text/csv", size=100)
    r2 = Resource(U + "b.pdf", format="PDF")
    d1 = Dataset(
        id="d1",
        title="Presupuesto",
        description="Presupuesto aprobado y ejecutado, mensual, por programa.",
        publisher="AAA",
        contact_email="datos@aaa.example",
        keywords=["presupuesto"],
        themes=["economia"],
        license_id="cc-by",
        issued="2024-01-01",
        modified="2026-10-01",
        frequency="mensual",
        spatial="Guatemala",
        resources=[r1, r2],
    )
    r3 = Resource(U + "c.xlsx", format="XLSX")
    r4 = Resource(U + "page", format="CSV")
    d2 = Dataset(id="d2", title="Compras", resources=[r3, r4])
    r5 = Resource(U + "data.json", format="JSON")
    d3 = Dataset(
        id="d3",
        title="Datos",
        publisher="BBB",
        keywords=["x"],
        license_id="cc-by",
        modified="2026-01-01",
        frequency="anual",
        resources=[r5],
    )
    return {
        "AAA": [
            DatasetView(
                d1,
                {
                    r1.url: _ok(r1.url, b"a,b\n1,2\n", "text/csv"),
                    r2.url: _ok(r2.url, b"%PDF-1.4\n", "application/pdf"),
                },
                [],
            ),
            DatasetView(
                d2,
                {
                    r3.url: Probe(r3.url, ProbeOutcome.HTTP_ERROR, status=404),
                    r4.url: _ok(r4.url, b"<!DOCTYPE html><html><body>x</body></html>", "text/html"),
                },
                [
                    _f("AV002", "AAA", "d2", r3.url),
                    _f("AV003", "AAA", "d2", r4.url),
                    *(
                        _f(c, "AAA", "d2")
                        for c in ("LI001", "FR001", "FR003", "MD002", "MD003", "MD004")
                    ),
                ],
            ),
        ],
        "BBB": [
            DatasetView(
                d3,
                {r5.url: _ok(r5.url, b'{"a": 1}', "application/json")},
                [_f("FR002", "BBB", "d3"), _f("MD003", "BBB", "d3")],
            )
        ],
        "CCC": [],
    }


INSTITUTIONS = (
    Institution(
        "AAA",
        "Ministerio A",
        sources=(Source("ckan", U + "ckan"),),
        key_datasets=(KeyDataset("k1", "Presupuesto"), KeyDataset("k2", "Planilla")),
    ),
    Institution("BBB", "Secretaría B", sources=(Source("html", U + "b"),)),
    Institution(
        "CCC",
        "Ministerio C",
        sources=(Source("ckan", U + "c"),),
        key_datasets=(KeyDataset("k3", "Leyes"),),
    ),
)
SOURCES = {
    "AAA": [SourceResult("ckan", U + "ckan", "ok", datasets=2, resources=4)],
    "BBB": [SourceResult("html", U + "b", "ok", datasets=1, resources=1)],
    "CCC": [SourceResult("ckan", U + "c", "failed", error="HTTP 503")],
}
COVERAGE = {
    "AAA": [
        CoverageItem("k1", "Presupuesto", CoverageStatus.FOUND, ["d1"]),
        CoverageItem("k2", "Planilla", CoverageStatus.MISSING),
    ],
    "BBB": [],
    "CCC": [CoverageItem("k3", "Leyes", CoverageStatus.MISSING)],
}


def run_view() -> RunView:
    views = dataset_views()
    return RunView(
        manifest=RunManifest(run_id=1, status="complete"),
        methodology={},
        institutions=[
            InstitutionView(
                code=i.code,
                name=i.name,
                sector="",
                sources=SOURCES[i.code],
                datasets=views[i.code],
                coverage=COVERAGE[i.code],
                n_key_datasets=len(i.key_datasets),
            )
            for i in INSTITUTIONS
        ],
        scorecard=None,
    )

"""FM: are the resources in machine-readable, open formats, and are they what they claim?"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from odaudit.checks.context import DatasetContext, ResourceView, label
from odaudit.checks.formats import FormatInfo
from odaudit.checks.registry import Hit, rule
from odaudit.models import Severity

_TEXTUAL = frozenset({"CSV", "TSV", "TEXT", "JSON", "XML"})


def _html_served_for_file(view: ResourceView) -> bool:
    """The AV003 situation: the format rules leave it to availability."""
    expected = view.expected
    return view.served_html and expected is not None and expected.kind not in ("page", "service")


def _bytes_mismatch(view: ResourceView, declared: FormatInfo) -> str | None:
    detected = view.detected
    if detected is None or detected in declared.accepts or _html_served_for_file(view):
        return None
    if detected == "TEXT" and declared.accepts & _TEXTUAL:
        return None  # a one-column CSV or a JSON Lines file reads as plain text
    return detected


def _extension_mismatch(view: ResourceView, declared: FormatInfo) -> FormatInfo | None:
    ext = view.by_extension
    if ext is None or ext.id == declared.id or ext.kind == "service":
        return None
    if ext.id in declared.accepts or ext.accepts & declared.accepts:
        return None
    return ext


@rule(
    code="FM001",
    name="not-machine-readable",
    title="Formato no legible por máquina",
    scope="resource",
    severity=Severity.WARNING,
    weight=60,
    summary="The resource is a PDF, a Word document, an image or a web page, not data.",
    fix="Publique los datos en un formato estructurado (CSV, JSON, XLSX u ODS) además del PDF.",
    what="A resource whose format (as served when it was downloaded, else as declared) is a "
    "document, an image or an HTML page: PDF, DOC/DOCX/ODT, PNG/JPEG, a web page.",
    why="Tables locked in PDFs or pages cannot be reused without retyping them; the "
    "five-star scheme gives them one star at most.",
    example="A budget table published only as `presupuesto-2024.pdf`: FM001.",
)
def not_machine_readable(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for view in ctx.resources:
        effective = view.effective
        if effective is None or effective.machine_readable is not False:
            continue
        if _html_served_for_file(view):
            continue  # AV003
        evidence = view.evidence() | {"format": effective.id, "stars": effective.stars}
        inside = ""
        if view.detected == "ZIP":
            evidence["zip_members"] = view.member_evidence()
            inside = " dentro de un ZIP"
        yield Hit(
            f"El recurso «{label(view.resource)}» está en {effective.id}{inside}, un formato no "
            "legible por máquina.",
            evidence,
            view.resource.url,
        )


@rule(
    code="FM002",
    name="format-mismatch",
    title="El formato declarado no coincide con el archivo",
    scope="resource",
    severity=Severity.WARNING,
    weight=40,
    summary="The declared format differs from the bytes served, or from the URL extension.",
    fix="Corrija el campo de formato del recurso para que diga lo que el archivo realmente es.",
    what="A resource whose declared format disagrees with what its first bytes show "
    "(magic numbers, a parse test of the prefix) or, when it was not downloaded, with "
    "the extension of its URL.",
    why="Users and tools choose a parser from the declared format; a ZIP labelled CSV "
    "breaks every tool that trusts the catalogue.",
    example="Format `CSV`, URL `...-csv.zip`, bytes `50 4b 03 04` (ZIP): FM002.",
)
def format_mismatch(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for view in ctx.resources:
        declared = view.declared
        if declared is None or declared.kind == "service":
            continue
        name = label(view.resource)
        detected = _bytes_mismatch(view, declared)
        if detected is not None:
            yield Hit(
                f"El recurso «{name}» declara {declared.id} pero el servidor entrega {detected}.",
                view.evidence() | {"declared": declared.id, "detected_format": detected},
                view.resource.url,
            )
            continue
        if view.detected is not None:
            continue  # the bytes agree with the declaration: the extension does not matter
        ext = _extension_mismatch(view, declared)
        if ext is not None:
            yield Hit(
                f"El recurso «{name}» declara {declared.id} pero su URL termina en "
                f".{ext.extensions[0] if ext.extensions else ext.id.lower()} ({ext.id}).",
                view.evidence() | {"declared": declared.id, "url_extension_format": ext.id},
                view.resource.url,
            )


@rule(
    code="FM003",
    name="proprietary-format-only",
    title="Solo en formatos propietarios",
    scope="dataset",
    severity=Severity.WARNING,
    weight=30,
    summary="Every data resource is in a proprietary format (XLS/XLSX/SAV/SHP...), none open.",
    fix="Publique también una versión en formato abierto (CSV, JSON, ODS o GeoJSON).",
    what="A dataset whose machine-readable resources are all in non-open formats (Excel, "
    "SPSS, Stata, Shapefile, Access...) with no open alternative.",
    why="Proprietary formats tie users to specific software; the five-star scheme gives "
    "them two stars against three for CSV.",
    example="A dataset with only `ejecucion.xlsx`: FM003.",
)
def proprietary_format_only(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    data = [
        (v, v.effective)
        for v in ctx.resources
        if v.effective is not None
        and v.effective.machine_readable
        and v.effective.kind in ("data", "service")
    ]
    if not data or any(info.open is not False for _, info in data if info is not None):
        return
    formats = sorted({info.id for _, info in data if info is not None})
    yield Hit(
        f"Todos los recursos de datos están en formatos propietarios ({', '.join(formats)}).",
        {
            "formats": formats,
            "resources": [v.resource.url for v, _ in data][:50],
            "stars": [info.stars if info is not None else None for _, info in data][:50],
        },
    )


@rule(
    code="FM004",
    name="format-not-declared",
    title="Formato no declarado",
    scope="resource",
    severity=Severity.INFO,
    weight=10,
    summary="No format is declared and none can be inferred from the URL or the response.",
    fix="Indique el formato del recurso (por ejemplo CSV) en sus metadatos.",
    what="A resource with an empty format field, no known media type, no file extension in "
    "its URL and no format that the download revealed.",
    why="Without a format users cannot tell what they will download before they do.",
    example='Format `""`, URL `.../download-de-dados/202110`, not downloaded: FM004.',
)
def format_not_declared(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for view in ctx.resources:
        if view.resource.format.strip() or view.declared is not None:
            continue
        if view.by_extension is not None or view.detected is not None:
            continue
        if view.fetched_ok and view.served_type is not None:
            continue
        yield Hit(
            f"El recurso «{label(view.resource)}» no declara su formato y no se pudo inferir.",
            view.evidence(),
            view.resource.url,
        )


@rule(
    code="FM005",
    name="zip-archive",
    title="Archivo ZIP",
    scope="resource",
    severity=Severity.INFO,
    weight=0,
    summary="A ZIP resource: its members are listed (from the bytes read) and judged by format.",
    fix="Indique en los metadatos qué contiene el ZIP, o publique los archivos de datos sin "
    "comprimir.",
    what="A resource whose bytes (as read by the probe) are a ZIP archive. The members are listed from the central directory when the bytes read "
    "hold it (small archives), else from the local headers at the start, and the listing "
    "says it is partial: nothing is extracted. The evidence names up to 20 members with "
    "their formats and the five-star level of the best one.",
    why="A ZIP hides what it holds: users download it blind. The format rules judge the "
    "members, not the wrapper: a ZIP of CSVs counts as machine-readable and open, a ZIP of "
    "PDFs gets FM001. This note itself costs no points; it shows the evidence.",
    example="A `-csv.zip` resource of dados.gov.br whose bytes list `dados.csv`: FM005 with "
    "`members: [{name: dados.csv, format: CSV}]`, `stars: 3`.",
)
def zip_archive(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for view in ctx.resources:
        if view.detected != "ZIP":
            continue
        name = label(view.resource)
        listing = view.zip_listing
        members = view.member_evidence()
        evidence = view.evidence() | {"members": members, "n_members": len(view.members)}
        inner = view.inner
        if inner is not None:
            evidence |= {"member_format": inner.id, "stars": inner.stars}
        if listing is not None and listing.complete:
            evidence["listing"] = "complete"
            formats = sorted({str(m["format"]) for m in members if m["format"]}) or ["desconocido"]
            message = (
                f"El recurso «{name}» es un archivo ZIP con {len(view.members)} archivo(s) "
                f"({', '.join(formats)})."
            )
        else:
            evidence["listing"] = "partial: the full listing needs the whole file"
            message = (
                f"El recurso «{name}» es un archivo ZIP; los primeros bytes nombran "
                f"{len(view.members)} archivo(s), la lista completa requiere el archivo entero."
            )
        yield Hit(message, evidence, view.resource.url)

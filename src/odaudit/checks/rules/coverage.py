"""CV: does the institution publish the key datasets it is expected to publish?"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from odaudit.checks.coverage import InstitutionContext
from odaudit.checks.registry import Hit, rule
from odaudit.models import CoverageStatus, Severity


@rule(
    code="CV001",
    name="key-dataset-missing",
    title="Conjunto de datos clave no encontrado",
    scope="institution",
    severity=Severity.ERROR,
    weight=0,
    summary="An expected key dataset was not found in any of the institution's sources.",
    fix="Publique el conjunto de datos clave en formato abierto en el portal de la institución.",
    what="For each key dataset listed for the institution in institutions.yaml, no discovered "
    "dataset matches its title or one of its keywords (all words present, accents and case "
    "ignored) in title, keywords, themes or description.",
    why="The index rewards what matters: budgets, procurement, statistics the law or the "
    "public expects. Coverage counts in the institution score, not the dataset scores.",
    example="MINFIN expected to publish `presupuesto` but no dataset mentions it: CV001.",
)
def key_dataset_missing(ctx: InstitutionContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for item in ctx.coverage:
        if item.status == CoverageStatus.MISSING:
            yield Hit(
                f"No se encontró el conjunto de datos clave «{item.title}».",
                {
                    "key_id": item.key_id,
                    "title": item.title,
                    "datasets": item.dataset_ids[:20],
                    "matched": [m.evidence() for m in ctx.matches.get(item.key_id, [])[:5]],
                },
            )


@rule(
    code="CV002",
    name="key-dataset-pdf-only",
    title="Conjunto de datos clave solo en PDF",
    scope="institution",
    severity=Severity.WARNING,
    weight=0,
    summary="A key dataset was found, but only in non machine-readable formats (PDF...).",
    fix="Publique el conjunto de datos clave también en CSV, JSON o XLSX.",
    what="A key dataset matched by datasets whose resources are all documents, images or "
    "pages (PDF, DOC, HTML), none machine-readable.",
    why="A key dataset published as PDF counts only partly (`pdf_only_credit`).",
    example="The budget found only as `presupuesto-2024.pdf`: CV002.",
)
def key_dataset_pdf_only(ctx: InstitutionContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for item in ctx.coverage:
        if item.status == CoverageStatus.PDF_ONLY:
            yield Hit(
                f"El conjunto de datos clave «{item.title}» solo está en formatos no legibles "
                "por máquina.",
                {"key_id": item.key_id, "title": item.title, "datasets": item.dataset_ids[:20]},
            )


@rule(
    code="CV003",
    name="no-open-data-source",
    title="Sin fuente de datos abiertos",
    scope="institution",
    severity=Severity.ERROR,
    weight=0,
    summary="The institution has no known open-data source at all.",
    fix="Publique un portal o catálogo de datos abiertos, o registre su fuente en el índice.",
    what="An institution with no source (portal, catalog, page) in institutions.yaml.",
    why="An institution that publishes no open data scores only what coverage gives it: zero.",
    example="An institution listed with `sources: []`: CV003.",
)
def no_open_data_source(ctx: InstitutionContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    if ctx.institution.sources:
        return
    yield Hit(
        f"La institución {ctx.institution.name} no tiene ninguna fuente de datos abiertos conocida.",
        {"institution": ctx.institution.code, "key_datasets": len(ctx.institution.key_datasets)},
    )

"""PD: does a published table expose personal identifiers?

Reads the personal-data part of `odaudit.validation` table reports: counts and column
names only. The values themselves never reach a finding.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from odaudit.checks.context import DatasetContext, label
from odaudit.checks.registry import Hit, rule
from odaudit.models import Severity


def _personal(ctx: DatasetContext, attribute: str, noun: str) -> Iterator[Hit]:
    seen: set[str] = set()
    for view in ctx.resources:
        url = view.resource.url
        report = ctx.tables.get(url) if url else None
        personal = getattr(report, "personal_data", None) if report is not None else None
        if personal is None or url in seen:
            continue
        seen.add(url)
        columns = {
            str(c.column): int(getattr(c, attribute, 0) or 0)
            for c in getattr(personal, "columns", None) or ()
            if int(getattr(c, attribute, 0) or 0) > 0
        }
        if not columns:
            continue
        total = sum(columns.values())
        yield Hit(
            f"El recurso «{label(view.resource)}» publica {total} {noun} "
            f"(columnas: {', '.join(list(columns)[:5])}).",
            {
                "url": url,
                "count": total,
                "columns": columns,
                "rows_scanned": int(getattr(personal, "rows_scanned", 0) or 0),
            },
            url,
        )


_WHY = (
    "Guatemala's constitution (art. 24, 31) and the Ley de Acceso a la Información Pública "
    "(art. 22, 'datos personales sensibles') protect personal data: open data must not "
    "expose individuals. Only counts and column names are reported, never the values."
)


@rule(
    code="PD001",
    name="dpi-cui-exposed",
    title="Números de DPI/CUI publicados",
    scope="resource",
    severity=Severity.ERROR,
    weight=100,
    summary="The table holds valid DPI/CUI numbers (13 digits, check digit and place codes valid).",
    fix="Retire o anonimice la columna con números de DPI/CUI antes de publicar.",
    what="Cells holding 13-digit DPI/CUI numbers whose check digit and department/municipality "
    "codes are valid.",
    why=_WHY,
    example="A beneficiaries list with a `DPI` column of valid CUIs: PD001.",
)
def dpi_cui_exposed(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    yield from _personal(ctx, "dpi", "números de DPI/CUI válidos")


@rule(
    code="PD002",
    name="nit-exposed",
    title="Números de NIT publicados",
    scope="resource",
    severity=Severity.WARNING,
    weight=50,
    summary="The table holds NIT numbers with a valid mod-11 check digit.",
    fix="Publique el NIT solo de personas jurídicas; retire el de personas individuales.",
    what="Cells holding NIT (tax id) numbers whose mod-11 check digit is valid.",
    why=_WHY + " A company's NIT is public in procurement data; an individual's is not.",
    example="A list of individual grant recipients with their NIT: PD002.",
)
def nit_exposed(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    yield from _personal(ctx, "nit", "números de NIT válidos")


@rule(
    code="PD003",
    name="emails-exposed",
    title="Correos electrónicos publicados",
    scope="resource",
    severity=Severity.WARNING,
    weight=50,
    summary="The table holds e-mail addresses.",
    fix="Retire los correos personales; publique solo direcciones institucionales.",
    what="Cells holding e-mail addresses.",
    why=_WHY,
    example="A registry export with a column of personal e-mail addresses: PD003.",
)
def emails_exposed(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    yield from _personal(ctx, "email", "direcciones de correo electrónico")


@rule(
    code="PD004",
    name="phones-exposed",
    title="Números de teléfono publicados",
    scope="resource",
    severity=Severity.WARNING,
    weight=50,
    summary="The table holds Guatemalan phone numbers.",
    fix="Retire los teléfonos personales; publique solo teléfonos institucionales.",
    what="Cells holding Guatemalan 8-digit phone numbers (first digit 2-7, optional +502).",
    why=_WHY,
    example="A school registry with the director's mobile number: PD004.",
)
def phones_exposed(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    yield from _personal(ctx, "phone", "números de teléfono")

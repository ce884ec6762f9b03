"""MD: does each dataset say what it is, who publishes it and whom to ask?"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from odaudit.checks.context import DatasetContext
from odaudit.checks.registry import Hit, rule
from odaudit.checks.text import fold
from odaudit.models import Severity

_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_LETTER = re.compile(r"[^\W\d_]")


def _valid_email(value: str) -> bool:
    text = value.strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return bool(_EMAIL.match(text.split("?", 1)[0]))


def _valid_url(value: str) -> bool:
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    if parts.scheme.lower() == "mailto":
        return _valid_email(value)
    return parts.scheme.lower() in ("http", "https") and "." in parts.netloc


@rule(
    code="MD001",
    name="description-missing",
    title="Sin descripción",
    scope="dataset",
    severity=Severity.WARNING,
    weight=25,
    summary="No description, or one shorter than min_length characters.",
    fix="Describa el contenido, la cobertura y la fuente de los datos en unas frases.",
    what="A dataset whose description is empty or shorter than `min_length` characters "
    "(markup and spaces not counted).",
    why="The description is how users find a dataset and judge if it fits their need.",
    example='`notes: ""` on a CKAN dataset: MD001.',
    params={"min_length": 30},
    params_doc={"min_length": "shortest acceptable description, in characters"},
)
def description_missing(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    text = " ".join(re.sub(r"<[^>]*>", " ", ctx.dataset.description or "").split())
    minimum = int(params.get("min_length", 30))
    if len(text) >= minimum:
        return
    if not text:
        yield Hit("El conjunto de datos no tiene descripción.", {"length": 0})
    else:
        yield Hit(
            f"La descripción tiene {len(text)} caracteres (mínimo {minimum}).",
            {"length": len(text), "min_length": minimum, "description": text[:200]},
        )


@rule(
    code="MD002",
    name="publisher-missing",
    title="Sin publicador",
    scope="dataset",
    severity=Severity.WARNING,
    weight=25,
    summary="No publisher or organization.",
    fix="Indique la institución que publica el conjunto de datos.",
    what="A dataset with neither a publisher nor an owning organization.",
    why="Users need to know who stands behind the data to trust and cite it.",
    example='A data.json catalog whose `publisher.name` is `""`: MD002.',
)
def publisher_missing(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    if (ctx.dataset.publisher or "").strip() or (ctx.dataset.organization or "").strip():
        return
    yield Hit("El conjunto de datos no indica quién lo publica.", {})


@rule(
    code="MD003",
    name="contact-missing",
    title="Sin contacto válido",
    scope="dataset",
    severity=Severity.WARNING,
    weight=25,
    summary='No contact, or an invalid e-mail/URL (e.g. "mailto:" alone).',
    fix="Publique un correo electrónico o formulario de contacto válido para consultas.",
    what="A dataset with no contact e-mail or URL, or whose contact is not a valid address "
    '(`"mailto:"` with nothing after it, an e-mail without a domain).',
    why="Users must be able to report errors and ask questions about the data.",
    example='`contactPoint.hasEmail: "mailto:"`: MD003.',
)
def contact_missing(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    email = (ctx.dataset.contact_email or "").strip()
    url = (ctx.dataset.contact_url or "").strip()
    if (email and _valid_email(email)) or (url and _valid_url(url)):
        return
    if email or url:
        # an address may belong to a person: show it only when it holds no mailbox part
        raw = email or url
        shown = raw[:80] if "@" not in raw else "(dirección con formato inválido)"
        yield Hit(
            f"El contacto publicado no es válido: {shown}.",
            {"contact_email": "" if "@" in email else email[:200], "contact_url": url[:200]},
        )
    else:
        yield Hit("El conjunto de datos no indica un contacto.", {})


@rule(
    code="MD004",
    name="keywords-missing",
    title="Sin palabras clave",
    scope="dataset",
    severity=Severity.WARNING,
    weight=25,
    summary="No keywords or tags.",
    fix="Agregue palabras clave (etiquetas) que describan el tema de los datos.",
    what="A dataset with no keywords (DCAT `keyword`, CKAN tags) that are not blank.",
    why="Keywords are how catalog search and harvesters find the dataset.",
    example="`keyword: null` (56 of 72 datasets of datos.gob.ar in 2017): MD004.",
)
def keywords_missing(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    if any(str(k).strip() for k in ctx.dataset.keywords or ()):
        return
    yield Hit("El conjunto de datos no tiene palabras clave.", {})


def _junk_title(title: str, dataset_id: str) -> str | None:
    if not title:
        return "vacío"
    if not _LETTER.search(title):
        return "sin letras"
    if title.strip().lower() == (dataset_id or "").strip().lower():
        return "igual al identificador"
    words = title.split()
    if len(words) == 1 and len(title) >= 3 and len(set(title.lower())) <= 2:
        return "caracteres repetidos"
    return None


@rule(
    code="MD005",
    name="title-missing",
    title="Título vacío o sin sentido",
    scope="dataset",
    severity=Severity.WARNING,
    weight=25,
    summary="Empty or junk title (no letters, a repeated character, or equal to the id).",
    fix="Dé al conjunto de datos un título descriptivo en lenguaje natural.",
    what="A dataset whose title is empty, has no letters, is one word made of one or two "
    "repeated characters, or just repeats the dataset id.",
    why="The title is the first thing users see; a junk title hides the dataset.",
    example='Titles "eee" and "xdxxdddddd" on demo.ckan.org: MD005.',
)
def title_missing(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    title = " ".join((ctx.dataset.title or "").split())
    reason = _junk_title(title, ctx.dataset.id)
    if reason is None:
        return
    yield Hit(
        f"El título del conjunto de datos no es válido ({reason}): «{title[:80]}».",
        {"title": title[:200], "reason": reason},
    )


_LIGHT_WHY = (
    " It is info-level with a small default weight (10-15 points of the metadata "
    "dimension, against 25 for the essentials MD001-MD005) so that it never outweighs a "
    "missing description, publisher or contact."
)


def _blank(value: str | None) -> bool:
    return not (value or "").strip()


@rule(
    code="MD006",
    name="theme-missing",
    title="Sin tema o categoría",
    scope="dataset",
    severity=Severity.INFO,
    weight=10,
    summary="No theme, category or group.",
    fix="Clasifique el conjunto de datos en al menos un tema o grupo del portal.",
    what="A dataset with no theme (DCAT `theme`/`superTheme`, CKAN groups, Socrata "
    "categories) that is not blank.",
    why="Themes are how portals and national catalogues group data for browsing and "
    "harvesting." + _LIGHT_WHY,
    example="A CKAN dataset in no group: MD006.",
)
def theme_missing(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    if any(str(t).strip() for t in ctx.dataset.themes or ()):
        return
    yield Hit("El conjunto de datos no está clasificado en ningún tema.", {})


@rule(
    code="MD007",
    name="temporal-coverage-missing",
    title="Sin cobertura temporal",
    scope="dataset",
    severity=Severity.INFO,
    weight=10,
    summary="No temporal coverage (the period the data describes).",
    fix="Indique el periodo que cubren los datos (p. ej. 2020-01-01/2025-12-31).",
    what="A dataset with no temporal coverage (DCAT `temporal`, CKAN `temporal` / "
    "`cobertura_temporal` extras or start/end fields).",
    why="Users need to know which years the data covers before downloading it; the "
    "modification date does not say it." + _LIGHT_WHY,
    example="Every one of the 72 datasets of datos.gob.ar's data.json of 2017-08-13 has no "
    "`temporal`: MD007.",
)
def temporal_coverage_missing(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    if not _blank(ctx.dataset.temporal):
        return
    yield Hit("El conjunto de datos no indica qué periodo cubren los datos.", {})


@rule(
    code="MD008",
    name="spatial-coverage-missing",
    title="Sin cobertura geográfica",
    scope="dataset",
    severity=Severity.INFO,
    weight=10,
    summary="No spatial coverage (the territory the data describes).",
    fix="Indique el territorio que cubren los datos (país, departamento o municipio).",
    what="A dataset with no spatial coverage (DCAT `spatial`, CKAN `spatial` / "
    "`spatial_text` / `cobertura_geo` extras).",
    why="A national, departmental or municipal table reads differently; users and "
    "harvesters filter by territory." + _LIGHT_WHY,
    example="A data.json dataset of datos.gob.ar with no `spatial`: MD008.",
)
def spatial_coverage_missing(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    if not _blank(ctx.dataset.spatial):
        return
    yield Hit("El conjunto de datos no indica qué territorio cubren los datos.", {})


_DICTIONARY_WORDS = (
    "diccionario",
    "dicionario",
    "dictionary",
    "metadatos",
    "metadata",
    "codebook",
    "libro de codigos",
    "librocodigos",
    "descripcion de campos",
    "descripcion de variables",
    "esquema",
    "schema",
)
_DICTIONARY_EXTRAS = (
    "describedBy",
    "describedby",
    "conformsTo",
    "conforms_to",
    "data_dictionary",
    "diccionario",
    "diccionario_datos",
    "schema",
)


def _dictionary_resource(ctx: DatasetContext) -> str | None:
    for res in ctx.dataset.resources:
        text = fold(f"{res.name} {res.description} {res.url.rsplit('/', 1)[-1]}")
        if any(word in text for word in _DICTIONARY_WORDS):
            return res.url or res.name
    return None


@rule(
    code="MD009",
    name="data-dictionary-missing",
    title="Sin diccionario de datos",
    scope="dataset",
    severity=Severity.INFO,
    weight=15,
    summary="No data dictionary: no conformsTo/describedBy and no dictionary resource.",
    fix="Publique un diccionario de datos (nombre, tipo y significado de cada columna).",
    what="A dataset with no schema or data-dictionary link (DCAT `conformsTo`/`describedBy`, "
    "the same keys in CKAN extras) and no resource that is a dictionary by its name, "
    'description or file name ("diccionario", "dictionary", "metadatos", "codebook", '
    '"libro de códigos", "esquema"...).',
    why="Without the meaning and units of each column a table cannot be used correctly; "
    "codes stay opaque." + _LIGHT_WHY,
    example='A dataset of dados.gov.br with a "Dicionário de Dados" HTML resource: no '
    "finding; the same dataset without it: MD009.",
)
def data_dictionary_missing(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    if not _blank(ctx.dataset.conforms_to):
        return
    if any(not _blank(ctx.dataset.extras.get(k)) for k in _DICTIONARY_EXTRAS):
        return
    if _dictionary_resource(ctx) is not None:
        return
    yield Hit("El conjunto de datos no enlaza un diccionario de datos ni un esquema.", {})

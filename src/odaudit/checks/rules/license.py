"""LI: does every dataset carry a recognised open licence?"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from odaudit.checks.context import DatasetContext
from odaudit.checks.licenses import LicenseInfo, looks_like_html, resolve_license
from odaudit.checks.registry import Hit, rule
from odaudit.checks.sniff import is_challenge_page
from odaudit.models import ProbeOutcome, Severity

_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class _Reading:
    """The licence strings a dataset publishes and what the registry makes of them."""

    published: dict[str, str]  # field -> raw string
    known: list[tuple[str, LicenseInfo]]  # field -> registry entry
    unknown: list[str]  # fields whose string the registry does not know
    distribution_closed: list[tuple[str, LicenseInfo]]  # resource url -> not-open licence


def _read(ctx: DatasetContext) -> _Reading:
    ds = ctx.dataset
    published = {
        k: v.strip()
        for k, v in (
            ("license_id", ds.license_id or ""),
            ("license_title", ds.license_title or ""),
            ("license_url", ds.license_url or ""),
        )
        if v and v.strip()
    }
    if not published:  # DCAT: the licence may be given per distribution only
        for n, text in enumerate(dict.fromkeys(_resource_licences(ctx))):
            published[f"resource_license_{n}"] = text
    known: list[tuple[str, LicenseInfo]] = []
    unknown: list[str] = []
    for key, value in published.items():
        info = resolve_license(value)
        if info is None:
            unknown.append(key)
        else:
            known.append((key, info))
    closed: list[tuple[str, LicenseInfo]] = []
    for res in ds.resources:
        info = resolve_license(res.license) if res.license and res.license.strip() else None
        if info is not None and info.open is False:
            closed.append((res.url, info))
    return _Reading(published, known, unknown, closed)


def _shown(text: str) -> str:
    """A licence string fit for a message: HTML stripped, shortened."""
    plain = " ".join(_TAG.sub(" ", text).split())
    return plain[:120] + ("…" if len(plain) > 120 else "")


def _resource_licences(ctx: DatasetContext) -> list[str]:
    return [r.license.strip() for r in ctx.dataset.resources if r.license and r.license.strip()]


@rule(
    code="LI001",
    name="no-license",
    title="Sin licencia",
    scope="dataset",
    severity=Severity.ERROR,
    weight=100,
    summary='No licence, or "notspecified" / "License not specified" / empty.',
    fix="Asigne una licencia abierta explícita, por ejemplo CC BY 4.0 o CC0.",
    what="A dataset with no licence at all, or whose licence says none was given "
    '(`notspecified`, "License not specified", "No se especificó la licencia").',
    why="Without a licence, reuse is legally uncertain: data with no licence is not open data.",
    example='`license_id: "notspecified"`, title "No se especificó la licencia": LI001.',
)
def no_license(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    reading = _read(ctx)
    if reading.unknown or any(info.open is not None for _, info in reading.known):
        return
    evidence: dict[str, Any] = {"published": reading.published}
    if reading.known:
        evidence["registry_id"] = reading.known[0][1].id
        text = reading.published.get("license_title") or next(iter(reading.published.values()))
        message = f"El conjunto de datos declara que no tiene licencia («{_shown(text)}»)."
    else:
        message = "El conjunto de datos no indica ninguna licencia."
    yield Hit(message, evidence)


@rule(
    code="LI002",
    name="license-not-open",
    title="Licencia no abierta",
    scope="dataset",
    severity=Severity.ERROR,
    weight=100,
    summary="A known licence that is not open (non-commercial, no-derivatives, closed).",
    fix="Cambie a una licencia abierta (CC BY 4.0, CC0 u ODbL) que permita cualquier uso.",
    what="A dataset (or one of its distributions) under a licence the Open Definition does "
    'not accept: Creative Commons NC or ND variants, "Otra (No abierta)", all rights reserved.',
    why="Open data must be free to reuse by anyone for any purpose, commercial included.",
    example='`license_id: "cc-nc"` or a distribution under "CC BY-NC 3.0": LI002.',
)
def license_not_open(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    reading = _read(ctx)
    closed = [(k, info) for k, info in reading.known if info.open is False]
    if closed:
        key, info = closed[0]
        raw = reading.published[key]
        yield Hit(
            f"La licencia «{_shown(raw)}» ({info.id}) no es una licencia abierta.",
            {"published": reading.published, "registry_id": info.id, "open": False},
        )
        return
    for url, info in reading.distribution_closed[:1]:
        yield Hit(
            f"Un recurso del conjunto se publica bajo {info.id}, que no es una licencia abierta.",
            {
                "published": reading.published,
                "resource_url": url,
                "resource_license": info.id,
                "open": False,
            },
        )


@rule(
    code="LI003",
    name="license-unrecognised",
    title="Licencia no reconocida",
    scope="dataset",
    severity=Severity.WARNING,
    weight=50,
    summary="A licence string the registry does not know (HTML blob, terms-of-use page...).",
    fix="Use el identificador o la URL oficial de una licencia abierta conocida (p. ej. CC BY 4.0).",
    what="A dataset whose licence text, id or URL matches no entry of the licence registry: "
    "an HTML blob, a terms-of-use page, a per-item ArcGIS licence URL, free text.",
    why="Users cannot tell their rights from an unrecognised licence; machines cannot either.",
    example='`license: "<DIV>Soumis à la licence Etalab…</DIV>"`: LI003.',
)
def license_unrecognised(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    reading = _read(ctx)
    if not reading.unknown or any(info.open is not None for _, info in reading.known):
        return
    key = reading.unknown[0]
    raw = reading.published[key]
    yield Hit(
        f"La licencia «{_shown(raw)}» no corresponde a ninguna licencia conocida.",
        {
            "published": {k: v[:1000] for k, v in reading.published.items()},
            "field": key,
            "html": looks_like_html(raw),
        },
    )


_LINK_INDETERMINATE = frozenset({401, 403, 429})


@rule(
    code="LI004",
    name="license-link-broken",
    title="Enlace de la licencia roto",
    scope="dataset",
    severity=Severity.WARNING,
    weight=20,
    summary="The dataset's licence URL answers an HTTP error or loops on redirects.",
    fix="Enlace la licencia a su texto oficial (p. ej. https://creativecommons.org/licenses/by/4.0/).",
    what="A dataset whose `license_url` was probed during the run (once per URL) and answered "
    "an HTTP error (404, 410, 500...) or redirected too many times. 401/403/429, bot "
    "challenges, timeouts and network errors are not judged: the page may be fine.",
    why="The licence link is where users read their rights; a dead link leaves the terms "
    "unknown even when the licence name is recognised. The name still tells a lot, so this "
    "is a warning with a small weight.",
    example="`license_url: http://datos.example.gob.gt/licencia` answering `HTTP 404`: LI004.",
)
def license_link_broken(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    url = (ctx.dataset.license_url or "").strip()
    probe = ctx.license_probes.get(url) if url else None
    if probe is None:
        return
    broken = probe.outcome == ProbeOutcome.TOO_MANY_REDIRECTS or (
        probe.outcome == ProbeOutcome.HTTP_ERROR
        and probe.status not in _LINK_INDETERMINATE
        and not is_challenge_page(probe.sniff, probe.headers)
    )
    if not broken:
        return
    status = f"HTTP {probe.status}" if probe.status is not None else "demasiadas redirecciones"
    yield Hit(
        f"El enlace de la licencia «{_shown(url)}» no funciona ({status}).",
        {
            "license_url": url[:500],
            "outcome": probe.outcome.value,
            "status": probe.status,
            "final_url": probe.final_url[:500],
            "redirects": probe.redirects[:20],
        },
    )

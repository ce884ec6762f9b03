"""AV008: the portal declares a file public while its robots.txt tells robots to keep away."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from odaudit.checks.context import DatasetContext, label
from odaudit.checks.registry import Hit, rule
from odaudit.models import Severity


def _robots_url(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}/robots.txt"


def _text(value: object, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


@rule(
    code="AV008",
    name="robots-disallows",
    title="robots.txt prohíbe el recurso",
    scope="resource",
    severity=Severity.INFO,
    weight=0,
    summary="The portal declares the file public, but its robots.txt tells robots to stay away.",
    fix="Permita en robots.txt el acceso a los archivos que publica como datos abiertos, para "
    "que buscadores, agregadores y auditores puedan leerlos.",
    what="A resource whose origin's robots.txt disallows its URL for our user agent (the group "
    "that names `odaudit`, else the `*` group, as protego reads it). The robots.txt is read "
    "once per origin; a missing one (4xx) allows everything and one that cannot be read (429, "
    "5xx, no answer) decides nothing, so neither produces this finding.",
    why="Open data is meant to be found and reused by machines: a catalogue entry that robots "
    "may not fetch contradicts itself, and search engines and harvesters that obey robots.txt "
    "will never see the file. The portal did declare the file public, so the auditor still "
    "checks it once, politely, and reports the contradiction as a note that costs no points.",
    example="`https://datos.example.gob.gt/robots.txt` holds `User-agent: *` and "
    "`Disallow: /descargas/`; the resource `https://datos.example.gob.gt/descargas/"
    "presupuesto.csv` gets AV008 with `robots_rule: Disallow: /descargas/`.",
)
def robots_disallows(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    reported: set[str] = set()
    for view in ctx.resources:
        url = view.resource.url
        verdict = ctx.robots.get(url)
        allowed = verdict if isinstance(verdict, bool) else getattr(verdict, "allowed", None)
        if allowed is not False or url in reported:
            continue
        reported.add(url)
        robots_url = _text(getattr(verdict, "robots_url", ""), 500) or _robots_url(url)
        evidence: dict[str, Any] = view.evidence() | {"robots_url": robots_url}
        line = _text(getattr(verdict, "rule", ""), 500)
        if line:
            evidence["robots_rule"] = line
        where = f" («{line}»)" if line else ""
        yield Hit(
            f"El recurso «{label(view.resource)}» se publica como dato abierto, pero el "
            f"robots.txt del sitio{where} pide a los robots no descargarlo.",
            evidence,
            url,
        )

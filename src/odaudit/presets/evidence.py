"""Questions every preset asks of the stored evidence, answered one way for all of them.

A preset never re-judges what the checks judged: a licence is open when one is stated
and no licence rule (LI001–LI003) said otherwise, a resource is reachable when its probe ended in a
2xx answer, a page served where a file was promised is HTML (AV003). Formats are
decided as ckanext-qa decides them (see `odaudit.presets.formats`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from odaudit.models import Dataset, Finding, Probe, ProbeOutcome, Resource
from odaudit.presets._qa_openness import OPENNESS_STARS
from odaudit.presets.formats import canonical_format, extension_variants, sniff_format
from odaudit.store.view import DatasetView

__all__ = [
    "LICENCE_CODES",
    "codes",
    "format_stars",
    "has_contact",
    "has_licence",
    "licence_open",
    "reachable",
    "resource_codes",
    "resource_format",
    "resource_stars",
    "text",
]

#: Findings that mean "the licence is not known to be open".
LICENCE_CODES = frozenset({"LI001", "LI002", "LI003"})


def text(value: object) -> str:
    """A stripped string, or "" for anything else (stored evidence may hold any JSON value)."""
    return value.strip() if isinstance(value, str) else ""


def reachable(probe: Probe | None) -> bool:
    """The URL answered 2xx (after redirects) to an anonymous request."""
    return probe is not None and probe.outcome == ProbeOutcome.OK


def codes(findings: Iterable[Finding]) -> set[str]:
    return {f.code for f in findings}


def resource_codes(dv: DatasetView, resource: Resource) -> set[str]:
    """Codes of the findings about this resource (not about its dataset as a whole)."""
    return {
        f.code for f in dv.findings if f.resource_url is not None and f.resource_url == resource.url
    }


def licence_open(dv: DatasetView) -> bool:
    """A licence is stated and no licence rule found it missing, closed or unknown."""
    stated = has_licence(dv.dataset) or any(text(r.license) for r in dv.dataset.resources)
    return stated and not (codes(dv.findings) & LICENCE_CODES)


def has_licence(dataset: Dataset, resource: Resource | None = None) -> bool:
    """A licence is stated for the dataset or the distribution ("notspecified" is none)."""
    values = [dataset.license_id, dataset.license_title, dataset.license_url]
    if resource is not None:
        values.append(resource.license)
    return any(text(v) and text(v).lower() != "notspecified" for v in values)


def has_contact(dataset: Dataset) -> bool:
    return any(text(v) for v in (dataset.contact_name, dataset.contact_email, dataset.contact_url))


def _detected(resource: Resource, probe: Probe | None, found: set[str]) -> str | None:
    """The format the bytes proved: sniffed signature, or a page where a file was promised."""
    sniffed = sniff_format(probe.sniff) if probe is not None else None
    if sniffed:
        return sniffed
    return "HTML" if "AV003" in found else None


def resource_format(
    dv: DatasetView, resource: Resource, stars: Mapping[str, int] = OPENNESS_STARS
) -> tuple[str | None, int]:
    """(format, stars for the format alone), decided the way ckanext-qa decides it.

    Bytes first (a sniffed format that has a score), then the URL extensions (a known
    format without a score gets 1), then the declared format; 1 when nothing is known.
    ckanext-qa turns a 0 found by URL extension into 1 (`if score:`); here 0 stays 0.
    """
    probe = dv.probes.get(resource.url)
    detected = _detected(resource, probe, resource_codes(dv, resource))
    if detected is not None and detected in stars:
        return detected, stars[detected]
    for ext in extension_variants(resource.url):
        fmt = canonical_format(ext)
        if fmt is not None:
            return fmt, stars.get(fmt, 1)
    fmt = canonical_format(resource.format)
    if fmt is not None and fmt in stars:
        return fmt, stars[fmt]
    return detected or fmt, 1


def format_stars(
    dv: DatasetView, resource: Resource, stars: Mapping[str, int] = OPENNESS_STARS
) -> int:
    """Stars earned by the format alone (availability and licence aside)."""
    return resource_format(dv, resource, stars)[1]


def resource_stars(
    dv: DatasetView, resource: Resource, stars: Mapping[str, int] = OPENNESS_STARS
) -> int:
    """ckanext-qa's openness score: 0 unless reachable with an open licence, else the format's."""
    if not reachable(dv.probes.get(resource.url)):
        return 0
    score = format_stars(dv, resource, stars)
    return score if score > 0 and licence_open(dv) else 0

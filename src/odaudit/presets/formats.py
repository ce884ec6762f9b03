"""What format a resource really is: sniffed bytes, URL extension, declared format.

ckanext-qa decides a resource's format in this order (tasks.py `resource_score`): the
format sniffed from the downloaded bytes, then the URL's extension, then the declared
format field, each looked up in CKAN's format registry. The store keeps the first
2 KiB of each body, so only formats with an unmistakable signature are sniffed here;
anything else falls through to the URL and the declaration, as ckanext-qa does when
it has no download. The checks' sniffer (`odaudit.checks.sniff`) adds what text and
OLE2 tests can tell (CSV/TSV tables, XLS or DOC), as ckanext-qa's own sniffer does.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

from odaudit.checks.sniff import detect_format
from odaudit.presets._ckan_formats import CKAN_FORMATS

__all__ = ["canonical_format", "extension_variants", "sniff_format"]


@cache
def _registry() -> dict[str, str]:
    """Every name CKAN knows a format by (lower-cased) → its short name."""
    out: dict[str, str] = {}
    for short, description, media_type, alternatives in CKAN_FORMATS:
        for name in (media_type, short, description, *alternatives):
            if name:
                out[name.lower()] = short
    return out


def _munge(value: str) -> str:
    """ckanext-qa's `munge_format_to_be_canonical`: lower-case, no dot, only a-z / +."""
    value = value.strip().lower()
    if value.startswith("."):
        value = value[1:]
    return re.sub(r"[^a-z/+]", "", value)


def canonical_format(value: object) -> str | None:
    """CKAN's short name for a declared format, extension or media type; None if unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    registry = _registry()
    key = value.strip().lower().split(";")[0].strip()
    return registry.get(key) or registry.get(_munge(value))


def extension_variants(url: object) -> list[str]:
    """The file name's extensions, most significant first ("a.csv.zip" → csv.zip, zip)."""
    if not isinstance(url, str):
        return []
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return []
    name = path.rsplit("/", 1)[-1]
    parts = name.split(".")
    return [".".join(parts[-n:]) for n in (2, 1) if len(parts) > n]


_XML_ROOTS = (
    (b"<rdf:rdf", "RDF"),
    (b"<kml", "KML"),
    (b"<feed", "Atom Feed"),
    (b"<rss", "RSS"),
)


#: What the checks' sniffer may say that tells no format apart.
_VAGUE = frozenset({"TEXT", "OLE2"})


def sniff_format(sniff: bytes) -> str | None:
    """CKAN's short name for the format the first bytes of a body show, or None.

    The checks' sniffer (`odaudit.checks.sniff.detect_format`) decides; XML is narrowed by
    its root element (RDF, KML, Atom, RSS), and plain text or an unnamed OLE2 file prove nothing.
    """
    if not isinstance(sniff, bytes) or not sniff:
        return None
    try:
        detected = detect_format(sniff[:2048])
    except (ValueError, LookupError):
        return None
    if detected == "XML":
        text = sniff[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        for marker, name in _XML_ROOTS:
            if marker in text:
                return name
    if detected is None or detected in _VAGUE:
        return None
    return canonical_format(detected)

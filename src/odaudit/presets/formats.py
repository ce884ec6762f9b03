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


def _sniff_zip(head: bytes) -> str:
    """An OOXML/ODF package names its parts near the start; a plain zip does not."""
    if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in head:
        return "ODS"
    if b"mimetypeapplication/vnd.oasis.opendocument.text" in head:
        return "ODT"
    if b"xl/" in head:
        return "XLSX"
    if b"word/" in head:
        return "DOCX"
    if b"ppt/" in head:
        return "PPTX"
    return "ZIP"


#: What the checks' sniffer may say that tells no format apart.
_VAGUE = frozenset({"TEXT", "OLE2"})


def sniff_format(sniff: bytes) -> str | None:
    """CKAN's short name for the format the first bytes of a body show, or None.

    Signatures first (including XML roots: RDF, KML, Atom, RSS), then the checks'
    text and OLE2 tests; plain text and an unnamed OLE2 file prove nothing.
    """
    if not isinstance(sniff, bytes) or not sniff:
        return None
    found = _signature(sniff[:2048])
    if found is not None:
        return found
    try:
        detected = detect_format(sniff[:2048])
    except (ValueError, LookupError):
        return None
    if detected is None or detected in _VAGUE:
        return None
    return canonical_format(detected)


def _signature(head: bytes) -> str | None:
    """Magic numbers, and markup whose root names the format."""
    if head.startswith(b"%PDF"):
        return "PDF"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(head)
    if head.startswith(b"\x1f\x8b"):
        return "GZ"
    if head.startswith(b"Rar!"):
        return "RAR"
    if head.startswith(b"\x89PNG"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")) or (
        text.startswith(b"<") and b"<html" in text[:512]
    ):
        return "HTML"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        for marker, name in _XML_ROOTS:
            if marker in text:
                return name
        return "XML" if text.startswith(b"<?xml") else None
    return None

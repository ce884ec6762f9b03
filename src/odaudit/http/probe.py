"""Turning HTTP answers into `Probe` evidence, and when a HEAD is not enough."""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

__all__ = [
    "HEAD_FALLBACK_STATUSES",
    "KEPT_HEADERS",
    "content_length_of",
    "kept_headers",
    "media_type",
    "needs_get",
]

#: Headers kept as evidence on a probe: what the checks and a human reviewer need.
KEPT_HEADERS = (
    "content-type",
    "content-length",
    "content-range",
    "last-modified",
    "etag",
    "content-disposition",
    "retry-after",
    "location",
    "server",
    "cf-mitigated",
    "content-encoding",
    "x-robots-tag",
)

#: HEAD answers that often mean "HEAD is broken here", not "the file is missing".
HEAD_FALLBACK_STATUSES = frozenset({400, 403, 405, 406, 500, 501})

#: Paths that name a web page; anything else (no extension, .csv, download.php) may be a file.
_PAGE_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_SMALL_PAGE = 1024 * 1024


def kept_headers(headers: dict[str, str]) -> dict[str, str]:
    return {name: headers[name] for name in KEPT_HEADERS if name in headers}


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isdigit() else None


def content_length_of(status: int, headers: dict[str, str]) -> int | None:
    """The full size of the resource: the Content-Range total for a 206, else Content-Length."""
    if status == 206:
        total = headers.get("content-range", "").rpartition("/")[2]
        return _int(total)
    return _int(headers.get("content-length"))


def _could_be_file(url: str) -> bool:
    path = urlsplit(url).path
    return posixpath.splitext(path)[1].lower() not in _PAGE_EXTENSIONS


def needs_get(status: int, headers: dict[str, str], url: str) -> bool:
    """Whether a HEAD answer leaves the probe unsure, so a ranged GET must look at the bytes."""
    if status in HEAD_FALLBACK_STATUSES:
        return True
    if not 200 <= status < 300:
        return False
    if "content-length" not in headers and "last-modified" not in headers:
        return True
    if media_type(headers.get("content-type", "")) in ("text/html", "application/xhtml+xml"):
        length = _int(headers.get("content-length"))
        return (length is None or length <= _SMALL_PAGE) and _could_be_file(url)
    return False

"""Tell what a file really is from its first bytes, whatever the portal declared.

Magic numbers first (PDF, ZIP and the OOXML/ODF formats inside it, OLE2, gzip,
images), then text tests on the decoded prefix (HTML, XML, JSON, CSV/TSV, plain
text). The prefix may be cut anywhere, so the text tests tolerate a truncated tail.
"""

from __future__ import annotations

import csv
import json
import re

__all__ = ["detect_format", "is_challenge_page"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S
)
_XML = re.compile(rb"^\s*<(?:\?xml|[A-Za-z_][\w.:-]*[\s>/])", re.S)
_CHALLENGE = (
    b"cf-chl",
    b"challenge-platform",
    b"just a moment...",
    b"attention required! | cloudflare",
    b"ddos-guard",
    b"checking your browser",
)


def _zip_kind(prefix: bytes) -> str:
    if b"mimetype" in prefix[:200]:
        if b"opendocument.spreadsheet" in prefix[:400]:
            return "ODS"
        if b"opendocument.text" in prefix[:400]:
            return "ODT"
    if b"xl/" in prefix:
        return "XLSX"
    if b"word/" in prefix:
        return "DOCX"
    if b"ppt/" in prefix:
        return "PPTX"
    return "ZIP"


def _ole2_kind(prefix: bytes) -> str:
    text = prefix.replace(b"\x00", b"")
    if b"Workbook" in text or b"Book" in text:
        return "XLS"
    if b"WordDocument" in text:
        return "DOC"
    return "OLE2"


def _decode(prefix: bytes) -> str | None:
    body = prefix[3:] if prefix.startswith(b"\xef\xbb\xbf") else prefix
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return body.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in body[:4096]:
        return None
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            # a multi-byte character cut by the prefix limit is not a decoding error
            try:
                return body[:-3].decode(encoding) if encoding == "utf-8" else None
            except UnicodeDecodeError:
                continue
    return None


_JSON_START = re.compile(r'^[\[{]\s*(?:["{\[\]}]|-?\d|true|false|null)')


def _looks_json(text: str) -> bool:
    stripped = text.lstrip()
    if not _JSON_START.match(stripped):
        return False
    try:
        json.loads(stripped)
        return True
    except ValueError as exc:
        # cut by the prefix limit: a long valid stretch before the first error
        pos = getattr(exc, "pos", 0)
        return pos >= len(stripped.rstrip()) - 1 or pos * 5 >= len(stripped)


def _delimited_kind(text: str) -> str | None:
    lines = [line for line in text.splitlines()[:100] if line.strip()]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut
    if len(lines) < 2:
        return None
    best: tuple[int, str] = (0, "")
    for delimiter in (",", ";", "\t", "|"):
        if delimiter not in text:  # every row would be one cell wide: not a table by it
            continue
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        common = max(set(widths), key=widths.count)
        support = widths.count(common)
        # a table: one width (2+ columns) shared by most lines, ragged rows tolerated
        if common >= 2 and support >= 2 and support * 2 >= len(widths) and support > best[0]:
            best = (support, delimiter)
    if not best[1]:
        return None
    return "TSV" if best[1] == "\t" else "CSV"


#: The latest answers by the identity of the bytes asked about: the pipeline asks whether
#: a probe is a table, then the checks ask what it is, about the same bytes object.
_RECENT: dict[int, tuple[bytes, str | None]] = {}
_RECENT_MAX = 64


def detect_format(prefix: bytes) -> str | None:
    """The format id the bytes show (PDF, ZIP, XLSX, XLS, HTML, JSON, CSV, TEXT...), or None."""
    if not prefix:
        return None
    seen = _RECENT.get(id(prefix))
    if seen is not None and seen[0] is prefix:
        return seen[1]
    found = _detect(prefix)
    if type(prefix) is bytes:  # immutable: the answer cannot go stale
        if len(_RECENT) >= _RECENT_MAX:
            del _RECENT[next(iter(_RECENT))]
        _RECENT[id(prefix)] = (prefix, found)
    return found


def _detect(prefix: bytes) -> str | None:
    if prefix.startswith(b"%PDF"):
        return "PDF"
    if prefix.startswith(b"PK\x03\x04") or prefix.startswith(b"PK\x05\x06"):
        return _zip_kind(prefix)
    if prefix.startswith(_OLE2):
        return _ole2_kind(prefix)
    if prefix.startswith(b"\x1f\x8b"):
        return "GZ"
    if prefix.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if prefix.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if prefix.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if prefix.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if prefix.startswith(b"Rar!"):
        return "RAR"
    if prefix.startswith(b"7z\xbc\xaf"):
        return "7Z"
    body = prefix[3:] if prefix.startswith(b"\xef\xbb\xbf") else prefix
    if _HTML.match(body[:4096]):
        return "HTML"
    if _XML.match(body[:4096]):
        head = body[:4096].lower()
        if b"<html" in head:
            return "HTML"
        return "XML"
    text = _decode(prefix)
    if text is None:
        return None
    if _looks_json(text):
        return "JSON"
    if "<html" in text[:2048].lower() or "<!doctype html" in text[:2048].lower():
        return "HTML"
    return _delimited_kind(text) or ("TEXT" if text.strip() else None)


def is_challenge_page(prefix: bytes, headers: dict[str, str] | None = None) -> bool:
    """Whether a response is a bot challenge or captcha (an indeterminate answer)."""
    if headers and headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    head = prefix[:8192].lower()
    return any(marker in head for marker in _CHALLENGE)

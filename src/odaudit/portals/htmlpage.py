"""Parse one HTML page into the data-file links it offers, grouped by section.

A stdlib `html.parser` walk (no regexes on markup): it tracks `<base href>`, the
page `<title>`, headings h1–h4 and the first paragraph after each, and every
`<a href>` with its text and `type` attribute. Malformed markup is tolerated.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from posixpath import splitext
from urllib.parse import unquote, urljoin, urlsplit

__all__ = [
    "DATA_EXTENSIONS",
    "Link",
    "PageParse",
    "Section",
    "data_format",
    "parse_page",
    "slug",
]

DATA_EXTENSIONS: frozenset[str] = frozenset(
    {
        ".csv", ".xlsx", ".xls", ".ods", ".json", ".xml", ".zip", ".pdf", ".doc", ".docx",
        ".geojson", ".kml", ".shp", ".txt", ".tsv", ".sav", ".parquet",
    }
)  # fmt: skip
_DATA_TYPES = (
    "text/csv", "application/json", "application/xml", "text/xml", "application/zip",
    "application/pdf", "application/vnd.", "application/msword", "application/geo+json",
    "text/tab-separated-values", "application/x-spss", "application/octet-stream",
)  # fmt: skip
_STRONG_WORDS = frozenset(
    {"descargar", "descarga", "download", "csv", "excel", "xlsx", "xls", "json", "pdf"}
)
_LINK_WORDS = _STRONG_WORDS | {"datos"}
_PAGE_EXTENSIONS = frozenset({".html", ".htm", ".php", ".asp", ".aspx", ".jsp", ".shtml"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4"})
_SKIP_TEXT = frozenset({"script", "style", "template", "noscript"})
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Link:
    url: str  # absolute
    text: str
    media_type: str = ""
    is_data: bool = False


@dataclass
class Section:
    heading: str  # "" for links above the first heading
    description: str = ""
    links: list[Link] = field(default_factory=list)


@dataclass
class PageParse:
    title: str = ""
    base: str = ""
    sections: list[Section] = field(default_factory=list)
    page_links: list[str] = field(default_factory=list)  # non-data links, for crawling

    @property
    def site_name(self) -> str:
        """The site part of `<title>` ("Estadísticas | MINEDUC" → "MINEDUC")."""
        for sep in (" | ", " - ", " – ", " — ", " :: "):
            if sep in self.title:
                return self.title.rsplit(sep, 1)[1].strip()
        return self.title.strip()


def slug(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:80] or "section"


def data_format(url: str) -> str:
    """The data-file extension of a URL's path, upper-case without the dot, or ""."""
    ext = splitext(unquote(urlsplit(url).path).lower())[1]
    return ext[1:].upper() if ext in DATA_EXTENSIONS else ""


def _is_data(url: str, label: str, media_type: str) -> bool:
    if data_format(url):
        return True
    mt = media_type.lower()
    if mt and any(mt.startswith(t) for t in _DATA_TYPES):
        return True
    words = {w.lower() for w in _WORD.findall(label)}
    if not words & _LINK_WORDS:
        return False
    # "Datos abiertos" → /datos/ is a page to crawl; "Descargar" → descarga.php?id=1 is a file
    parts = urlsplit(url)
    if parts.query:
        return True
    if parts.path.endswith("/") or not parts.path:
        return False
    ext = splitext(parts.path.lower())[1]
    if ext in _PAGE_EXTENSIONS or ext == "":
        return bool(words & _STRONG_WORDS)
    return True


class _Parser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.out = PageParse(base=page_url, sections=[Section(heading="")])
        self._skip = 0
        self._in_title = False
        self._heading: list[str] | None = None
        self._paragraph: list[str] | None = None
        self._anchor: tuple[str, str, list[str]] | None = None
        self._saw_base = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in _SKIP_TEXT:
            self._skip += 1
        elif tag == "base" and a.get("href") and not self._saw_base:
            self._saw_base = True
            with contextlib.suppress(ValueError):
                self.out.base = urljoin(self.page_url, a["href"].strip())
        elif tag == "title":
            self._in_title = True
        elif tag in _HEADINGS:
            self._close_anchor()
            self._heading = []
        elif tag == "p" and self._heading is None:
            self._paragraph = [] if not self.out.sections[-1].description else None
        elif tag == "a" and a.get("href"):
            self._close_anchor()
            self._anchor = (a["href"].strip(), a.get("type", "").strip(), [])

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TEXT:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _HEADINGS and self._heading is not None:
            heading = " ".join("".join(self._heading).split())
            self._heading = None
            if heading:
                self.out.sections.append(Section(heading=heading))
        elif tag == "p" and self._paragraph is not None:
            text = " ".join("".join(self._paragraph).split())
            self._paragraph = None
            if text and not self.out.sections[-1].description:
                self.out.sections[-1].description = text[:2000]
        elif tag == "a":
            self._close_anchor()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.out.title += data
        if self._heading is not None:
            self._heading.append(data)
        if self._paragraph is not None:
            self._paragraph.append(data)
        if self._anchor is not None:
            self._anchor[2].append(data)

    def _close_anchor(self) -> None:
        if self._anchor is None:
            return
        href, media_type, parts = self._anchor
        self._anchor = None
        if href.lower().startswith(("mailto:", "javascript:", "tel:", "data:", "#")):
            return
        try:
            url = urljoin(self.out.base, href).split("#", 1)[0]
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                return
        except ValueError:  # "http://[bad" and other unparseable hrefs
            return
        label = " ".join("".join(parts).split())
        if _is_data(url, label, media_type):
            self.out.sections[-1].links.append(Link(url, label, media_type, True))
        else:
            self.out.page_links.append(url)


def parse_page(html: str, page_url: str) -> PageParse:
    """Everything the HTML adapter needs from one page; never raises on bad markup."""
    parser = _Parser(page_url)
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # html.parser on pathological input
        pass
    parser._close_anchor()
    parser.out.title = " ".join(parser.out.title.split())
    return parser.out

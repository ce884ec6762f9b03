"""HTML adapter: datasets are the sections of web pages that link to data files.

The start page is always read; same-site pages are followed to `options['depth']`
hops (default 1) and at most `options['max_pages']` pages (default 50), obeying
robots.txt for every followed page (its Crawl-delay too, through the fetcher) and never
leaving the start page's host.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from posixpath import splitext
from urllib.parse import unquote, urlsplit

from protego import Protego

from odaudit.http.robots import requested_delay
from odaudit.models import Dataset, Resource, Source
from odaudit.portals.base import (
    DiscoveryReport,
    FetchResponse,
    HonoursCrawlDelay,
    JsonFetcher,
    PortalError,
)
from odaudit.portals.fetching import body_text, evidence_of, fetch
from odaudit.portals.htmlpage import PageParse, data_format, parse_page, slug
from odaudit.portals.values import as_int

__all__ = ["HtmlAdapter", "page_datasets"]

_PAGE_BYTES = 5 * 1024 * 1024
_NOT_PAGES = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".ico", ".css", ".js", ".mp3", ".mp4",
     ".avi", ".mov", ".rar", ".7z", ".gz", ".tar", ".exe", ".ppt", ".pptx", ".woff", ".woff2"}
)  # fmt: skip
_ROBOTS_AGENT = "odaudit"


def _is_html(response: FetchResponse) -> bool:
    if "html" in response.content_type:
        return True
    if response.content_type and response.content_type not in (
        "text/plain",
        "application/octet-stream",
    ):
        return False
    return response.body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def _name_of(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def page_datasets(
    page: PageParse, page_url: str, source: Source, seen_urls: set[str], report: DiscoveryReport
) -> list[Dataset]:
    """One dataset per page section that links to data files not met before."""
    publisher = source.organization or page.site_name
    out: list[Dataset] = []
    used: dict[str, int] = {}
    for section in page.sections:
        resources: list[Resource] = []
        for link in section.links:
            if link.url in seen_urls:
                report.skip("duplicate_link")
                continue
            seen_urls.add(link.url)
            fmt = data_format(link.url)
            resources.append(
                Resource(
                    url=link.url,
                    name=link.text or _name_of(link.url),
                    format=fmt,
                    media_type=link.media_type,
                )
            )
        if not resources:
            continue
        title = section.heading or page.title or page_url
        key = slug(section.heading) if section.heading else "page"
        used[key] = used.get(key, 0) + 1
        if used[key] > 1:
            key = f"{key}-{used[key]}"
        out.append(
            Dataset(
                id=f"{page_url}#{key}",
                title=title,
                source_type="html",
                source_url=source.url,
                landing_page=page_url,
                description=section.description,
                publisher=publisher,
                organization=publisher,
                resources=resources,
                extras={"page_title": page.title} if page.title else {},
            )
        )
    return out


class _Robots:
    """robots.txt of the start host, fetched once through the fetcher when first needed."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self._rules: Protego | None = None
        self._loaded = False

    async def allows(self, url: str, fetcher: JsonFetcher, report: DiscoveryReport) -> bool:
        if not self._loaded:
            self._loaded = True
            try:
                response = await fetch(fetcher, f"{self.origin}/robots.txt", report)
            except PortalError:
                return True  # no readable robots.txt: crawling is allowed
            if response.status < 400:
                try:
                    self._rules = Protego.parse(body_text(response.body))
                except Exception:  # protego on hostile text; treat as no rules
                    self._rules = None
            if self._rules is not None and isinstance(fetcher, HonoursCrawlDelay):
                delay = requested_delay(self._rules, _ROBOTS_AGENT)
                if delay > 0:
                    fetcher.crawl_delay(urlsplit(self.origin).hostname or "", delay)
        return self._rules is None or bool(self._rules.can_fetch(url, _ROBOTS_AGENT))


class HtmlAdapter:
    """Streams the data-file sections of a page and of the same-site pages it links to."""

    type = "html"

    async def discover(
        self, source: Source, fetcher: JsonFetcher, report: DiscoveryReport
    ) -> AsyncIterator[Dataset]:
        depth_limit = as_int(source.options.get("depth"))
        depth_limit = 1 if depth_limit is None else depth_limit
        max_pages = as_int(source.options.get("max_pages")) or 50
        start = source.url.split("#", 1)[0]
        try:
            parts = urlsplit(start)
        except ValueError as exc:
            raise PortalError("unreachable", f"invalid URL: {exc}", {"url": start}) from exc
        host = parts.netloc.lower()
        robots = _Robots(f"{parts.scheme}://{parts.netloc}")
        queue: deque[tuple[str, int]] = deque([(start, 0)])
        queued = {start}
        seen_urls: set[str] = set()
        fetched = 0
        while queue and fetched < max_pages:
            url, depth = queue.popleft()
            if depth > 0 and not await robots.allows(url, fetcher, report):
                report.skip("robots_disallowed")
                continue
            fetched += 1
            try:
                page, final_url = await self._read(url, fetcher, report, depth == 0)
            except PortalError as exc:
                if depth == 0:
                    raise
                report.problems.append(exc)
                continue
            if page is None:
                report.skip("not_html")
                continue
            if depth > 0 and _host(final_url) != host:
                report.skip("off_site_redirect")  # a same-site link that redirected away
                continue
            report.pages += 1
            for dataset in page_datasets(page, final_url, source, seen_urls, report):
                yield dataset
            if depth >= depth_limit:
                continue
            for link in page.page_links:
                if urlsplit(link).netloc.lower() != host or link in queued:
                    continue
                if splitext(urlsplit(link).path.lower())[1] in _NOT_PAGES:
                    continue
                queued.add(link)
                queue.append((link, depth + 1))

    @staticmethod
    async def _read(
        url: str, fetcher: JsonFetcher, report: DiscoveryReport, start: bool
    ) -> tuple[PageParse | None, str]:
        response = await fetch(fetcher, url, report, max_bytes=_PAGE_BYTES)
        if response.status >= 400:
            raise PortalError("http_error", f"HTTP {response.status}", evidence_of(response, url))
        final_url = response.final_url or url
        if not _is_html(response):
            if start:
                raise PortalError("not_catalog", "the page is not HTML", evidence_of(response, url))
            return None, final_url
        return parse_page(body_text(response.body), final_url), final_url

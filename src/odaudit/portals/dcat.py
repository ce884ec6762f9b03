"""DCAT adapter: a data.json catalogue, or a DCAT-AP RDF catalogue with hydra paging.

The URL may be the catalogue itself or a site root (then `{url}/data.json` is
tried). RDF pages are followed through `hydra:nextPage`/`hydra:next` on the same
site; a page that cannot be fetched or parsed is a problem, not the end of what
was already found.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urljoin, urlsplit

from odaudit.models import Dataset, Source
from odaudit.portals.base import DiscoveryReport, FetchResponse, JsonFetcher, PortalError
from odaudit.portals.dcat_json import json_datasets
from odaudit.portals.fetching import evidence_of, fetch, parse_json
from odaudit.portals.rdf import map_graph, next_pages, parse_graph, rdf_format
from odaudit.portals.values import as_int, text

__all__ = ["DcatAdapter", "is_jsonld"]

_ACCEPT = {
    "Accept": "application/json, application/ld+json, application/rdf+xml;q=0.9, "
    "text/turtle;q=0.9, */*;q=0.5"
}
_DEFAULT_MAX_PAGES = 1000


def _site_root(url: str) -> bool:
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return False
    return not path.endswith((".json", ".jsonld", ".rdf", ".ttl", ".xml")) and "/api/" not in path


def is_jsonld(payload: object) -> bool:
    if isinstance(payload, dict):
        return "@graph" in payload or ("@id" in payload and "dataset" not in payload)
    if isinstance(payload, list):
        return any(isinstance(item, dict) and "@id" in item for item in payload[:50])
    return False


def _origin(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


async def _get(url: str, fetcher: JsonFetcher, report: DiscoveryReport) -> FetchResponse:
    response = await fetch(fetcher, url, report, headers=_ACCEPT)
    if response.status >= 400:
        raise PortalError("http_error", f"HTTP {response.status}", evidence_of(response, url))
    return response


class DcatAdapter:
    """Streams a DCAT catalogue in data.json, RDF/XML, Turtle or JSON-LD."""

    type = "dcat"

    async def discover(
        self, source: Source, fetcher: JsonFetcher, report: DiscoveryReport
    ) -> AsyncIterator[Dataset]:
        declared = text(source.options.get("format"))
        response, url = await self._first(source, fetcher, report, declared)
        fmt = rdf_format(response.content_type, url, response.body, declared)
        if fmt is None:
            payload = parse_json(response, url)
            if not is_jsonld(payload):
                report.pages += 1
                for dataset in json_datasets(payload, url, report):
                    yield dataset
                return
            fmt = "json-ld"
        async for dataset in self._rdf(source, fetcher, report, response, url, fmt):
            yield dataset

    @staticmethod
    async def _first(
        source: Source, fetcher: JsonFetcher, report: DiscoveryReport, declared: str
    ) -> tuple[FetchResponse, str]:
        """The catalogue's answer: the URL itself, else `{url}/data.json` for a site root."""
        url = source.url
        first_error: PortalError | None = None
        try:
            response = await _get(url, fetcher, report)
            final = response.final_url or url
            if rdf_format(response.content_type, final, response.body, declared) is not None:
                return response, final
            parse_json(response, final)  # raises not_json for an HTML home page
            return response, final
        except PortalError as exc:
            if exc.kind not in ("not_json", "http_error") or not _site_root(url):
                raise
            first_error = exc
        fallback = url.split("?", 1)[0].rstrip("/") + "/data.json"
        try:
            response = await _get(fallback, fetcher, report)
        except PortalError as exc:
            if exc.kind in ("blocked", "unreachable"):
                raise
            raise first_error from None
        return response, response.final_url or fallback

    @staticmethod
    async def _rdf(
        source: Source,
        fetcher: JsonFetcher,
        report: DiscoveryReport,
        response: FetchResponse,
        url: str,
        fmt: str,
    ) -> AsyncIterator[Dataset]:
        max_pages = as_int(source.options.get("max_pages")) or _DEFAULT_MAX_PAGES
        origin = _origin(url)
        visited = {url}
        seen: set[str] = set()
        page_url = url
        while True:
            try:
                graph = parse_graph(response.body, fmt, page_url)
            except PortalError as exc:
                if page_url == url:
                    raise
                report.problems.append(exc)
                return
            report.pages += 1
            for dataset in map_graph(graph, page_url):
                if dataset.id in seen:
                    report.skip("duplicate")
                    continue
                seen.add(dataset.id)
                yield dataset
            pending = [urljoin(page_url, n) for n in next_pages(graph)]
            pending = [n for n in pending if n not in visited]
            del graph
            if not pending or report.pages >= max_pages:
                return
            page_url = pending[0]
            visited.add(page_url)
            if _origin(page_url) != origin:
                report.problems.append(
                    PortalError(
                        "unreachable",
                        "the next catalogue page is on another site; not followed",
                        {"url": page_url, "reason": "off_site"},
                    )
                )
                return
            try:
                response = await _get(page_url, fetcher, report)
            except PortalError as exc:
                report.problems.append(exc)
                return
            fmt = rdf_format(response.content_type, page_url, response.body) or fmt

"""Guess which adapter a URL needs, from what the site answers (not from its name).

Probes, cheapest and most telling first: the URL itself (a data.json, an RDF
catalogue), the CKAN Action API, Socrata's Discovery API, OpenDataSoft's Explore
API, `{site}/data.json`, and finally whether the page links data files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from odaudit.portals.base import DiscoveryReport, FetchResponse, JsonFetcher, PortalError
from odaudit.portals.ckan import api_base
from odaudit.portals.dcat import is_jsonld
from odaudit.portals.fetching import body_text, fetch, parse_json
from odaudit.portals.htmlpage import parse_page
from odaudit.portals.rdf import rdf_format

__all__ = ["detect"]


async def _answer(
    fetcher: JsonFetcher, url: str, params: Mapping[str, str | int] | None = None
) -> FetchResponse | None:
    try:
        response = await fetch(fetcher, url, DiscoveryReport(), params=params)
    except PortalError:
        return None
    return response if response.status < 400 else None


async def _json(
    fetcher: JsonFetcher, url: str, params: Mapping[str, str | int] | None = None
) -> Any:
    response = await _answer(fetcher, url, params)
    if response is None:
        return None
    try:
        return parse_json(response, url)
    except PortalError:
        return None


def _is_data_json(payload: Any) -> bool:
    return isinstance(payload, dict) and isinstance(payload.get("dataset"), list)


async def _is_ckan(fetcher: JsonFetcher, base: str) -> bool:
    for action, params in (("status_show", None), ("package_search", {"rows": 0})):
        payload = await _json(fetcher, f"{base}/api/3/action/{action}", params)
        if isinstance(payload, dict) and payload.get("success") is True and "result" in payload:
            return True
    return False


async def detect(url: str, fetcher: JsonFetcher) -> str | None:
    """The source type (ckan, dcat, socrata, opendatasoft, html) of `url`, or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    origin = f"{parts.scheme}://{parts.netloc}"
    page = await _answer(fetcher, url)
    if page is not None:
        final = page.final_url or url
        if rdf_format(page.content_type, final, page.body) is not None:
            return "dcat"
        if "html" not in page.content_type:
            try:
                payload = parse_json(page, final)
            except PortalError:
                payload = None
            if _is_data_json(payload) or is_jsonld(payload):
                return "dcat"
    if await _is_ckan(fetcher, api_base(url)):
        return "ckan"
    socrata = await _json(fetcher, f"{origin}/api/catalog/v1", {"limit": 1})
    if isinstance(socrata, dict) and "resultSetSize" in socrata:
        return "socrata"
    ods = await _json(fetcher, f"{origin}/api/explore/v2.1/catalog/datasets", {"limit": 1})
    if isinstance(ods, dict) and "total_count" in ods and "results" in ods:
        return "opendatasoft"
    ods_v1 = await _json(fetcher, f"{origin}/api/datasets/1.0/search", {"rows": 0})
    if isinstance(ods_v1, dict) and "nhits" in ods_v1:
        return "opendatasoft"
    here = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for candidate in dict.fromkeys((f"{here}/data.json", f"{origin}/data.json")):
        if _is_data_json(await _json(fetcher, candidate)):
            return "dcat"
    if page is not None and "html" in page.content_type:
        parsed = parse_page(body_text(page.body), page.final_url or url)
        if any(section.links for section in parsed.sections):
            return "html"
    return None

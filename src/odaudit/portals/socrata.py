"""Socrata adapter: the Discovery API catalogue, enriched by per-view metadata.

`/api/catalog/v1?domains=<host or options['domain']>&limit&offset` is paged by `resultSetSize`; each
tabular view gets its CSV and JSON export links as resources. `/api/views/<id>.json`
adds the licence, the data update time and the columns when the portal serves it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from odaudit.models import Dataset, Resource, Source
from odaudit.portals.base import DiscoveryReport, JsonFetcher, PortalError
from odaudit.portals.fetching import fetch_json
from odaudit.portals.values import as_int, as_list, opt_text, text, to_extra

__all__ = ["SocrataAdapter", "map_result"]

_DEFAULT_LIMIT = 100
_KEPT_TYPES = frozenset({"dataset", "file", "href"})
_MAX_VIEW_FAILURES = 3  # after that many failed /api/views calls, stop asking


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return f"{parts.scheme or 'https'}://{parts.netloc}", parts.hostname or ""


def _exports(origin: str, view_id: str) -> list[Resource]:
    rows = f"{origin}/api/views/{view_id}/rows"
    return [
        Resource(
            url=f"{rows}.csv?accessType=DOWNLOAD", id=f"{view_id}.csv", name="CSV", format="CSV"
        ),
        Resource(
            url=f"{rows}.json?accessType=DOWNLOAD",
            id=f"{view_id}.json",
            name="JSON",
            format="JSON",
        ),
    ]


def _dict(parent: dict[str, Any], key: str) -> dict[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def map_result(result: dict[str, Any], origin: str) -> Dataset:
    """One Discovery API result as a `Dataset` (export links for tabular views)."""
    resource, meta, cls = (_dict(result, k) for k in ("resource", "metadata", "classification"))
    view_id = text(resource.get("id"))
    kind = text(resource.get("type")) or "dataset"
    domain = text(meta.get("domain"))
    own = not domain or domain.lower() == (urlsplit(origin).hostname or "")
    home = origin if own else f"https://{domain}"  # Socrata domains all serve https
    link = text(result.get("link")) or text(result.get("permalink"))
    resources = _exports(home, view_id) if kind == "dataset" and view_id else []
    if kind in ("file", "href") and link:
        resources = [Resource(url=link, id=view_id, name=text(resource.get("name")))]
    attribution = text(resource.get("attribution"))
    columns = as_list(resource.get("columns_field_name"))
    extras = {"socrata_type": kind, "domain": domain}
    if columns:
        extras["columns"] = to_extra(columns)
    if cls.get("domain_metadata"):
        extras["domain_metadata"] = to_extra(cls.get("domain_metadata"))
    themes = as_list(cls.get("categories"))
    if text(cls.get("domain_category")):
        themes.append(text(cls.get("domain_category")))
    return Dataset(
        id=view_id,
        title=text(resource.get("name")),
        source_type="socrata",
        landing_page=link,
        description=text(resource.get("description")),
        publisher=attribution or domain,
        organization=attribution or domain,
        keywords=as_list(cls.get("domain_tags")) + as_list(cls.get("tags")),
        themes=themes,
        license_title=text(meta.get("license")),
        issued=opt_text(resource.get("createdAt")),
        modified=opt_text(resource.get("data_updated_at")) or opt_text(resource.get("updatedAt")),
        resources=resources,
        extras=extras,
    )


def _epoch(value: Any) -> str | None:
    seconds = as_int(value)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return None


def apply_view(dataset: Dataset, view: Any) -> None:
    """Fill what `/api/views/<id>.json` knows and the catalogue result does not."""
    if not isinstance(view, dict):
        return
    lic = view.get("license")
    if isinstance(lic, dict):
        dataset.license_title = dataset.license_title or text(lic.get("name"))
        dataset.license_url = text(lic.get("termsLink"))
    dataset.license_id = text(view.get("licenseId")) or dataset.license_id
    dataset.modified = _epoch(view.get("rowsUpdatedAt")) or dataset.modified
    dataset.contact_email = text(view.get("contactEmail")) or dataset.contact_email
    meta = view.get("metadata")
    custom = meta.get("custom_fields") if isinstance(meta, dict) else None
    if isinstance(custom, dict):
        for group in custom.values():
            if not isinstance(group, dict):
                continue
            for key, value in group.items():
                low = str(key).lower()
                if any(h in low for h in ("frequen", "frecuen", "periodic")) and text(value):
                    dataset.frequency = dataset.frequency or text(value)
    columns = view.get("columns")
    if isinstance(columns, list):
        names = [text(c.get("fieldName")) for c in columns if isinstance(c, dict)]
        dataset.extras["columns"] = to_extra([n for n in names if n])


class SocrataAdapter:
    """Streams a Socrata domain's catalogue, page by page."""

    type = "socrata"

    async def discover(
        self, source: Source, fetcher: JsonFetcher, report: DiscoveryReport
    ) -> AsyncIterator[Dataset]:
        origin, host = _origin(source.url)
        catalog = text(source.options.get("catalog_url")) or f"{origin}/api/catalog/v1"
        domains = text(source.options.get("domain")) or text(source.options.get("domains")) or host
        limit = as_int(source.options.get("rows")) or _DEFAULT_LIMIT
        views = source.options.get("views", True) is not False
        view_failures = 0
        offset = 0
        seen: set[str] = set()
        while True:
            params: dict[str, str | int] = {"domains": domains, "limit": limit, "offset": offset}
            try:
                payload = await fetch_json(fetcher, catalog, report, params)
            except PortalError as exc:
                if offset == 0:
                    raise
                report.problems.append(exc)
                return
            if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
                raise PortalError(
                    "not_catalog", "not a Socrata Discovery API answer", {"url": catalog}
                )
            report.pages += 1
            results: list[Any] = payload["results"]
            total = as_int(payload.get("resultSetSize"))
            new = 0
            for raw in results:
                if not isinstance(raw, dict):
                    report.skip("not_an_object")
                    continue
                dataset = map_result(raw, origin)
                if not dataset.id or dataset.id in seen:
                    report.skip("duplicate" if dataset.id else "no_id")
                    continue
                seen.add(dataset.id)
                new += 1
                kind = dataset.extras["socrata_type"]
                if kind not in _KEPT_TYPES:
                    report.skip(f"type:{kind}")
                    continue
                own = dataset.extras["domain"].lower() in ("", host.lower())
                if views and own and kind == "dataset" and view_failures < _MAX_VIEW_FAILURES:
                    try:
                        view = await fetch_json(
                            fetcher, f"{origin}/api/views/{dataset.id}.json", report
                        )
                        apply_view(dataset, view)
                        view_failures = 0
                    except PortalError as exc:
                        view_failures += 1
                        report.problems.append(exc)
                yield dataset
            offset += len(results)
            if not results or new == 0 or (total is not None and offset >= total):
                return

"""OpenDataSoft adapter: Explore API v2.1 catalogue, falling back to the v1 search API.

Datasets with records get the portal's export links (CSV, JSON, GeoJSON for geo
data) as resources; attachments and alternative exports are resources too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote, urlsplit

from odaudit.models import Dataset, Resource, Source
from odaudit.portals.base import DiscoveryReport, JsonFetcher, PortalError
from odaudit.portals.fetching import fetch_json
from odaudit.portals.values import as_int, as_list, as_names, opt_text, text, to_extra

__all__ = ["OpenDataSoftAdapter", "map_ods_dataset"]

_V21 = "/api/explore/v2.1/catalog/datasets"
_V1 = "/api/datasets/1.0/search"
_V21_MAX_LIMIT = 100


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme or 'https'}://{parts.netloc}"


def _metas(raw: dict[str, Any]) -> dict[str, Any]:
    """v1 keeps metas flat; v2.1 nests them by template (default, dcat, ...)."""
    metas = raw.get("metas")
    if not isinstance(metas, dict):
        return {}
    if isinstance(metas.get("default"), dict):
        merged: dict[str, Any] = {}
        for template in metas.values():
            if isinstance(template, dict):
                for key, value in template.items():
                    merged.setdefault(key, value)
        merged.update({k: v for k, v in metas["default"].items() if v is not None})
        return merged
    return metas


def _files(items: Any, kind: str, prefix: str) -> list[Resource]:
    out: list[Resource] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not text(item.get("id")):
            continue
        ident = text(item.get("id"))
        out.append(
            Resource(
                url=f"{prefix}/{kind}/{quote(ident)}",
                id=ident,
                name=text(item.get("title")) or ident,
                description=text(item.get("description")),
                media_type=text(item.get("mimetype")),
                format=ident.rsplit("_", 1)[-1].upper() if "_" in ident else "",
            )
        )
    return out


def map_ods_dataset(raw: dict[str, Any], root: str, version: str) -> Dataset:
    """One ODS dataset object (v1 or v2.1) as a `Dataset` with export links."""
    ident = text(raw.get("dataset_id")) or text(raw.get("datasetid"))
    metas = _metas(raw)
    qid = quote(ident)
    if version == "v1":
        prefix = f"{root}/api/datasets/1.0/{qid}"
        export = f"{root}/api/records/1.0/download/?dataset={qid}&format="
    else:
        prefix = f"{root}{_V21}/{qid}"
        export = f"{prefix}/exports/"
    resources: list[Resource] = []
    if raw.get("has_records") is not False:
        formats = ["csv", "json"]
        if "geo" in as_list(raw.get("features")):
            formats.append("geojson")
        resources = [
            Resource(url=export + f, id=f"{ident}.{f}", name=f.upper(), format=f.upper())
            for f in formats
        ]
    resources += _files(raw.get("attachments"), "attachments", prefix)
    resources += _files(raw.get("alternative_exports"), "alternative_exports", prefix)
    fields = raw.get("fields")
    extras = {
        k: to_extra(metas.get(k))
        for k in ("records_count", "visibility", "language", "references", "data_processed")
        if metas.get(k) is not None
    }
    if isinstance(fields, list):
        extras["columns"] = to_extra([text(f.get("name")) for f in fields if isinstance(f, dict)])
    publisher = text(metas.get("publisher"))
    lic = text(metas.get("license"))
    return Dataset(
        id=ident,
        title=text(metas.get("title")),
        source_type="opendatasoft",
        landing_page=f"{root}/explore/dataset/{qid}/" if ident else "",
        description=text(metas.get("description")),
        publisher=publisher,
        organization=publisher,
        contact_name=text(metas.get("contact_name")) or text(metas.get("creator")),
        contact_email=text(metas.get("contact_email")),
        keywords=as_list(metas.get("keyword")),
        themes=as_names(metas.get("theme")),  # "Spatial planning, Town planning, ..." is one
        license_id=lic,
        license_title=lic,
        license_url=text(metas.get("license_url")),
        issued=opt_text(metas.get("issued")) or opt_text(metas.get("created")),
        modified=opt_text(metas.get("modified")) or opt_text(metas.get("data_processed")),
        frequency=opt_text(metas.get("accrualperiodicity")),
        temporal=opt_text(metas.get("temporal")),
        spatial=opt_text(metas.get("spatial")),
        resources=resources,
        extras=extras,
    )


def _page(payload: Any, version: str, url: str) -> tuple[list[Any], int | None]:
    if isinstance(payload, dict):
        key, total = ("datasets", "nhits") if version == "v1" else ("results", "total_count")
        items = payload.get(key)
        if isinstance(items, list):
            return items, as_int(payload.get(total))
    raise PortalError("not_catalog", f"not an OpenDataSoft {version} catalogue", {"url": url})


class OpenDataSoftAdapter:
    """Streams an ODS portal's catalogue (v2.1, or v1 when v2.1 is not there)."""

    type = "opendatasoft"

    async def discover(
        self, source: Source, fetcher: JsonFetcher, report: DiscoveryReport
    ) -> AsyncIterator[Dataset]:
        root = _root(source.url)
        version = text(source.options.get("api")) or "v2.1"
        limit = as_int(source.options.get("rows")) or _V21_MAX_LIMIT
        if version != "v1":
            limit = min(limit, _V21_MAX_LIMIT)
        offset = 0
        seen: set[str] = set()
        while True:
            url = root + (_V1 if version == "v1" else _V21)
            params: dict[str, str | int] = (
                {"rows": limit, "start": offset}
                if version == "v1"
                else {"limit": limit, "offset": offset}
            )
            try:
                payload = await fetch_json(fetcher, url, report, params)
                items, total = _page(payload, version, url)
            except PortalError as exc:
                fallback = offset == 0 and version == "v2.1" and "api" not in source.options
                if fallback and exc.kind in ("http_error", "not_json", "not_catalog"):
                    version = "v1"  # an older portal: try the v1 search API
                    continue
                if offset == 0:
                    raise
                report.problems.append(exc)
                return
            report.pages += 1
            new = 0
            for raw in items:
                if not isinstance(raw, dict):
                    report.skip("not_an_object")
                    continue
                dataset = map_ods_dataset(raw, root, version)
                if not dataset.id or dataset.id in seen:
                    report.skip("duplicate" if dataset.id else "no_id")
                    continue
                seen.add(dataset.id)
                new += 1
                yield dataset
            offset += len(items)
            if not items or new == 0 or (total is not None and offset >= total):
                return

"""DCAT data.json mapping: Project Open Data 1.1 and Argentina's "perfil de metadatos".

An entry that is not an object is skipped and counted, never fatal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from odaudit.models import Dataset, Resource
from odaudit.portals.base import DiscoveryReport, PortalError
from odaudit.portals.values import as_int, as_list, as_names, opt_text, text, to_extra

__all__ = ["json_datasets", "map_dataset"]

_MAPPED = {
    "@type", "identifier", "title", "description", "keyword", "theme", "superTheme",
    "license", "publisher", "contactPoint", "modified", "issued", "accrualPeriodicity",
    "temporal", "spatial", "landingPage", "describedBy", "conformsTo", "distribution",
}  # fmt: skip


def _publisher_name(value: Any) -> str:
    if isinstance(value, dict):
        return text(value.get("name")) or text(value.get("fn"))
    return text(value)


def _contact(value: Any) -> tuple[str, str, str]:
    """(name, email, url) of a vCard contactPoint; "mailto:" alone is no address."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    if not isinstance(value, dict):
        return "", "", ""
    email = text(value.get("hasEmail")) or text(value.get("email"))
    if email.lower().startswith("mailto:"):
        email = email[len("mailto:") :].strip()
    return text(value.get("fn")), email, text(value.get("hasURL"))


def _license(value: Any) -> tuple[str, str, str]:
    """(id, title, url) of a licence given as a URI, a name, or an object."""
    if isinstance(value, dict):
        return text(value.get("identifier")), text(value.get("title")), text(value.get("uri"))
    raw = text(value)
    if raw.lower().startswith(("http://", "https://")):
        return raw, "", raw
    return raw, raw, ""


def _spatial(value: Any) -> str | None:
    if value is None or isinstance(value, str | int | float):
        return opt_text(value)
    return to_extra(value) or None


def _distribution(raw: dict[str, Any]) -> Resource:
    download = text(raw.get("downloadURL"))
    return Resource(
        url=download or text(raw.get("accessURL")),
        id=text(raw.get("identifier")) or text(raw.get("@id")),
        name=text(raw.get("title")) or text(raw.get("fileName")),
        description=text(raw.get("description")),
        format=text(raw.get("format")),
        media_type=text(raw.get("mediaType")),
        size=as_int(raw.get("byteSize")),
        modified=opt_text(raw.get("modified")),
        license=_license(raw.get("license"))[0],
    )


def _distributions(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [d for d in value if isinstance(d, dict)]
    return []


def map_dataset(raw: dict[str, Any], catalog_url: str) -> Dataset:
    """One data.json dataset object as a `Dataset` (id may be "" when none is given)."""
    publisher = _publisher_name(raw.get("publisher"))
    contact_name, contact_email, contact_url = _contact(raw.get("contactPoint"))
    license_id, license_title, license_url = _license(raw.get("license"))
    themes = as_names(raw.get("theme"))
    themes += [t for t in as_names(raw.get("superTheme")) if t not in themes]
    extras = {k: to_extra(v) for k, v in raw.items() if k not in _MAPPED and v is not None}
    if raw.get("superTheme") is not None:
        extras["superTheme"] = to_extra(raw.get("superTheme"))
    return Dataset(
        id=text(raw.get("identifier")),
        title=text(raw.get("title")),
        source_type="dcat",
        source_url=catalog_url,
        landing_page=text(raw.get("landingPage")),
        description=text(raw.get("description")),
        publisher=publisher,
        organization=publisher,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_url=contact_url,
        keywords=as_list(raw.get("keyword")),
        themes=themes,
        license_id=license_id,
        license_title=license_title,
        license_url=license_url,
        issued=opt_text(raw.get("issued")),
        modified=opt_text(raw.get("modified")),
        frequency=opt_text(raw.get("accrualPeriodicity")),
        temporal=opt_text(raw.get("temporal")),
        spatial=_spatial(raw.get("spatial")),
        conforms_to=opt_text(raw.get("describedBy")) or opt_text(raw.get("conformsTo")),
        resources=[_distribution(d) for d in _distributions(raw.get("distribution"))],
        extras=extras,
    )


def _entries(catalog: Any, url: str) -> list[Any]:
    if isinstance(catalog, list):  # POD 1.0 data.json: a bare list of datasets
        return catalog
    if isinstance(catalog, dict):
        datasets = catalog.get("dataset")
        if isinstance(datasets, list):
            return datasets
        if isinstance(datasets, dict):
            return [datasets]
        if datasets is None and "dataset" in catalog:
            return []
    keys = sorted(catalog)[:20] if isinstance(catalog, dict) else []
    raise PortalError(
        "not_catalog",
        "valid JSON, but not a DCAT catalogue (no `dataset` list)",
        {"url": url, "top_level_keys": keys, "json_type": type(catalog).__name__},
    )


def json_datasets(catalog: Any, url: str, report: DiscoveryReport) -> Iterator[Dataset]:
    """The datasets of a parsed data.json, each with a unique id."""
    seen: dict[str, int] = {}
    for position, raw in enumerate(_entries(catalog, url)):
        if not isinstance(raw, dict):
            report.skip("not_an_object")
            continue
        dataset = map_dataset(raw, url)
        base_id = dataset.id or text(raw.get("landingPage")) or f"{url}#dataset-{position}"
        if not dataset.id:
            dataset.extras["missing_identifier"] = "true"
        seen[base_id] = seen.get(base_id, 0) + 1
        if seen[base_id] > 1:
            # the store keys datasets by id; a repeated identifier is kept, renamed
            dataset.extras["duplicate_identifier"] = base_id
            base_id = f"{base_id}#{seen[base_id]}"
        dataset.id = base_id
        yield dataset

"""Files adapter: a list of file URLs, grouped into datasets by file name.

`options['urls']` holds strings or `{url, name, format}` objects. Files whose
names differ only by a year/month suffix ("ejecucion_2023_01.csv",
"ejecucion-2024.xlsx") form one dataset. `options['datasets']` declares
datasets explicitly (`{id?, title, description?, urls: [...], ...}`). No network.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from posixpath import splitext
from typing import Any
from urllib.parse import unquote, urlsplit

from odaudit.models import Dataset, Resource, Source
from odaudit.portals.base import DiscoveryReport, JsonFetcher
from odaudit.portals.htmlpage import slug
from odaudit.portals.values import as_list, opt_text, text

__all__ = ["FilesAdapter", "group_key"]

_DATE_SUFFIX = re.compile(
    r"([_\-\s.]*(19|20)\d{2}([_\-.]?(0[1-9]|1[0-2]))?([_\-.]?(0[1-9]|[12]\d|3[01]))?)+$"
)
_MONTHS = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    "noviembre|diciembre|ene|feb|mar|abr|may|jun|jul|ago|sep|oct|nov|dic"
)
_MONTH_SUFFIX = re.compile(rf"[_\-\s.]+({_MONTHS})$", re.IGNORECASE)
_DATASET_FIELDS = (
    "description", "publisher", "license_id", "license_title", "license_url", "frequency",
    "issued", "modified", "temporal", "spatial", "landing_page", "contact_email",
)  # fmt: skip


def _file_name(url: str) -> str:
    try:
        path = urlsplit(url).path
    except ValueError:
        path = url
    return unquote(path.rstrip("/").rsplit("/", 1)[-1])


def group_key(url: str) -> str:
    """The file name without extension and trailing dates: the dataset it belongs to."""
    stem = _file_name(url)
    while True:
        base, ext = splitext(stem)
        if not ext or len(ext) > 8 or not ext[1:].isalnum():
            break
        stem = base
    previous = None
    while previous != stem:
        previous = stem
        stem = _DATE_SUFFIX.sub("", stem)
        stem = _MONTH_SUFFIX.sub("", stem)
    return stem.strip(" _-.") or _file_name(url) or url


def _resource(entry: Any) -> Resource | None:
    if isinstance(entry, str) and entry.strip():
        url = entry.strip()
        return Resource(url=url, name=_file_name(url), format=_extension(url))
    if isinstance(entry, dict) and text(entry.get("url")):
        url = text(entry.get("url"))
        return Resource(
            url=url,
            name=text(entry.get("name")) or _file_name(url),
            format=text(entry.get("format")) or _extension(url),
            description=text(entry.get("description")),
            modified=opt_text(entry.get("modified")),
        )
    return None


def _extension(url: str) -> str:
    return splitext(_file_name(url))[1][1:].upper()


def _title(key: str) -> str:
    words = re.sub(r"[_\-.]+", " ", key).strip()
    return words[:1].upper() + words[1:]


class FilesAdapter:
    """Turns configured file URLs into datasets without touching the network."""

    type = "files"

    async def discover(
        self, source: Source, fetcher: JsonFetcher, report: DiscoveryReport
    ) -> AsyncIterator[Dataset]:
        publisher = source.organization or text(source.options.get("publisher"))
        declared = source.options.get("datasets")
        for entry in declared if isinstance(declared, list) else []:
            if not isinstance(entry, dict):
                report.skip("not_an_object")
                continue
            resources = [r for r in map(_resource, entry.get("urls") or []) if r is not None]
            title = text(entry.get("title")) or (
                _title(group_key(resources[0].url)) if resources else ""
            )
            dataset = Dataset(
                id=text(entry.get("id")) or f"{source.url}#{slug(title)}",
                title=title,
                source_type="files",
                source_url=source.url,
                publisher=publisher,
                organization=publisher,
                keywords=as_list(entry.get("keywords")),
                resources=resources,
            )
            for name in _DATASET_FIELDS:
                if text(entry.get(name)):
                    setattr(dataset, name, text(entry.get(name)))
            yield dataset
        groups: dict[str, tuple[str, list[Resource]]] = {}
        urls = source.options.get("urls")
        for item in urls if isinstance(urls, list) else []:
            resource = _resource(item)
            if resource is None:
                report.skip("not_a_url")
                continue
            key = group_key(resource.url)
            groups.setdefault(slug(key), (key, []))[1].append(resource)
        for ident, (key, resources) in groups.items():
            yield Dataset(
                id=f"{source.url}#{ident}",
                title=_title(key),
                source_type="files",
                source_url=source.url,
                publisher=publisher,
                organization=publisher,
                resources=resources,
            )

"""The format registry (`rules/formats.yaml`): what a declared format string means.

Portals spell formats every way (`zip+csv`, `Microsoft Excel`, `.xlsx`, `text/csv`,
EU file-type IRIs); one lookup folds them all into a registry entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from odaudit.checks.memo import short_text_cache
from odaudit.checks.text import fold

__all__ = ["FormatInfo", "format_by_id", "format_for_extension", "lookup_format", "url_extension"]


@dataclass(frozen=True)
class FormatInfo:
    id: str
    title: str
    kind: str  # data | document | image | page | service | archive | other
    machine_readable: bool | None
    open: bool | None
    stars: int | None
    accepts: frozenset[str]
    extensions: tuple[str, ...]


@dataclass(frozen=True)
class _Registry:
    by_id: dict[str, FormatInfo]
    by_key: dict[str, FormatInfo]
    by_ext: dict[str, FormatInfo]


def _entry(raw: dict[str, Any]) -> FormatInfo:
    return FormatInfo(
        id=str(raw["id"]),
        title=str(raw.get("title") or raw["id"]),
        kind=str(raw.get("kind") or "other"),
        machine_readable=raw.get("machine_readable"),
        open=raw.get("open"),
        stars=raw.get("stars"),
        accepts=frozenset(str(a) for a in raw.get("accepts") or [raw["id"]]),
        extensions=tuple(str(e).lower() for e in raw.get("extensions") or ()),
    )


@cache
def _registry() -> _Registry:
    text = resources.files("odaudit").joinpath("rules/formats.yaml").read_text("utf-8")
    by_id: dict[str, FormatInfo] = {}
    by_key: dict[str, FormatInfo] = {}
    by_ext: dict[str, FormatInfo] = {}
    for raw in yaml.safe_load(text)["formats"]:
        info = _entry(raw)
        by_id[info.id] = info
        keys = [info.id, *(raw.get("aliases") or ()), *(raw.get("media_types") or ())]
        for key in keys:
            by_key.setdefault(str(key).strip().lower(), info)
            by_key.setdefault(fold(str(key)), info)
        for ext in info.extensions:
            by_ext.setdefault(ext, info)
            by_key.setdefault(ext, info)
    return _Registry(by_id, by_key, by_ext)


def format_by_id(format_id: str) -> FormatInfo | None:
    return _registry().by_id.get(format_id)


def lookup_format(value: str | None) -> FormatInfo | None:
    """The registry entry for a declared format, media type or IRI; None when unknown."""
    if not value:
        return None
    text = str(value).strip()
    if not text:
        return None
    return _lookup(text)


@short_text_cache(200)
def _lookup(text: str) -> FormatInfo | None:
    reg = _registry()
    lowered = text.lower()
    for key in (lowered, lowered.split(";", 1)[0].strip(), lowered.lstrip(".")):
        if key in reg.by_key:
            return reg.by_key[key]
    folded = fold(text)
    if folded in reg.by_key:
        return reg.by_key[folded]
    if lowered.startswith(("http://", "https://")):
        tail = lowered.rstrip("/").rsplit("/", 1)[-1]
        return reg.by_key.get(tail) or reg.by_key.get(fold(tail))
    return None


def url_extension(url: str) -> str:
    """The lower-case file extension of a URL's path ("" when it has none)."""
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return ""
    suffix = PurePosixPath(path).suffix.lower().lstrip(".")
    return suffix if suffix.isalnum() and len(suffix) <= 8 else ""


def format_for_extension(url: str) -> FormatInfo | None:
    """The format a URL's extension suggests (a `.zip` URL is ZIP), or None."""
    ext = url_extension(url)
    return _registry().by_ext.get(ext) if ext else None

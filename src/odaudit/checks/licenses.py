"""The licence registry (`rules/licenses.yaml`): is a published licence string open?

Portals publish a licence as a CKAN id (`cc-by`), an SPDX-like id (`CC-BY-4.0`), a title
in any language ("Creative Commons Atribución 4.0", "Otra (No abierta)") or a URL with
or without `/deed.es`; `resolve_license` folds all of them onto one registry entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from odaudit.checks.memo import short_text_cache
from odaudit.checks.text import fold

__all__ = ["LicenseInfo", "looks_like_html", "resolve_license"]


@dataclass(frozen=True)
class LicenseInfo:
    id: str
    title: str
    url: str
    open: bool | None  # None: the string says no licence was given


_VERSION_WORDS = {"v", "version", "versao", "international", "internacional", "unported", "generic"}
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_URL_NOISE = re.compile(r"/(?:deed(?:\.[a-z_-]+)?|legalcode(?:\.[a-z_-]+)?)$")


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


def _versionless(key: str) -> str:
    return " ".join(t for t in key.split() if not t.isdigit() and t not in _VERSION_WORDS)


def _url_key(value: str) -> str | None:
    text = value.strip().lower()
    if "://" not in text and not re.match(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+/", text):
        return None
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/")
    for _ in range(2):
        path = _URL_NOISE.sub("", path).rstrip("/")
    return host + path


@dataclass(frozen=True)
class _Registry:
    by_key: dict[str, LicenseInfo]
    by_family: dict[str, LicenseInfo]
    by_url: dict[str, LicenseInfo]
    by_id: dict[str, LicenseInfo]


@cache
def _registry() -> _Registry:
    text = resources.files("odaudit").joinpath("rules/licenses.yaml").read_text("utf-8")
    reg = _Registry({}, {}, {}, {})
    raw: dict[str, Any]
    for raw in yaml.safe_load(text)["licenses"]:
        info = LicenseInfo(
            id=str(raw["id"]),
            title=str(raw.get("title") or raw["id"]),
            url=str(raw.get("url") or ""),
            open=raw.get("open"),
        )
        reg.by_id[info.id] = info
        for alias in [info.id, info.title, info.url, *(raw.get("aliases") or ())]:
            alias = str(alias or "")
            if not alias:
                continue
            url_key = _url_key(alias)
            if url_key:
                reg.by_url.setdefault(url_key, info)
                continue
            key = fold(alias)
            reg.by_key.setdefault(key, info)
            reg.by_family.setdefault(_versionless(key), info)
    return reg


def _creative_commons(key: str, url_key: str | None) -> LicenseInfo | None:
    """Read a Creative Commons licence by its parts when no alias matched."""
    reg = _registry()
    if url_key and url_key.startswith("creativecommons.org/"):
        segments = url_key.split("/")
        if len(segments) >= 3 and segments[1] == "publicdomain":
            return reg.by_id["CC0-1.0"] if segments[2] == "zero" else reg.by_id["other-pd"]
        parts = set(segments[2].split("-")) if len(segments) >= 3 else set()
    else:
        words = set(key.split())
        if not ({"cc", "creativecommons"} & words or "creative commons" in key):
            return None
        joined = key.replace(" ", "")
        parts = set()
        if "zero" in words or "cc0" in words or "cczero" in joined:
            return reg.by_id["CC0-1.0"]
        if {
            "nc",
            "noncommercial",
            "nocomercial",
            "naocomercial",
        } & words or "noncommercial" in joined:
            parts.add("nc")
        if {"nd", "noderivs", "noderivatives", "sinderivadas", "semderivacoes"} & words or (
            "noderiv" in joined or "sinobraderivada" in joined or "sinderivad" in joined
        ):
            parts.add("nd")
        if {"sa", "sharealike", "compartirigual", "compartilhaigual"} & words or (
            "sharealike" in joined or "compartirigual" in joined or "compartilhaigual" in joined
        ):
            parts.add("sa")
        if {"by", "attribution", "atribucion", "atribuicao", "reconocimiento"} & words:
            parts.add("by")
    if not parts:
        return None
    if "nc" in parts or "nd" in parts:
        family = "-".join(p for p in ("by", "nc", "sa", "nd") if p in parts or p == "by")
        return reg.by_id.get("CC-" + family.upper() + "-4.0", reg.by_id["CC-BY-NC-4.0"])
    return reg.by_id["CC-BY-SA-4.0"] if "sa" in parts else reg.by_id["CC-BY-4.0"]


def resolve_license(value: str | None) -> LicenseInfo | None:
    """The registry entry a licence string means, or None when it is not recognised."""
    if not value:
        return None
    text = str(value).strip()
    if not text:
        return None
    return _resolve(text)


@short_text_cache(300)
def _resolve(text: str) -> LicenseInfo | None:
    if looks_like_html(text):
        return None
    reg = _registry()
    url_key = _url_key(text)
    if url_key:
        if url_key in reg.by_url:
            return reg.by_url[url_key]
        trimmed = re.sub(r"/\d+(?:\.\d+)*$", "", url_key)
        for key, info in reg.by_url.items():
            if re.sub(r"/\d+(?:\.\d+)*$", "", key) == trimmed:
                return info
        return _creative_commons("", url_key)
    key = fold(text)
    if key in reg.by_key:
        return reg.by_key[key]
    family = _versionless(key)
    if family in reg.by_family:
        return reg.by_family[family]
    return _creative_commons(key, None)

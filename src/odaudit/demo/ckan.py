"""A read-only CKAN 2.10 action API over the bundled package dicts.

Only what an auditor calls: package_search (q, fq, rows, start), package_show,
organization_list and status_show, with CKAN's envelope and its error shapes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from odaudit.demo.files import read_text
from odaudit.demo.reply import Reply, json_reply
from odaudit.demo.templating import render

__all__ = ["CKAN_VERSION", "find_package", "handle_action"]

CKAN_VERSION = "2.10.4"
_MAX_ROWS = 1000
_FQ_TERM = re.compile(r'^\+?(organization|groups|tags|res_format|license_id):"?([^"\s]+)"?$')


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _packages(base_url: str, now: datetime) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(render(read_text("ckan/packages.json"), base_url, now))
    return data


def _organizations(base_url: str, now: datetime) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        render(read_text("ckan/organizations.json"), base_url, now)
    )
    return data


def _envelope(base_url: str, action: str, result: Any) -> Reply:
    return json_reply(
        200,
        {
            "help": f"{base_url}/ckan/api/3/action/help_show?name={action}",
            "success": True,
            "result": result,
        },
    )


def _error(base_url: str, action: str, status: int, kind: str, message: Any) -> Reply:
    error: dict[str, Any] = {"__type": kind}
    if isinstance(message, dict):
        error.update(message)
    else:
        error["message"] = message
    return json_reply(
        status,
        {
            "help": f"{base_url}/ckan/api/3/action/help_show?name={action}",
            "success": False,
            "error": error,
        },
    )


def _int_param(params: Mapping[str, str], name: str, default: int) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value >= 0 else None


def _text_of(package: Mapping[str, Any]) -> str:
    tags = " ".join(str(t.get("name", "")) for t in package.get("tags") or [])
    parts = (package.get("name"), package.get("title"), package.get("notes"), tags)
    return _fold(" ".join(str(p) for p in parts if p))


def _matches_q(package: Mapping[str, Any], q: str) -> bool:
    q = q.strip()
    if not q or q in ("*:*", "*"):
        return True
    text = _text_of(package)
    return all(word in text for word in _fold(q).split())


def _matches_fq(package: Mapping[str, Any], fq: str) -> bool | None:
    """Whether the package passes every fq term; None when a term is not understood."""
    for term in fq.split():
        found = _FQ_TERM.match(term)
        if found is None:
            return None
        field, value = found.group(1), found.group(2)
        if field == "organization":
            ok = (package.get("organization") or {}).get("name") == value
        elif field == "groups":
            ok = any(g.get("name") == value for g in package.get("groups") or [])
        elif field == "tags":
            ok = any(t.get("name") == value for t in package.get("tags") or [])
        elif field == "res_format":
            ok = any(r.get("format") == value for r in package.get("resources") or [])
        else:
            ok = package.get("license_id") == value
        if not ok:
            return False
    return True


def _package_search(base_url: str, params: Mapping[str, str], now: datetime) -> Reply:
    action = "package_search"
    rows = _int_param(params, "rows", 10)
    start = _int_param(params, "start", 0)
    if rows is None or start is None:
        bad = "rows" if rows is None else "start"
        return _error(base_url, action, 409, "Validation Error", {bad: ["Invalid integer"]})
    rows = min(rows, _MAX_ROWS)
    selected: list[dict[str, Any]] = []
    for package in _packages(base_url, now):
        if not _matches_q(package, params.get("q", "")):
            continue
        passed = _matches_fq(package, params.get("fq", ""))
        if passed is None:
            message = f"Search Query is invalid: fq {params.get('fq', '')!r}"
            return _error(base_url, action, 409, "Search Query Error", message)
        if passed:
            selected.append(package)
    result = {
        "count": len(selected),
        "facets": {},
        "results": selected[start : start + rows],
        "sort": params.get("sort") or "score desc, metadata_modified desc",
        "search_facets": {},
    }
    return _envelope(base_url, action, result)


def find_package(id_or_name: str, base_url: str, now: datetime) -> dict[str, Any] | None:
    """The package with this id or name, dates and URLs filled in."""
    for package in _packages(base_url, now):
        if id_or_name in (package.get("id"), package.get("name")):
            return package
    return None


def _package_show(base_url: str, params: Mapping[str, str], now: datetime) -> Reply:
    wanted = params.get("id", "")
    if not wanted:
        return _error(base_url, "package_show", 409, "Validation Error", {"id": ["Missing value"]})
    package = find_package(wanted, base_url, now)
    if package is None:
        return _error(base_url, "package_show", 404, "Not Found Error", "No encontrado")
    return _envelope(base_url, "package_show", package)


def _organization_list(base_url: str, params: Mapping[str, str], now: datetime) -> Reply:
    orgs = _organizations(base_url, now)
    all_fields = params.get("all_fields", "").lower() in ("true", "1", "yes")
    return _envelope(
        base_url, "organization_list", orgs if all_fields else [o["name"] for o in orgs]
    )


def _status_show(base_url: str, params: Mapping[str, str], now: datetime) -> Reply:
    return _envelope(
        base_url,
        "status_show",
        {
            "ckan_version": CKAN_VERSION,
            "site_url": f"{base_url}/ckan",
            "site_title": "Datos Abiertos de Guatemala (demostración)",
            "site_description": "Portal CKAN de demostración de odaudit",
            "locale_default": "es",
            "extensions": ["stats", "text_view", "datastore", "dcat", "scheming_datasets"],
        },
    )


_ACTIONS = {
    "package_search": _package_search,
    "package_show": _package_show,
    "organization_list": _organization_list,
    "status_show": _status_show,
}


def handle_action(action: str, params: Mapping[str, str], base_url: str, now: datetime) -> Reply:
    """Answer /api/3/action/<action> as CKAN 2.10 does (400 for an unknown action)."""
    handler = _ACTIONS.get(action)
    if handler is None:
        message = f"Bad request - Action name not known: {action}"
        return _error(base_url, action, 400, "Bad request", message)
    return handler(base_url, params, now)

"""The demo's URL space: which bundled file (or behaviour) answers which path.

Everything is decided here, from the method, path and query alone, so the whole site can be
tested without a socket. `data/site/` mirrors the URL space; `data/routes.json` lists the
paths that misbehave on purpose (wrong Content-Type, 404, HEAD refused, stale dates...).
"""

from __future__ import annotations

import hashlib
import html
import json
import mimetypes
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from odaudit.demo.ckan import handle_action
from odaudit.demo.files import read_bytes, read_text
from odaudit.demo.pages import ckan_dataset_page, dcat_dataset_page
from odaudit.demo.reply import Reply, html_reply
from odaudit.demo.templating import http_date, render

__all__ = ["respond"]

_CKAN_ACTION = "/ckan/api/3/action/"
_CKAN_DATASET = "/ckan/dataset/"
_SEGEPLAN_DATASET = "/segeplan/dataset/"
_TEMPLATED = (".json", ".html", ".txt", ".xml")
_TYPES = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}
_DEFAULT_FILE_AGE_DAYS = 2


@cache
def _routes() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(read_text("routes.json"))["routes"]
    return data


def _content_type(path: str) -> str:
    dot = path.rfind(".")
    ext = path[dot:].lower() if dot >= 0 else ""
    return _TYPES.get(ext) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def _not_found(path: str) -> Reply:
    return html_reply(404, read_text("site/404.html").replace("{{path}}", _escape(path)))


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _last_modified(spec: Mapping[str, Any], now: datetime) -> datetime | None:
    """The Last-Modified a route claims; None (no header) when the route says `null`."""
    if "last_modified" in spec and spec["last_modified"] is None:
        return None
    fixed = spec.get("last_modified")
    if isinstance(fixed, str):
        return datetime.fromisoformat(fixed).replace(tzinfo=UTC)
    days = spec.get("last_modified_days_ago", _DEFAULT_FILE_AGE_DAYS)
    moment = now - timedelta(days=int(days))
    return moment.replace(hour=12, minute=0, second=0, microsecond=0)


def _static(path: str, spec: Mapping[str, Any], base_url: str, now: datetime) -> Reply:
    """A bundled file, with the headers (or the lies) its route asks for."""
    data_path = str(
        spec.get("file") or ("site" + (path + "index.html" if path.endswith("/") else path))
    )
    body = read_bytes(data_path)
    if body is None:
        return _not_found(path)
    if data_path.startswith("site/") and data_path.endswith(_TEMPLATED):
        body = render(body.decode("utf-8"), base_url, now).encode("utf-8")
    if data_path.endswith(".html"):
        body = body.replace(b"{{path}}", _escape(path).encode("utf-8"))
    status = int(spec.get("status", 200))
    headers = {"Content-Type": str(spec.get("content_type") or _content_type(data_path))}
    if status == 200:
        modified = _last_modified(spec, now)
        if modified is not None:
            headers["Last-Modified"] = http_date(modified)
        headers["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    headers.update({str(k): str(v) for k, v in (spec.get("headers") or {}).items()})
    head_status = spec.get("head_status")
    return Reply(status, body, headers, int(head_status) if head_status else None)


def respond(
    method: str, path: str, params: Mapping[str, str], base_url: str, now: datetime
) -> Reply:
    """The reply for one request. `path` is the decoded URL path, `params` its query."""
    if path.startswith(_CKAN_ACTION) and method in ("GET", "HEAD", "POST"):
        return handle_action(path[len(_CKAN_ACTION) :], params, base_url, now)
    if method not in ("GET", "HEAD"):
        return Reply(405, b"", {"Allow": "GET, HEAD", "Content-Type": "text/plain"})
    page: Reply | None = None
    if path.startswith(_CKAN_DATASET):
        page = ckan_dataset_page(path[len(_CKAN_DATASET) :], base_url, now)
    elif path.startswith(_SEGEPLAN_DATASET):
        catalog, identifier = "site/segeplan/data.json", path[len(_SEGEPLAN_DATASET) :]
        page = dcat_dataset_page(catalog, identifier, base_url, now)
    if page is not None:
        return page
    spec = _routes().get(path)
    if spec is None:
        wildcard = (s for p, s in _routes().items() if p.endswith("*") and path.startswith(p[:-1]))
        spec = next(wildcard, None)
    return _static(path, spec or {}, base_url, now)

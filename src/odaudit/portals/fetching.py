"""One place that turns an HTTP exchange into a payload or a `PortalError`.

Every adapter goes through here, so "down", "blocked", "HTML instead of JSON"
and "broken JSON" mean the same thing whichever portal software answered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from odaudit.portals.base import DiscoveryReport, FetchResponse, JsonFetcher, PortalError

__all__ = ["body_text", "evidence_of", "fetch", "fetch_json", "is_challenge", "parse_json"]

_HEAD_CHARS = 300
_EVIDENCE_HEADERS = ("cf-mitigated", "retry-after", "server")
_CHALLENGE_MARKERS = (
    "just a moment...",
    "attention required!",
    "cf-chl",
    "challenge-platform",
    "checking your browser",
    "ddos-guard",
)


def body_text(body: bytes, limit: int | None = None) -> str:
    """Decode hostile bytes for display or parsing; never raises."""
    chunk = body if limit is None else body[: limit * 4]
    if chunk.startswith(b"\xef\xbb\xbf"):
        chunk = chunk[3:]
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        text = chunk.decode("cp1252", errors="replace")
    return text if limit is None else text[:limit]


def _full_url(url: str, params: Mapping[str, str | int] | None) -> str:
    if not params:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode(dict(params))}"


def evidence_of(response: FetchResponse, url: str = "") -> dict[str, Any]:
    """What a report shows about a bad answer: where, status, type, the start of the body."""
    evidence: dict[str, Any] = {
        "url": response.final_url or url,
        "status": response.status,
        "content_type": response.content_type,
        "body_head": body_text(response.body, _HEAD_CHARS),
    }
    for header in _EVIDENCE_HEADERS:
        if response.headers.get(header):
            evidence[header] = response.headers[header][:200]
    return evidence


def is_challenge(response: FetchResponse) -> bool:
    """A bot wall (Cloudflare and friends) answered instead of the portal."""
    if response.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if "html" not in response.content_type and response.body.lstrip()[:1] != b"<":
        return False
    head = body_text(response.body[:16384]).lower()
    if any(marker in head for marker in _CHALLENGE_MARKERS):
        return True
    # a contact form's reCAPTCHA is not a wall: only a small or failed page that is mostly one
    small = len(response.body) < 8192 or response.status >= 400
    return small and "captcha" in head


async def fetch(
    fetcher: JsonFetcher,
    url: str,
    report: DiscoveryReport,
    params: Mapping[str, str | int] | None = None,
    headers: Mapping[str, str] | None = None,
    max_bytes: int | None = None,
) -> FetchResponse:
    """GET through the fetcher; network failures and bot walls become `PortalError`.

    HTTP error statuses other than 403/429 are returned for the caller to judge.
    """
    try:
        response = await fetcher.get(url, params=params, headers=headers, max_bytes=max_bytes)
    except Exception as exc:
        outcome = getattr(exc, "outcome", None)
        if outcome is None:
            raise
        message = str(getattr(exc, "message", "") or exc)
        raise PortalError(
            "unreachable",
            message or str(outcome),
            {"url": _full_url(url, params), "outcome": str(outcome)},
        ) from exc
    report.api_calls += 1
    report.bytes += len(response.body)
    if response.status in (403, 429) or is_challenge(response):
        what = "bot challenge" if is_challenge(response) else f"HTTP {response.status}"
        raise PortalError(
            "blocked", f"the server refused the crawler ({what})", evidence_of(response, url)
        )
    return response


def _looks_like_html(response: FetchResponse) -> bool:
    head = response.body.lstrip()[:64].lower()
    return "html" in response.content_type or head.startswith((b"<!doctype", b"<html", b"<"))


def parse_json(response: FetchResponse, url: str = "") -> Any:
    """The JSON payload of a response, or `PortalError` not_json / malformed."""
    if not response.body.strip():
        raise PortalError(
            "not_json", "empty body where JSON was expected", evidence_of(response, url)
        )
    if _looks_like_html(response):
        raise PortalError(
            "not_json", "HTML or XML served where JSON was expected", evidence_of(response, url)
        )
    try:
        return json.loads(body_text(response.body))
    except json.JSONDecodeError as exc:
        evidence = evidence_of(response, url) | {"line": exc.lineno, "column": exc.colno}
        note = " (body truncated at the size cap)" if response.truncated else ""
        raise PortalError(
            "malformed", f"invalid JSON at line {exc.lineno} column {exc.colno}{note}", evidence
        ) from exc
    except RecursionError as exc:
        raise PortalError(
            "malformed", "JSON nested too deeply", evidence_of(response, url)
        ) from exc


def _api_message(response: FetchResponse) -> str:
    try:
        payload = json.loads(body_text(response.body))
    except (ValueError, RecursionError):
        return ""
    if isinstance(payload, dict):
        error = payload.get("error")
        if isinstance(error, dict):
            parts = [str(error.get(k)) for k in ("__type", "message") if error.get(k)]
            return ": ".join(parts)
        if isinstance(error, str):
            return error
        if isinstance(payload.get("message"), str):
            return str(payload["message"])
    return ""


async def fetch_json(
    fetcher: JsonFetcher,
    url: str,
    report: DiscoveryReport,
    params: Mapping[str, str | int] | None = None,
) -> Any:
    """GET and parse JSON; any HTTP error status becomes `PortalError` http_error."""
    response = await fetch(
        fetcher, url, report, params=params, headers={"Accept": "application/json"}
    )
    if response.status >= 400:
        detail = _api_message(response)
        message = f"HTTP {response.status}" + (f" ({detail[:200]})" if detail else "")
        raise PortalError("http_error", message, evidence_of(response, _full_url(url, params)))
    return parse_json(response, _full_url(url, params))

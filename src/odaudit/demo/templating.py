"""Placeholders in the demo's data files, filled in when a file is served.

Dates are relative to the serving clock, so the demo's fresh datasets stay fresh and its
ranking keeps its meaning in any year; URLs point at wherever the server happens to listen.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

__all__ = ["http_date", "render"]

_PLACEHOLDER = re.compile(r"\{\{\s*(base|year|(days_ago|date_days_ago):(\d{1,5}))\s*\}\}")


def render(text: str, base_url: str, now: datetime) -> str:
    """Fill `{{base}}`, `{{year}}`, `{{days_ago:N}}` (CKAN timestamp) and `{{date_days_ago:N}}`."""
    now = now.astimezone(UTC)

    def fill(match: re.Match[str]) -> str:
        name, kind, days = match.group(1), match.group(2), match.group(3)
        if name == "base":
            return base_url
        if name == "year":
            return str(now.year)
        moment = now - timedelta(days=int(days))
        if kind == "days_ago":
            return moment.replace(tzinfo=None).isoformat(timespec="microseconds")
        return moment.date().isoformat()

    return _PLACEHOLDER.sub(fill, text)


def http_date(moment: datetime) -> str:
    """An RFC 9110 IMF-fixdate, as Last-Modified wants it."""
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")

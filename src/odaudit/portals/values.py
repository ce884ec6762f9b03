"""Coerce hostile metadata values into the plain strings and lists the model holds.

Portals put nulls, numbers, dicts and comma-joined strings where a schema says
"string" or "list"; these helpers turn any of that into a value, never an exception.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["as_int", "as_list", "as_names", "opt_text", "text", "to_extra"]

_DIGITS = re.compile(r"^\s*\d+\s*$")


def text(value: Any) -> str:
    """A string for scalar values; the first text of a language map; else ""."""
    if type(value) is str:  # nearly every call: skip the isinstance chain
        return value.strip()
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        for key in ("es", "en", "name", "title", "display_name", "@value"):
            if isinstance(value.get(key), str):
                return str(value[key]).strip()
    return ""


def opt_text(value: Any) -> str | None:
    """Like `text`, but None when there is nothing."""
    out = text(value)
    return out or None


def as_list(value: Any) -> list[str]:
    """A list of non-empty strings from a list, a comma-joined string or null."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [t for t in (text(item) for item in value) if t]
    single = text(value)
    return [single] if single else []


def as_names(value: Any) -> list[str]:
    """Like `as_list`, but a lone string is one name: theme titles contain commas."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    return as_list(value)


def as_int(value: Any) -> int | None:
    """A non-negative integer size, or None for anything else ("42 octets", -1, 3.5e9 ok)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value >= 0 and value.is_integer() else None
    if isinstance(value, str) and _DIGITS.match(value):
        return int(value)
    return None


def to_extra(value: Any) -> str:
    """Any JSON value as a string for `Dataset.extras`."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError, RecursionError):
        return ""

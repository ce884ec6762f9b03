"""Dataclasses as plain JSON-ready data, for the store's hot path.

`dataclasses.asdict` deep-copies every leaf and looks up the fields of each object on every
call; a national run stores hundreds of thousands of records, so this walks them once with
each class's field names cached. Enums become their values; anything else is kept as is
(bytes, sets and dates are left to the JSON encoder's default).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import Enum
from typing import Any

__all__ = ["as_dict", "field_names", "plain"]

_LEAVES = frozenset({str, int, float, bool, type(None), bytes})
_FIELDS: dict[type, tuple[str, ...]] = {}


def field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names in order, looked up once per class; None for other types."""
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(kind):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def plain(value: Any) -> Any:
    """`value` with dataclasses as dicts, tuples as lists and enums as their values."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    if kind is list or kind is tuple:
        return [plain(v) for v in value]
    if kind is dict:
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.value
    names = field_names(kind)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def as_dict(obj: Any) -> dict[str, Any]:
    """A dataclass instance as a plain dict (see `plain`)."""
    out = plain(obj)
    if not isinstance(out, dict):
        raise TypeError(f"not a dataclass instance: {type(obj).__name__}")
    return out

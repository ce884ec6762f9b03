"""Coerce what an adapter handed over into the types the rules expect.

Portal metadata is hostile: a field typed `str` may arrive as None, a number or a list.
The rules read a cleaned copy, so a wrong type becomes a value (often "missing"),
never an AttributeError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

from odaudit.models import Dataset, Probe, ProbeOutcome, Resource

__all__ = ["clean_dataset", "clean_probe"]


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _optional(value: Any) -> str | None:
    return None if value is None else _text(value)


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [_text(v) for v in value if v is not None]
    return [_text(value)]


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {_text(k): _text(v) for k, v in value.items() if v is not None}


def _clean(obj: Any, optional: set[str], lists: set[str], maps: set[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.name in lists:
            changes[f.name] = _texts(value)
        elif f.name in maps:
            changes[f.name] = _strings(value)
        elif f.name in optional:
            changes[f.name] = _optional(value)
        elif f.type in ("str", str):
            changes[f.name] = _text(value)
    return changes


def _clean_resource(resource: Any) -> Resource:
    if not isinstance(resource, Resource):
        return Resource(url=_text(getattr(resource, "url", "")))
    changes = _clean(resource, {"modified"}, set(), set())
    size = resource.size if isinstance(resource.size, int) else None
    return replace(resource, **changes, size=size)


def clean_dataset(dataset: Dataset) -> Dataset:
    changes = _clean(
        dataset,
        {"issued", "modified", "frequency", "temporal", "spatial", "conforms_to"},
        {"keywords", "themes"},
        {"extras"},
    )
    raw = dataset.resources if isinstance(dataset.resources, list | tuple) else []
    changes["resources"] = [_clean_resource(r) for r in raw if r is not None]
    return replace(dataset, **changes)


def clean_probe(probe: Any) -> Probe | None:
    if not isinstance(probe, Probe):
        return None
    try:
        outcome = ProbeOutcome(probe.outcome)
    except ValueError:
        outcome = ProbeOutcome.NETWORK_ERROR
    sniff = probe.sniff if isinstance(probe.sniff, bytes | bytearray) else b""
    return replace(
        probe,
        outcome=outcome,
        final_url=_text(probe.final_url),
        status=probe.status if isinstance(probe.status, int) else None,
        headers={k.lower(): v for k, v in _strings(probe.headers).items()},
        content_type=_text(probe.content_type).split(";", 1)[0].strip().lower(),
        last_modified=_optional(probe.last_modified),
        sniff=bytes(sniff),
        redirects=_texts(probe.redirects),
        error=_text(probe.error),
    )

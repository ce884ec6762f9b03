"""Dataclasses to and from JSON-ready dicts, tolerant of fields added later.

The store keeps whole records as JSON so that a newer odaudit can read an older
store: unknown keys are dropped, missing keys take their defaults.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, TypeVar

from odaudit.models import (
    CoverageItem,
    CoverageStatus,
    Dataset,
    DatasetScore,
    Finding,
    InstitutionScore,
    Probe,
    ProbeOutcome,
    Resource,
    ScoreCard,
    Severity,
)
from odaudit.plaindata import as_dict, field_names

T = TypeVar("T")

__all__ = [
    "coverage_from_dict",
    "dataset_from_dict",
    "dumps",
    "finding_from_dict",
    "probe_from_dict",
    "scorecard_from_dict",
    "to_dict",
]


def _default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def dumps(value: Any) -> str:
    """Compact, deterministic JSON (sorted keys) for storage and hashing."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = to_dict(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_default)


def to_dict(obj: Any) -> dict[str, Any]:
    """A dataclass as a plain dict; enums become their values."""
    return as_dict(obj)


def _build(cls: type[T], data: dict[str, Any]) -> T:
    names = field_names(cls) or ()
    return cls(**{k: v for k, v in data.items() if k in names})


def dataset_from_dict(data: dict[str, Any]) -> Dataset:
    raw = dict(data)
    raw["resources"] = [_build(Resource, r) for r in raw.get("resources") or []]
    return _build(Dataset, raw)


def probe_from_dict(data: dict[str, Any]) -> Probe:
    raw = dict(data)
    raw["outcome"] = ProbeOutcome(raw.get("outcome", "network_error"))
    sniff = raw.get("sniff") or b""
    raw["sniff"] = bytes.fromhex(sniff) if isinstance(sniff, str) else bytes(sniff)
    return _build(Probe, raw)


def finding_from_dict(data: dict[str, Any]) -> Finding:
    raw = dict(data)
    raw["severity"] = Severity(raw.get("severity", "warning"))
    return _build(Finding, raw)


def coverage_from_dict(data: dict[str, Any]) -> CoverageItem:
    raw = dict(data)
    raw["status"] = CoverageStatus(raw.get("status", "missing"))
    return _build(CoverageItem, raw)


def scorecard_from_dict(data: dict[str, Any]) -> ScoreCard:
    raw = dict(data)
    raw["institutions"] = [_build(InstitutionScore, i) for i in raw.get("institutions") or []]
    raw["datasets"] = [_build(DatasetScore, d) for d in raw.get("datasets") or []]
    return _build(ScoreCard, raw)

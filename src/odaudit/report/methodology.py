"""Reading the methodology snapshot a run stored, whatever shape it was saved in.

The store keeps the methodology as a plain dict; it may be `Methodology.to_dict()`
(flat keys, bands as pairs) or the YAML file's own layout (nested ``methodology``
and ``institution`` blocks, bands as ``{name, min}``). A report must render both,
and must not fail on a snapshot that lacks a key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DEFAULT_BANDS", "MethodologySnapshot", "read_methodology"]

DEFAULT_BANDS: tuple[tuple[str, float], ...] = (
    ("excelente", 85.0),
    ("bueno", 70.0),
    ("suficiente", 50.0),
    ("insuficiente", 0.0),
)


@dataclass
class MethodologySnapshot:
    name: str = ""
    version: str = ""
    dimensions: dict[str, float] = field(default_factory=dict)
    datasets_weight: float | None = None
    coverage_weight: float | None = None
    pdf_only_credit: float | None = None
    bands: list[tuple[str, float]] = field(default_factory=list)  # highest first
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    rule_weights: dict[str, float] = field(default_factory=dict)
    rule_severities: dict[str, str] = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        """Same precedence as the config: `ignore` wins over `select`; empty select = all."""
        if any(code.startswith(p) for p in self.ignore):
            return False
        return not self.select or any(code.startswith(p) for p in self.select)


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _strings(value: Any) -> list[str]:
    if not isinstance(value, (list, tuple)):
        return []
    return [str(v) for v in value if isinstance(v, (str, int))]


def _bands(value: Any) -> list[tuple[str, float]]:
    bands: list[tuple[str, float]] = []
    for entry in value if isinstance(value, (list, tuple)) else ():
        if isinstance(entry, Mapping):
            name, minimum = entry.get("name"), _float(entry.get("min"))
        elif isinstance(entry, (list, tuple)) and len(entry) == 2:
            name, minimum = entry[0], _float(entry[1])
        else:
            continue
        if isinstance(name, str) and minimum is not None:
            bands.append((name, minimum))
    return sorted(bands, key=lambda b: -b[1])


def read_methodology(raw: Mapping[str, Any] | None) -> MethodologySnapshot:
    """A typed view of the stored snapshot; unknown or malformed keys are skipped."""
    data = _mapping(raw)
    header = _mapping(data.get("methodology"))
    roll_up = _mapping(data.get("institution"))
    snap = MethodologySnapshot(
        name=str(data.get("name") or header.get("name") or ""),
        version=str(data.get("version") or header.get("version") or ""),
        select=_strings(data.get("select")),
        ignore=_strings(data.get("ignore")),
        bands=_bands(data.get("bands")) or list(DEFAULT_BANDS),
    )
    for key, weight in _mapping(data.get("dimensions")).items():
        number = _float(weight)
        if number is not None:
            snap.dimensions[str(key)] = number
    for attr in ("datasets_weight", "coverage_weight", "pdf_only_credit"):
        value = _float(data.get(attr, roll_up.get(attr)))
        setattr(snap, attr, value)
    for code, settings in _mapping(data.get("rules")).items():
        settings = _mapping(settings)
        weight = _float(settings.get("weight"))
        if weight is not None:
            snap.rule_weights[str(code)] = weight
        severity = settings.get("severity")
        if isinstance(severity, str) and severity:
            snap.rule_severities[str(code)] = severity
    return snap

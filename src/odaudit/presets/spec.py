"""A preset file, read and validated strictly: every problem with its file and line.

A preset file names a model that Python defines and gives it numbers only:

    methodology: {name, version}
    model: mqa | five-stars | godi-2015 | redciudadana-2021
    description: optional text
    weights: {indicator: points}     # exactly the model's indicators (models that weigh)
    params: {name: value}            # the model's parameters; each has a default
    bands: [{name, min}]             # optional, highest first, on the preset's scale
"""

from __future__ import annotations

import difflib
import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from yaml.nodes import MappingNode, Node, ScalarNode

from odaudit.config.methodology import read_bands
from odaudit.config.nodes import Doc, Fields, parse_file
from odaudit.config.problems import ConfigError, ConfigProblem
from odaudit.models import ScoreCard
from odaudit.presets._qa_openness import OPENNESS_STARS
from odaudit.presets.formats import canonical_format
from odaudit.store.view import RunView

__all__ = ["ModelSpec", "Param", "Preset", "read_preset"]

ParamKind = Literal["number", "boolean", "strings", "stars", "choice", "points"]


@dataclass(frozen=True)
class Param:
    """One parameter a model accepts, with its default (used when the file omits it)."""

    kind: ParamKind
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preset:
    """A validated preset: which model, with which numbers, read from which bytes."""

    name: str
    version: str
    model: str
    weights: Mapping[str, float]
    params: Mapping[str, Any]
    bands: tuple[tuple[str, float], ...]
    scale_max: float
    path: Path
    sha256: str
    description: str = ""


@dataclass(frozen=True)
class ModelSpec:
    """What a model computes (Python) and which numbers it takes from its file."""

    name: str
    indicators: tuple[str, ...]  # keys of `weights`; empty when the model takes no weights
    params: Mapping[str, Param]
    scale: Callable[[Mapping[str, float], Mapping[str, Any]], float]
    score: Callable[[RunView, Preset], ScoreCard]
    not_observed: tuple[str, ...] = field(default=())  # indicators a crawler cannot see


_TOP = ("methodology", "model", "description", "weights", "params", "bands")


def read_preset(
    path: Path, models: Mapping[str, ModelSpec]
) -> tuple[list[ConfigProblem], Preset | None]:
    """Parse and validate one preset file without raising."""
    doc = parse_file(path)
    if doc.root is None:
        return doc.problems, None
    top = doc.mapping(doc.root, "the preset file")
    if top is None:
        return doc.problems, None
    top.keys(_TOP, required=("methodology", "model"))
    name, version = _meta(doc, top)
    description = top.string("description")
    model_name = top.string("model", nonempty=True)
    spec = models.get(model_name)
    if spec is None:
        if model_name:
            close = difflib.get_close_matches(model_name, list(models), n=1)
            hint = (
                f"did you mean '{close[0]}'?" if close else "models: " + ", ".join(sorted(models))
            )
            doc.add(top.node_of("model"), f"unknown model '{model_name}'", hint)
        return _sorted(doc), None
    weights = _weights(doc, top, spec)
    params = _params(doc, top.node_of("params"), spec)
    scale_max = spec.scale(weights, params)
    bands = _bands(doc, top.node_of("bands"), scale_max)
    if doc.problems:
        return _sorted(doc), None
    preset = Preset(
        name=name,
        version=version,
        model=spec.name,
        weights=weights,
        params=params,
        bands=tuple(bands),
        scale_max=scale_max,
        path=path,
        sha256=hashlib.sha256(doc.data).hexdigest(),
        description=description,
    )
    return [], preset


def _sorted(doc: Doc) -> list[ConfigProblem]:
    return sorted(doc.problems, key=lambda p: (p.line or 0, p.message))


def _meta(doc: Doc, top: Fields) -> tuple[str, str]:
    node = top.node_of("methodology")
    meta = doc.mapping(node, "methodology") if node is not None else None
    if meta is None:
        return "", ""
    meta.keys(("name", "version"), required=("name", "version"))
    return meta.string("name", nonempty=True), meta.string("version", nonempty=True)


def _weights(doc: Doc, top: Fields, spec: ModelSpec) -> dict[str, float]:
    node = top.node_of("weights")
    if not spec.indicators:
        if node is not None:
            doc.add(
                top.key_line("weights"), f"model '{spec.name}' takes no weights", "remove 'weights'"
            )
        return {}
    if node is None:
        doc.add(
            top.node, f"model '{spec.name}' needs 'weights'", "list: " + ", ".join(spec.indicators)
        )
        return {}
    f = doc.mapping(node, "weights")
    if f is None:
        return {}
    f.keys(spec.indicators, required=spec.indicators)
    return {k: f.number(k, 0.0, minimum=0) for k in spec.indicators if f.has(k)}


def _params(doc: Doc, node: Node | None, spec: ModelSpec) -> dict[str, Any]:
    values = {k: p.default for k, p in spec.params.items()}
    if node is None:
        return values
    f = doc.mapping(node, "params")
    if f is None:
        return values
    f.keys(tuple(spec.params))
    for key, param in spec.params.items():
        if f.has(key):
            values[key] = _param(doc, f, key, param)
    return values


def _param(doc: Doc, f: Fields, key: str, p: Param) -> Any:
    if p.kind == "number":
        lo = p.minimum if p.minimum is not None else -math.inf
        hi = p.maximum if p.maximum is not None else math.inf
        return f.number(key, p.default, minimum=lo, maximum=hi)
    if p.kind == "boolean":
        value = f.boolean(key)
        return p.default if value is None else value
    if p.kind == "strings":
        return tuple(s for s, _ in f.strings(key))
    if p.kind == "choice":
        choice = f.string(key, p.default)
        if choice not in p.choices:
            doc.add(
                f.node_of(key),
                f"params.{key} must be one of {', '.join(p.choices)}, got {choice!r}",
            )
            return p.default
        return choice
    return _mapping_param(doc, f, key, p)


def _mapping_param(doc: Doc, f: Fields, key: str, p: Param) -> dict[str, float]:
    """`stars` ({FORMAT: 0..5}) or `points` ({name: number}): a mapping of numbers."""
    node = f.node_of(key)
    assert node is not None
    sub = doc.mapping(node, f"params.{key}")
    if sub is None:
        return dict(p.default)
    if p.kind == "points" and p.choices:
        sub.keys(p.choices)
    out: dict[str, float] = {}
    for name, (key_node, value_node) in sub.fields.items():
        if p.kind == "stars" and name not in OPENNESS_STARS and canonical_format(name) != name:
            doc.add(
                key_node,
                f"params.{key}: '{name}' is not a CKAN format name",
                "use the short name, e.g. CSV, XLSX, GeoJSON",
            )
            continue
        if p.kind == "points" and p.choices and name not in p.choices:
            continue
        value = doc.value(value_node) if isinstance(value_node, ScalarNode) else None
        number = _number(value, whole=p.kind == "stars")
        lo = p.minimum if p.minimum is not None else 0.0
        hi = 5.0 if p.kind == "stars" else p.maximum
        if number is None or number < lo or (hi is not None and number > hi):
            want = (
                "a whole number from 0 to 5"
                if p.kind == "stars"
                else f"a number from {lo:g}" + (f" to {hi:g}" if hi is not None else "")
            )
            doc.add(value_node, f"params.{key}.{name} must be {want}")
            continue
        out[name] = number
    if p.kind == "points" and p.choices:
        for name in p.choices:
            if name not in out and name not in sub.fields:
                doc.add(node, f"params.{key} is missing '{name}'")
    return {**dict(p.default), **out} if p.kind == "stars" else out


def _number(value: Any, *, whole: bool) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    if whole and not isinstance(value, int):
        return None
    return float(value)


def _bands(doc: Doc, node: Node | None, scale_max: float) -> list[tuple[str, float]]:
    if node is None:
        return []
    return read_bands(doc, doc.sequence(node, "bands") or [], scale_max=scale_max)


def load(path: Path, models: Mapping[str, ModelSpec]) -> Preset:
    problems, preset = read_preset(path, models)
    if problems or preset is None:
        raise ConfigError(problems or [ConfigProblem(str(path), None, "not a preset file")])
    return preset


def is_mapping_with_model(path: Path) -> bool:
    doc = parse_file(path)
    if not isinstance(doc.root, MappingNode):
        return False
    return any(isinstance(k, ScalarNode) and k.value == "model" for k, _ in doc.root.value)

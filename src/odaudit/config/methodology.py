"""Load and validate a methodology file (rules/default.yaml and presets).

Keys: methodology {name, version} (required); select / ignore (rule codes like "FR002" or
category prefixes like "FR"; ignore wins; select defaults to every category); rules
{CODE: {severity, weight, params}}; dimensions {name: weight >= 0}; institution
{datasets_weight, coverage_weight, pdf_only_credit}; bands [{name, min}] highest first;
thresholds {fail_under, fail_on}.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import Node

from odaudit.config.nodes import Doc, Fields, parse_file
from odaudit.config.problems import ConfigError
from odaudit.models import DIMENSIONS, Severity

__all__ = [
    "CATEGORIES",
    "Methodology",
    "RuleSettings",
    "default_rules_path",
    "load_methodology",
    "read_methodology",
]

#: The rule categories of DESIGN.md, valid as prefixes even before a rule of theirs exists.
CATEGORIES = ("AV", "FM", "LI", "FR", "MD", "DV", "PD", "CV")
CODE_PATTERN = re.compile(r"^[A-Z]{2}[0-9]{3}$")

_TOP = (
    "methodology",
    "select",
    "ignore",
    "rules",
    "dimensions",
    "institution",
    "bands",
    "thresholds",
)
_RULE = ("severity", "weight", "params")
_INSTITUTION = ("datasets_weight", "coverage_weight", "pdf_only_credit")
_THRESHOLDS = ("fail_under", "fail_on")
_DEFAULT_DIMENSIONS = {
    "availability": 0.30,
    "format": 0.20,
    "license": 0.15,
    "freshness": 0.15,
    "metadata": 0.20,
}
_DEFAULT_BANDS = [("excelente", 85.0), ("bueno", 70.0), ("suficiente", 50.0), ("insuficiente", 0.0)]


@dataclass(frozen=True)
class RuleSettings:
    """Per-rule overrides from `rules:`; None keeps the rule's own default."""

    severity: Severity | None = None
    weight: float | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Methodology:
    """A validated methodology: which rules run, their overrides, and how scores roll up."""

    name: str
    version: str
    select: list[str]
    ignore: list[str]
    rules: dict[str, RuleSettings]
    dimensions: dict[str, float]
    datasets_weight: float
    coverage_weight: float
    pdf_only_credit: float
    bands: list[tuple[str, float]]
    fail_under: float | None
    fail_on: Severity | None
    path: Path
    sha256: str
    raw: dict[str, Any] = field(default_factory=dict)  # the file as parsed, for the store

    def enabled(self, code: str) -> bool:
        """Whether a rule runs: selected by code or prefix, and not ignored (ignore wins)."""
        return _matches(code, self.select) and not _matches(code, self.ignore)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot of the effective methodology (defaults filled in)."""
        return {
            "name": self.name,
            "version": self.version,
            "path": str(self.path),
            "sha256": self.sha256,
            "select": list(self.select),
            "ignore": list(self.ignore),
            "rules": {
                code: {
                    "severity": s.severity.value if s.severity else None,
                    "weight": s.weight,
                    "params": dict(s.params),
                }
                for code, s in self.rules.items()
            },
            "dimensions": dict(self.dimensions),
            "institution": {
                "datasets_weight": self.datasets_weight,
                "coverage_weight": self.coverage_weight,
                "pdf_only_credit": self.pdf_only_credit,
            },
            "bands": [{"name": n, "min": m} for n, m in self.bands],
            "thresholds": {
                "fail_under": self.fail_under,
                "fail_on": self.fail_on.value if self.fail_on else None,
            },
        }


def _matches(code: str, selectors: Collection[str]) -> bool:
    return any(code == s or (len(s) == 2 and code.startswith(s)) for s in selectors)


def default_rules_path() -> Path:
    """The methodology shipped with the package (odaudit/rules/default.yaml)."""
    return Path(__file__).resolve().parent.parent / "rules" / "default.yaml"


def load_methodology(
    path: str | Path,
    known_codes: Collection[str] | None = None,
    known_params: Mapping[str, Mapping[str, Any]] | None = None,
) -> Methodology:
    """Load a methodology file; raises ConfigError with every problem found.

    `known_codes`: the rule registry's codes; None accepts any code shaped like "AV001".
    `known_params`: each rule's default parameters; when given, `params:` keys must be among
    them and their values of the same type as the default.
    """
    doc, methodology = read_methodology(Path(path), known_codes, known_params)
    if doc.problems:
        raise ConfigError(doc.sorted_problems())
    assert methodology is not None
    return methodology


def read_methodology(
    path: Path,
    known_codes: Collection[str] | None,
    known_params: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[Doc, Methodology | None]:
    """Parse and validate without raising: the problems are in `doc.problems`."""
    doc = parse_file(path)
    if doc.root is None:
        return doc, None
    top = doc.mapping(doc.root, "the rules file")
    if top is None:
        return doc, None
    top.keys(_TOP, required=("methodology",))
    codes = _Codes(known_codes)
    name, version = "", ""
    meta_node = top.node_of("methodology")
    meta = doc.mapping(meta_node, "methodology") if meta_node is not None else None
    if meta is not None:
        meta.keys(("name", "version"), required=("name", "version"))
        name = meta.string("name", nonempty=True)
        version = meta.string("version", nonempty=True)
    select = _selectors(top, "select", codes) if top.has("select") else list(CATEGORIES)
    ignore = _selectors(top, "ignore", codes)
    rules = _rules(doc, top.node_of("rules"), codes, known_params)
    dimensions = _dimensions(doc, top.node_of("dimensions"))
    dw, cw, pdf = _institution(doc, top.node_of("institution"))
    bands = _bands(doc, top.node_of("bands"))
    fail_under, fail_on = _thresholds(doc, top.node_of("thresholds"))
    raw = doc.plain(doc.root)
    methodology = Methodology(
        name=name,
        version=version,
        select=select,
        ignore=ignore,
        rules=rules,
        dimensions=dimensions,
        datasets_weight=dw,
        coverage_weight=cw,
        pdf_only_credit=pdf,
        bands=bands,
        fail_under=fail_under,
        fail_on=fail_on,
        path=path,
        sha256=hashlib.sha256(doc.data).hexdigest(),
        raw=raw if isinstance(raw, dict) else {},
    )
    return doc, methodology


class _Codes:
    """Which rule codes and prefixes exist."""

    def __init__(self, known: Collection[str] | None) -> None:
        self.known = set(known) if known is not None else None
        self.prefixes = set(CATEGORIES) | {c[:2] for c in self.known or ()}

    def code_problem(self, code: str) -> tuple[str, str] | None:
        if self.known is None:
            if CODE_PATTERN.match(code):
                return None
            return (
                f"{code!r} is not a rule code",
                "codes are two capital letters and three digits, e.g. FR002",
            )
        if code in self.known:
            return None
        close = difflib.get_close_matches(code, sorted(self.known), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else "see `odaudit rules list`"
        return f"unknown rule code {code!r}", hint

    def selector_problem(self, value: str) -> tuple[str, str] | None:
        if len(value) == 2:
            if value in self.prefixes:
                return None
            return f"unknown rule prefix {value!r}", "prefixes are: " + ", ".join(
                sorted(self.prefixes)
            )
        return self.code_problem(value)


def _selectors(top: Fields, key: str, codes: _Codes) -> list[str]:
    out: list[str] = []
    for value, node in top.strings(key):
        problem = codes.selector_problem(value)
        if problem:
            top.doc.add(node, f"{key}: {problem[0]}", problem[1])
        else:
            out.append(value)
    return out


def _rules(
    doc: Doc, node: Node | None, codes: _Codes, known_params: Mapping[str, Mapping[str, Any]] | None
) -> dict[str, RuleSettings]:
    f = doc.mapping(node, "rules") if node is not None else None
    out: dict[str, RuleSettings] = {}
    for code, (key_node, value_node) in (f.fields if f else {}).items():
        problem = codes.code_problem(code)
        if problem:
            hint = problem[1]
            if len(code) == 2:
                hint = "`rules:` takes full codes such as FR002; select whole categories with `select:`"
            doc.add(key_node, f"rules: {problem[0]}", hint)
            continue
        r = doc.mapping(value_node, f"rules.{code}")
        if r is None:
            continue
        r.keys(_RULE)
        severity = _severity(r, "severity")
        weight = r.opt_number("weight", minimum=0, maximum=100) if r.has("weight") else None
        params: dict[str, Any] = {}
        p_node = r.node_of("params")
        p = doc.mapping(p_node, f"rules.{code}.params") if p_node is not None else None
        if p is not None:
            params = {k: doc.plain(v) for k, (_, v) in p.fields.items()}
            if known_params is not None and code in known_params:
                _check_params(p, params, known_params[code])
        out[code] = RuleSettings(severity=severity, weight=weight, params=params)
    return out


def _severity(f: Fields, key: str) -> Severity | None:
    value = f.opt_string(key)
    if value is None:
        return None
    try:
        return Severity(value)
    except ValueError:
        f.doc.add(
            f.node_of(key),
            f"{f.what}.{key}: unknown severity {value!r}",
            "use error, warning or info",
        )
        return None


def _dimensions(doc: Doc, node: Node | None) -> dict[str, float]:
    if node is None:
        return dict(_DEFAULT_DIMENSIONS)
    f = doc.mapping(node, "dimensions")
    if f is None:
        return dict(_DEFAULT_DIMENSIONS)
    f.keys(DIMENSIONS)
    out = {d: f.number(d, 0.0, minimum=0) for d in DIMENSIONS if f.has(d)}
    if not any(v > 0 for v in out.values()):
        doc.add(
            node,
            "dimensions: at least one dimension needs a weight above 0",
            "e.g. availability: 0.3",
        )
    return out


def _institution(doc: Doc, node: Node | None) -> tuple[float, float, float]:
    f = doc.mapping(node, "institution") if node is not None else None
    if f is None:
        return 0.6, 0.4, 0.5
    f.keys(_INSTITUTION)
    dw = f.number("datasets_weight", 0.6, minimum=0, maximum=1)
    cw = f.number("coverage_weight", 0.4, minimum=0, maximum=1)
    pdf = f.number("pdf_only_credit", 0.5, minimum=0, maximum=1)
    if abs(dw + cw - 1.0) > 1e-9:
        doc.add(
            node,
            f"institution: datasets_weight + coverage_weight must add up to 1, got {dw + cw:g}",
            "e.g. 0.6 and 0.4",
        )
    return dw, cw, pdf


def _bands(doc: Doc, node: Node | None) -> list[tuple[str, float]]:
    if node is None:
        return list(_DEFAULT_BANDS)
    items = doc.sequence(node, "bands")
    if items is None:
        return list(_DEFAULT_BANDS)
    if not items:
        doc.add(node, "bands is empty", "list at least one band, e.g. {name: insuficiente, min: 0}")
    return read_bands(doc, items, scale_max=100)


def read_bands(doc: Doc, items: Sequence[Node], *, scale_max: float) -> list[tuple[str, float]]:
    """`bands:` items ({name, min}), highest first, names unique; shared with the presets."""
    out: list[tuple[str, float]] = []
    for item in items:
        f = doc.mapping(item, "band")
        if f is None:
            continue
        f.keys(("name", "min"), required=("name", "min"))
        name = f.string("name", nonempty=True)
        minimum = f.number("min", -1.0, minimum=0, maximum=scale_max)
        if not name or minimum < 0:
            continue
        if any(n == name for n, _ in out):
            doc.add(
                f.node_of("name"),
                f"bands: duplicate band name {name!r}",
                "band names must be unique",
            )
        elif out and minimum >= out[-1][1]:
            doc.add(
                f.node_of("min"),
                f"bands: {name} (min {minimum:g}) is not below {out[-1][0]} (min {out[-1][1]:g})",
                "list bands highest first, each min lower than the one before",
            )
        else:
            out.append((name, minimum))
    return out


def _thresholds(doc: Doc, node: Node | None) -> tuple[float | None, Severity | None]:
    f = doc.mapping(node, "thresholds") if node is not None else None
    if f is None:
        return None, None
    f.keys(_THRESHOLDS)
    fail_under = f.opt_number("fail_under", minimum=0, maximum=100) if f.has("fail_under") else None
    fail_on = _severity(f, "fail_on")
    return fail_under, fail_on


def _check_params(p: Fields, params: dict[str, Any], defaults: Mapping[str, Any]) -> None:
    """Parameter names must be the rule's own, and values of the same type as its defaults."""
    for name in list(params):
        key_node, value_node = p.fields[name]
        if name not in defaults:
            close = difflib.get_close_matches(name, list(defaults), n=1, cutoff=0.6)
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else (
                    "parameters: " + ", ".join(sorted(defaults))
                    if defaults
                    else "this rule takes no parameters"
                )
            )
            p.doc.add(key_node, f"unknown parameter '{name}' in {p.what}", hint)
            del params[name]
            continue
        expected = _type_name(defaults[name])
        if expected and not _same_type(params[name], defaults[name]):
            p.doc.add(
                value_node,
                f"{p.what}.{name} must be {expected}, got {params[name]!r}",
                f"the default is {defaults[name]!r}",
            )
            del params[name]


def _type_name(default: Any) -> str:
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "a whole number"
    if isinstance(default, float):
        return "a number"
    if isinstance(default, str):
        return "a string"
    if isinstance(default, list | tuple | set | frozenset):
        return "a list"
    if isinstance(default, Mapping):
        return "a mapping"
    return ""  # None or anything else: any value


def _same_type(value: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, int):
        return isinstance(value, int)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, list | tuple | set | frozenset):
        return isinstance(value, list)
    if isinstance(default, Mapping):
        return isinstance(value, dict)
    return True

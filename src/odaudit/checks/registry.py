"""The rule registry: every rule's stable code, metadata, documentation and check.

Rules register themselves with `@rule(...)` in the modules of `odaudit.checks.rules`;
the registry imports them on first use, so `all_rules()` is always complete.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from odaudit.models import Severity

__all__ = ["Hit", "Rule", "all_rules", "get_rule", "known_codes", "rule"]

DIMENSION_OF = {
    "AV": "availability",
    "FM": "format",
    "LI": "license",
    "FR": "freshness",
    "MD": "metadata",
    "DV": "validity",
    "PD": "personal_data",
    "CV": "coverage",
}
_RULE_MODULES = (
    "availability",
    "robots",
    "format",
    "license",
    "freshness",
    "metadata",
    "validity",
    "personal",
    "coverage",
)


@dataclass(frozen=True)
class Hit:
    """What a check yields; the runner turns it into a `Finding` with code and severity."""

    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    resource_url: str | None = None
    fix: str | None = None  # None: the rule's default fix


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    title: str
    category: str
    dimension: str
    scope: str  # resource | dataset | institution | source
    severity: Severity
    weight: float
    params: Mapping[str, Any]
    summary: str
    doc: str
    fix: str
    check: Callable[..., Iterable[Hit]]
    #: the check reads the audit's clock or the previous run's content hashes, so a rerun
    #: must run it again even on a dataset whose evidence is unchanged (see odaudit.reuse);
    #: what it works out without the clock belongs in `DatasetContext.memoized`
    reads_clock: bool = False


_RULES: dict[str, Rule] = {}
_loaded = False


def _doc(what: str, why: str, example: str, params: Mapping[str, str]) -> str:
    listed = "\n".join(f"- `{k}`: {v}" for k, v in params.items()) or "None."
    return (
        f"## What it checks\n\n{what.strip()}\n\n## Why it matters\n\n{why.strip()}\n\n"
        f"## Example\n\n{example.strip()}\n\n## Parameters\n\n{listed}\n"
    )


def rule(
    *,
    code: str,
    name: str,
    title: str,
    scope: str,
    severity: Severity,
    weight: float,
    summary: str,
    fix: str,
    what: str,
    why: str,
    example: str,
    params: Mapping[str, Any] | None = None,
    params_doc: Mapping[str, str] | None = None,
    reads_clock: bool = False,
) -> Callable[[Callable[..., Iterable[Hit]]], Callable[..., Iterable[Hit]]]:
    """Register a check function as the rule `code`."""

    def register(check: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        if code in _RULES:
            raise ValueError(f"duplicate rule code {code}")
        defaults = dict(params or {})
        described = {
            k: f"{(params_doc or {}).get(k, '')} (default `{defaults[k]!r}`)".strip()
            for k in defaults
        }
        _RULES[code] = Rule(
            code=code,
            name=name,
            title=title,
            category=code[:2],
            dimension=DIMENSION_OF[code[:2]],
            scope=scope,
            severity=severity,
            weight=weight,
            params=MappingProxyType(defaults),
            summary=summary,
            doc=_doc(what, why, example, described),
            fix=fix,
            check=check,
            reads_clock=reads_clock,
        )
        return check

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in _RULE_MODULES:
            importlib.import_module(f"odaudit.checks.rules.{module}")
        _loaded = True


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by code."""
    _load()
    return [_RULES[c] for c in sorted(_RULES)]


def get_rule(code: str) -> Rule:
    """The rule with this code; KeyError when there is none."""
    _load()
    return _RULES[code]


def known_codes() -> set[str]:
    _load()
    return set(_RULES)

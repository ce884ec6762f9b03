"""Run the registered rules with the methodology's overrides and turn hits into findings.

A rule that crashes on hostile data must not stop the audit: its exception is logged
and the rule yields nothing for that dataset (see `_safe`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from types import MappingProxyType
from typing import Any, Protocol

from odaudit.checks.context import DatasetContext
from odaudit.checks.coverage import InstitutionContext, explain_coverage
from odaudit.checks.registry import Hit, Rule, all_rules
from odaudit.checks.sanitize import clean_dataset
from odaudit.models import CoverageItem, Dataset, Finding, Institution, Probe, Severity, Source

__all__ = [
    "MethodologyLike",
    "PortalErrorLike",
    "SourceContext",
    "clock_rules",
    "content_hash",
    "rules_signature",
    "run_dataset_checks",
    "run_institution_checks",
    "run_source_checks",
]

log = logging.getLogger(__name__)


class RuleSettingsLike(Protocol):
    @property
    def severity(self) -> Severity | None: ...
    @property
    def weight(self) -> float | None: ...
    @property
    def params(self) -> dict[str, Any]: ...


class MethodologyLike(Protocol):
    """What the checks need of `odaudit.config.Methodology`."""

    @property
    def rules(self) -> Mapping[str, RuleSettingsLike]: ...
    def enabled(self, code: str) -> bool: ...


class PortalErrorLike(Protocol):
    """What the checks need of `odaudit.portals.PortalError`."""

    @property
    def kind(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def evidence(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class SourceContext:
    institution: Institution
    source: Source
    kind: str
    message: str
    evidence: dict[str, Any]


def content_hash(probe: Probe) -> str | None:
    """What `content_hashes`/`previous_hashes` hold for a URL: sha256 of the sniffed prefix.

    None when nothing was read (a HEAD-only probe or a failure): no hash, no verdict.
    """
    sniff = getattr(probe, "sniff", b"")
    if not isinstance(sniff, bytes | bytearray) or not sniff:
        return None
    return hashlib.sha256(sniff).hexdigest()


def _effective(rule: Rule, methodology: MethodologyLike | None) -> tuple[Severity, dict[str, Any]]:
    params = dict(rule.params)
    severity = rule.severity
    settings = methodology.rules.get(rule.code) if methodology is not None else None
    if settings is not None:
        params.update(settings.params or {})
        if settings.severity is not None:
            severity = Severity(settings.severity)
    return severity, params


def _safe(rule: Rule, ctx: object, params: Mapping[str, Any]) -> list[Hit]:
    try:
        return list(rule.check(ctx, params))
    except Exception:  # one buggy rule must not sink the audit of a hostile dataset
        log.exception("rule %s failed; it reports nothing for this item", rule.code)
        return []


def _findings(
    rule: Rule,
    severity: Severity,
    hits: Iterable[Hit],
    institution: str,
    dataset_id: str | None,
) -> list[Finding]:
    return [
        Finding(
            code=rule.code,
            severity=severity,
            message=h.message,
            institution=institution,
            dataset_id=dataset_id,
            resource_url=h.resource_url,
            evidence=dict(h.evidence),
            fix=h.fix if h.fix is not None else rule.fix,
        )
        for h in hits
    ]


@dataclass(frozen=True)
class _Plan:
    """A methodology's effective rules, worked out once: a national run checks tens of
    thousands of datasets against the same selection, severities and parameters."""

    #: the enabled rules in code order (the order findings always had), read-only params
    enabled: tuple[tuple[Rule, Severity, Mapping[str, Any]], ...]
    #: every rule's effective params, enabled or not (a rule may read another's settings)
    rule_params: Mapping[str, Mapping[str, Any]]
    _by_scopes: dict[tuple[str, ...], list[tuple[Rule, Severity, Mapping[str, Any]]]] = field(
        default_factory=dict
    )

    def rules(
        self, scopes: tuple[str, ...], *, clock_only: bool = False
    ) -> list[tuple[Rule, Severity, Mapping[str, Any]]]:
        key = (*scopes, "clock") if clock_only else scopes
        found = self._by_scopes.get(key)
        if found is None:
            found = self._by_scopes[key] = [
                e
                for e in self.enabled
                if e[0].scope in scopes and (e[0].reads_clock or not clock_only)
            ]
        return found

    @cached_property
    def signature(self) -> str:
        """What the findings of a dataset depend on besides its evidence: which rules run,
        in what order, with what severity and parameters, and which read the clock."""
        digest = hashlib.sha256()
        for rule, severity, params in self.enabled:
            check = rule.check
            digest.update(
                repr(
                    (
                        rule.code,
                        rule.scope,
                        severity.value,
                        rule.reads_clock,
                        rule.fix,
                        getattr(check, "__module__", ""),
                        getattr(check, "__qualname__", repr(check)),
                        sorted(params.items()),
                    )
                ).encode("utf-8", "backslashreplace")
            )
        for code, params in sorted(self.rule_params.items()):
            digest.update(repr((code, sorted(params.items()))).encode("utf-8", "backslashreplace"))
        return digest.hexdigest()


#: (methodology, registry, plan) by id; the methodology is held so its id cannot be reused
_PLANS: dict[int, tuple[object, list[Rule], _Plan]] = {}
_MAX_PLANS = 8


def _plan(methodology: MethodologyLike | None) -> _Plan:
    """The cached plan of a methodology (a loaded methodology is never changed in place),
    worked out again if the registry changed (tests swap rules in)."""
    rules = all_rules()
    cached = _PLANS.get(id(methodology))
    if (
        cached is not None
        and cached[0] is methodology
        and len(cached[1]) == len(rules)
        and all(a is b for a, b in zip(cached[1], rules, strict=True))
    ):
        return cached[2]
    effective = {r.code: _effective(r, methodology) for r in rules}
    params = {code: MappingProxyType(p) for code, (_, p) in effective.items()}
    plan = _Plan(
        enabled=tuple(
            (r, effective[r.code][0], params[r.code])
            for r in rules
            if methodology is None or methodology.enabled(r.code)
        ),
        rule_params=MappingProxyType(params),
    )
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[id(methodology)] = (methodology, rules, plan)
    return plan


def run_dataset_checks(
    institution: Institution,
    dataset: Dataset,
    probes: Mapping[str, Probe],
    methodology: MethodologyLike | None,
    now: datetime,
    tables: Mapping[str, Any] | None = None,
    *,
    failure_streaks: Mapping[str, int] | None = None,
    license_probes: Mapping[str, Probe] | None = None,
    content_hashes: Mapping[str, str] | None = None,
    previous_hashes: Mapping[str, str] | None = None,
    robots: Mapping[str, object] | None = None,
    clock_only: bool = False,
    memo: dict[str, Any] | None = None,
) -> list[Finding]:
    """Every enabled resource- and dataset-level rule on one dataset (with `clock_only`,
    only those declared `reads_clock`: a rerun reuses the others' findings).

    `tables` maps resource URLs to `odaudit.validation.TableReport`s; without it the
    data-validity (DV) and personal-data (PD) rules have nothing to read and stay silent.
    The history arguments come from the store; each is optional and a rule without its
    evidence falls back to what this run alone can tell:
    `failure_streaks` (URL -> failed runs in a row before this one: AV001/AV002 confirm
    after K), `license_probes` (licence URL -> probe: LI004), `content_hashes` and
    `previous_hashes` (resource URL -> sha256 of the sniffed prefix now and in the previous
    run: FR002 does not call a file stale that changed since the previous run),
    `robots` (resource URL -> what its robots.txt says: a bool, or an
    `odaudit.http.RobotsVerdict` whose robots URL and matching line become evidence: AV008).
    `memo` holds clock-free values the rules work out (`DatasetContext.memoized`): pass the
    one stored with the findings being reused, or an empty dict to have it filled.
    """
    plan = _plan(methodology)
    try:
        ctx = DatasetContext.build(
            institution,
            dataset,
            probes,
            now,
            tables,
            failure_streaks=failure_streaks,
            license_probes=license_probes,
            content_hashes=content_hashes,
            previous_hashes=previous_hashes,
            robots=robots,
            rule_params=plan.rule_params,
            memo=memo,
        )
        if not clock_only:
            ctx.resources  # noqa: B018 - read them here, where unreadable metadata is caught
    except Exception:  # hostile metadata of a shape no adapter should produce
        log.exception("could not read dataset %r for the checks", getattr(dataset, "id", "?"))
        return []
    out: list[Finding] = []
    for rule, severity, params in plan.rules(("resource", "dataset"), clock_only=clock_only):
        out.extend(
            _findings(rule, severity, _safe(rule, ctx, params), institution.code, dataset.id)
        )
    return out


def rules_signature(methodology: MethodologyLike | None) -> str:
    """A digest of the methodology's effective dataset rules (see `_Plan.signature`)."""
    return _plan(methodology).signature


def clock_rules(methodology: MethodologyLike | None) -> tuple[frozenset[str], dict[str, int]]:
    """The enabled rules a rerun must run again on an unchanged dataset (those declared
    `reads_clock`), and every enabled rule's place in the order findings are stored in."""
    plan = _plan(methodology)
    order = {rule.code: i for i, (rule, _, _) in enumerate(plan.enabled)}
    return frozenset(r.code for r, _, _ in plan.enabled if r.reads_clock), order


def run_source_checks(
    institution: Institution,
    source: Source,
    error: PortalErrorLike,
    methodology: MethodologyLike | None = None,
) -> list[Finding]:
    """AV010 / AV011 for a source whose discovery failed."""
    ctx = SourceContext(
        institution=institution,
        source=source,
        kind=str(getattr(error, "kind", "") or ""),
        message=str(getattr(error, "message", "") or error),
        evidence=dict(getattr(error, "evidence", None) or {}),
    )
    out: list[Finding] = []
    for rule, severity, params in _plan(methodology).rules(("source",)):
        out.extend(_findings(rule, severity, _safe(rule, ctx, params), institution.code, None))
    return out


def run_institution_checks(
    institution: Institution,
    datasets: Sequence[Dataset],
    methodology: MethodologyLike | None,
) -> tuple[list[Finding], list[CoverageItem]]:
    """Coverage of the institution's key datasets (CV001-CV003) and its coverage items."""
    cleaned = []
    for dataset in datasets:
        try:
            cleaned.append(clean_dataset(dataset))
        except Exception:  # a dataset of a shape no adapter should produce
            log.exception("could not read dataset %r for coverage", getattr(dataset, "id", "?"))
    explained = explain_coverage(institution, cleaned)
    coverage = [k.item for k in explained]
    ctx = InstitutionContext(
        institution, cleaned, coverage, {k.item.key_id: k.matches for k in explained}
    )
    out: list[Finding] = []
    for rule, severity, params in _plan(methodology).rules(("institution",)):
        out.extend(_findings(rule, severity, _safe(rule, ctx, params), institution.code, None))
    return out, coverage

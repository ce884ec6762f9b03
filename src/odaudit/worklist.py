"""An institution's work list: its problems, grouped and ordered by impact.

What an auditor hands to an institution: each problem once per dataset (the same
rule firing on 40 resources of one dataset is one item with a count), the most
damaging first: severity, then points lost (rule weight × occurrences).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from odaudit.models import Finding, Severity
from odaudit.store.view import InstitutionView

__all__ = ["WorkItem", "build_worklist", "compact_evidence"]


class RuleInfo(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def weight(self) -> float: ...


@dataclass
class WorkItem:
    code: str
    title: str
    severity: Severity
    dataset_id: str | None
    dataset_title: str
    message: str  # the first occurrence's message
    evidence: str  # compact "key=value" facts of the first occurrence
    fix: str
    count: int = 1
    weight: float = 0.0
    resources: list[str] = field(default_factory=list)

    @property
    def impact(self) -> tuple[int, float]:
        return (self.severity.rank, self.weight * self.count)


def compact_evidence(evidence: Mapping[str, Any], limit: int = 240) -> str:
    """A one-line summary of a finding's evidence (values shortened)."""
    parts = []
    for key, value in evidence.items():
        if value in (None, "", [], {}):
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if len(text) > 80:
            text = text[:77] + "…"
        parts.append(f"{key}={text}")
    line = "; ".join(parts)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def build_worklist(
    institution: InstitutionView,
    rules: Iterable[RuleInfo] = (),
    weights: Mapping[str, float] | None = None,
) -> list[WorkItem]:
    """Group `institution`'s findings by (rule, dataset) and sort them by impact."""
    info = {r.code: r for r in rules}
    titles = {d.dataset.id: d.dataset.title for d in institution.datasets}
    items: dict[tuple[str, str | None], WorkItem] = {}
    for f in _ordered(institution.all_findings()):
        key = (f.code, f.dataset_id)
        item = items.get(key)
        if item is None:
            rule = info.get(f.code)
            weight = (weights or {}).get(f.code, rule.weight if rule else 0.0)
            items[key] = WorkItem(
                code=f.code,
                title=rule.title if rule else f.code,
                severity=f.severity,
                dataset_id=f.dataset_id,
                dataset_title=titles.get(f.dataset_id or "", ""),
                message=f.message,
                evidence=compact_evidence(f.evidence),
                fix=f.fix,
                weight=float(weight),
                resources=[f.resource_url] if f.resource_url else [],
            )
            continue
        item.count += 1
        if f.resource_url:
            item.resources.append(f.resource_url)
        if f.severity.rank > item.severity.rank:
            item.severity = f.severity
    return sorted(
        items.values(), key=lambda i: (-i.impact[0], -i.impact[1], i.code, i.dataset_title)
    )


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.code, f.dataset_id or "", f.resource_url or ""))

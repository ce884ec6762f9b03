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

from odaudit.models import Severity
from odaudit.store.view import InstitutionView

__all__ = ["WorkItem", "build_worklist", "compact_evidence"]


class RuleInfo(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
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
    evidence: str  # compact "key=value" facts of the first occurrence ("" until summarised)
    fix: str
    count: int = 1
    weight: float = 0.0
    resources: list[str] = field(default_factory=list)
    raw_evidence: object = None  # the first occurrence's evidence as stored

    @property
    def impact(self) -> tuple[int, float]:
        return (self.severity.rank, self.weight * self.count)


#: Facts a reader wants first; raw bytes stay in the stored evidence, not in the summary.
_FIRST = (
    "status",
    "outcome",
    "declared_format",
    "detected_format",
    "content_type",
    "license",
    "modified",
    "frequency",
    "count",
    "columns",
    "url",
)
_LEFT_OUT = frozenset({"bytes_prefix_hex"})


def compact_evidence(evidence: Mapping[str, Any], limit: int = 240) -> str:
    """A one-line summary of a finding's evidence (key facts first, values shortened)."""
    rank = {key: i for i, key in enumerate(_FIRST)}
    ordered = sorted(
        (kv for kv in evidence.items() if kv[0] not in _LEFT_OUT),
        key=lambda kv: rank.get(kv[0], len(rank)),
    )
    parts = []
    for key, value in ordered:
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
    *,
    summarise: bool = True,
) -> list[WorkItem]:
    """Group `institution`'s findings into jobs and sort them by impact.

    Findings about resources collapse into one item per (rule, dataset) with a count;
    dataset- and institution-level findings stay apart when their messages differ (two
    missing key datasets are two jobs, not one). With `summarise`, each item's evidence
    is condensed to one line; otherwise only `raw_evidence` is set (the report formats it).
    """
    info = {r.code: r for r in rules}
    titles = {d.dataset.id: d.dataset.title for d in institution.datasets}
    items: dict[tuple[str, str | None, str | None], WorkItem] = {}
    ordered = sorted(
        institution.all_findings(),
        key=lambda f: (f.code, f.dataset_id or "", f.resource_url or "", f.message),
    )
    for f in ordered:
        key = (f.code, f.dataset_id, None if f.resource_url else f.message)
        item = items.get(key)
        if item is None:
            rule = info.get(f.code)
            weight = (weights or {}).get(f.code, float(rule.weight) if rule else 0.0)
            items[key] = WorkItem(
                code=f.code,
                title=(rule.title or rule.name) if rule else f.code,
                severity=f.severity,
                dataset_id=f.dataset_id,
                dataset_title=titles.get(f.dataset_id or "", ""),
                message=f.message,
                evidence=compact_evidence(f.evidence) if summarise else "",
                fix=f.fix,
                weight=float(weight),
                resources=[f.resource_url] if f.resource_url else [],
                raw_evidence=f.evidence,
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

"""An institution's work list: its findings grouped into jobs, most damaging first."""

from __future__ import annotations

from collections.abc import Mapping

from odaudit.report.model import RuleInfo
from odaudit.report.safety import plain_text
from odaudit.store.view import InstitutionView
from odaudit.worklist import WorkItem, compact_evidence

__all__ = ["group_findings", "summarise_evidence"]


def group_findings(
    inst: InstitutionView,
    rules: Mapping[str, RuleInfo],
    weights: Mapping[str, float],
) -> list[tuple[WorkItem, object]]:
    """Findings grouped per rule and dataset, most damaging first.

    Findings about resources collapse into one item per (rule, dataset) with a
    count; dataset- and institution-level findings stay apart when their
    messages differ (two missing key datasets are two jobs, not one). Each item
    comes with its first finding's raw evidence, summarised only if it is shown.
    """
    titles = {d.dataset.id: d.dataset.title for d in inst.datasets}
    items: dict[tuple[str, str | None, str | None], WorkItem] = {}
    evidence: dict[tuple[str, str | None, str | None], object] = {}
    ordered = sorted(
        inst.all_findings(),
        key=lambda f: (f.code, f.dataset_id or "", f.resource_url or "", f.message),
    )
    for f in ordered:
        key = (f.code, f.dataset_id, None if f.resource_url else f.message)
        item = items.get(key)
        if item is None:
            rule = rules.get(f.code)
            weight = weights.get(f.code, float(rule.weight) if rule else 0.0)
            items[key] = WorkItem(
                code=f.code,
                title=(rule.title or rule.name) if rule else f.code,
                severity=f.severity,
                dataset_id=f.dataset_id,
                dataset_title=titles.get(f.dataset_id or "", ""),
                message=f.message,
                evidence="",
                fix=f.fix,
                weight=weight,
                resources=[f.resource_url] if f.resource_url else [],
            )
            evidence[key] = f.evidence
            continue
        item.count += 1
        if f.resource_url:
            item.resources.append(f.resource_url)
        if f.severity.rank > item.severity.rank:
            item.severity = f.severity
    ranked = sorted(
        items.items(),
        key=lambda kv: (-kv[1].impact[0], -kv[1].impact[1], kv[1].code, kv[1].dataset_title),
    )
    return [(item, evidence[key]) for key, item in ranked]


def summarise_evidence(evidence: object) -> str:
    """The compact key facts of a finding; evidence that is not a mapping is shown as text."""
    if not isinstance(evidence, Mapping):
        return plain_text(evidence)[:240]
    try:
        # Sorted keys: the store keeps evidence as sorted JSON, so a run renders the
        # same before and after it is stored.
        return compact_evidence(dict(sorted(evidence.items(), key=lambda kv: str(kv[0]))))
    except (TypeError, ValueError):
        return plain_text(repr(dict(evidence)))[:240]

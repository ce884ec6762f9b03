"""An institution's work list: its findings grouped into jobs, most damaging first."""

from __future__ import annotations

from collections.abc import Mapping

from odaudit.report.model import RuleInfo
from odaudit.report.safety import plain_text
from odaudit.store.view import InstitutionView
from odaudit.worklist import WorkItem, build_worklist, compact_evidence

__all__ = ["group_findings", "summarise_evidence"]


def group_findings(
    inst: InstitutionView,
    rules: Mapping[str, RuleInfo],
    weights: Mapping[str, float],
) -> list[tuple[WorkItem, object]]:
    """The institution's work list (`odaudit.worklist`), each item with its first
    finding's raw evidence, summarised by the report only where it is shown."""
    items = build_worklist(inst, rules.values(), weights, summarise=False)
    return [(item, item.raw_evidence) for item in items]


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

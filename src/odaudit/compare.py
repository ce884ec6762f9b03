"""Run-to-run differences and the CI gate's verdict.

Both read two stored runs (`RunView`s) only. A finding is "the same" in two runs
when institution, dataset, resource and rule code agree, so a fixed problem and
a new one are told apart even when their messages are reworded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from odaudit.models import CoverageStatus, Finding, Severity
from odaudit.store.view import RunView

__all__ = [
    "Breach",
    "Gate",
    "InstitutionChange",
    "KeyDatasetLoss",
    "RunDiff",
    "diff_runs",
    "evaluate_gate",
]

FindingKey = tuple[str, str | None, str | None, str]


def _portable(value: str | None) -> str | None:
    """A URL without its scheme and host, so a portal that moved host or port (or a demo
    served on a new port) is not read as every finding fixed and found again."""
    if value and value.startswith(("http://", "https://")):
        parts = urlsplit(value)
        return urlunsplit(("", "", parts.path, parts.query, parts.fragment))
    return value


def _key(f: Finding) -> FindingKey:
    return (f.institution, _portable(f.dataset_id), _portable(f.resource_url), f.code)


@dataclass
class InstitutionChange:
    code: str
    name: str
    before: float | None  # None: not in the baseline
    after: float | None  # None: not in the current run
    band_before: str = ""
    band_after: str = ""
    new_findings: int = 0
    fixed_findings: int = 0

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


@dataclass
class KeyDatasetLoss:
    institution: str
    key_id: str
    title: str
    before: str
    after: str


@dataclass
class RunDiff:
    baseline_run: int
    current_run: int
    national_before: float | None
    national_after: float | None
    institutions: list[InstitutionChange]
    new_findings: list[Finding] = field(default_factory=list)
    fixed_findings: list[Finding] = field(default_factory=list)
    datasets_added: list[tuple[str, str]] = field(default_factory=list)  # (institution, title)
    datasets_removed: list[tuple[str, str]] = field(default_factory=list)
    key_datasets_lost: list[KeyDatasetLoss] = field(default_factory=list)

    @property
    def national_delta(self) -> float | None:
        if self.national_before is None or self.national_after is None:
            return None
        return round(self.national_after - self.national_before, 1)


def _findings(view: RunView) -> dict[FindingKey, Finding]:
    return {_key(f): f for inst in view.institutions for f in inst.all_findings()}


def _datasets(view: RunView) -> dict[tuple[str, str | None], str]:
    return {
        (inst.code, _portable(dv.dataset.id)): dv.dataset.title
        for inst in view.institutions
        for dv in inst.datasets
    }


_COVERAGE_RANK = {CoverageStatus.FOUND: 2, CoverageStatus.PDF_ONLY: 1, CoverageStatus.MISSING: 0}


def diff_runs(baseline: RunView, current: RunView) -> RunDiff:
    """What changed from `baseline` to `current`."""
    before_f, after_f = _findings(baseline), _findings(current)
    new = [f for k, f in after_f.items() if k not in before_f]
    fixed = [f for k, f in before_f.items() if k not in after_f]

    before_scores = (
        {s.code: s for s in baseline.scorecard.institutions} if baseline.scorecard else {}
    )
    after_scores = {s.code: s for s in current.scorecard.institutions} if current.scorecard else {}
    names = {i.code: i.name for i in baseline.institutions}
    names.update({i.code: i.name for i in current.institutions})
    changes = []
    for code in sorted(names):
        b, a = before_scores.get(code), after_scores.get(code)
        changes.append(
            InstitutionChange(
                code=code,
                name=names[code],
                before=b.score if b else None,
                after=a.score if a else None,
                band_before=b.band if b else "",
                band_after=a.band if a else "",
                new_findings=sum(1 for f in new if f.institution == code),
                fixed_findings=sum(1 for f in fixed if f.institution == code),
            )
        )

    ds_before, ds_after = _datasets(baseline), _datasets(current)
    losses = []
    before_cov = {(i.code, c.key_id): c for i in baseline.institutions for c in i.coverage}
    for inst in current.institutions:
        for c in inst.coverage:
            prev = before_cov.get((inst.code, c.key_id))
            if prev is not None and _COVERAGE_RANK[c.status] < _COVERAGE_RANK[prev.status]:
                losses.append(
                    KeyDatasetLoss(inst.code, c.key_id, c.title, prev.status.value, c.status.value)
                )
    return RunDiff(
        baseline_run=baseline.manifest.run_id,
        current_run=current.manifest.run_id,
        national_before=baseline.scorecard.national_score if baseline.scorecard else None,
        national_after=current.scorecard.national_score if current.scorecard else None,
        institutions=changes,
        new_findings=new,
        fixed_findings=fixed,
        datasets_added=[(k[0], t) for k, t in ds_after.items() if k not in ds_before],
        datasets_removed=[(k[0], t) for k, t in ds_before.items() if k not in ds_after],
        key_datasets_lost=losses,
    )


@dataclass
class Gate:
    """Thresholds a CI job enforces. None switches a check off."""

    min_national: float | None = None
    min_institution: float | None = None
    max_drop: float | None = 5.0  # points, national or any institution
    fail_on_new: Severity | None = Severity.ERROR
    fail_on_lost_key_datasets: bool = True


@dataclass
class Breach:
    kind: str  # min_national | min_institution | drop | new_finding | lost_key_dataset
    institution: str | None
    message: str
    dataset_id: str | None = None
    code: str | None = None


def evaluate_gate(current: RunView, diff: RunDiff | None, gate: Gate) -> list[Breach]:
    """Every threshold `current` breaches (against `diff`'s baseline when given)."""
    breaches: list[Breach] = []
    card = current.scorecard
    if card is not None:
        if gate.min_national is not None and card.national_score < gate.min_national:
            breaches.append(
                Breach(
                    "min_national",
                    None,
                    f"national score {card.national_score:.1f} is below {gate.min_national:g}",
                )
            )
        if gate.min_institution is not None:
            for s in card.institutions:
                if s.score < gate.min_institution:
                    breaches.append(
                        Breach(
                            "min_institution",
                            s.code,
                            f"{s.code} scores {s.score:.1f}, below {gate.min_institution:g}",
                        )
                    )
    if diff is None:
        return breaches
    if gate.max_drop is not None:
        nd = diff.national_delta
        if nd is not None and -nd > gate.max_drop:
            breaches.append(
                Breach(
                    "drop", None, f"national score dropped {-nd:.1f} points (max {gate.max_drop:g})"
                )
            )
        for ch in diff.institutions:
            d = ch.delta
            if d is not None and -d > gate.max_drop:
                breaches.append(
                    Breach(
                        "drop",
                        ch.code,
                        f"{ch.code} dropped {-d:.1f} points ({ch.before:.1f} → {ch.after:.1f}; "
                        f"max {gate.max_drop:g})",
                    )
                )
    if gate.fail_on_new is not None:
        threshold = gate.fail_on_new.rank
        for f in _sorted(diff.new_findings):
            if f.severity.rank >= threshold:
                breaches.append(
                    Breach(
                        "new_finding",
                        f.institution,
                        f"new {f.severity.value} {f.code}: {f.message}",
                        dataset_id=f.dataset_id,
                        code=f.code,
                    )
                )
    if gate.fail_on_lost_key_datasets:
        for loss in diff.key_datasets_lost:
            breaches.append(
                Breach(
                    "lost_key_dataset",
                    loss.institution,
                    f"{loss.institution}: key dataset «{loss.title}» was {loss.before}, now {loss.after}",
                )
            )
    return breaches


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings, key=lambda f: (f.institution, f.code, f.dataset_id or "", f.resource_url or "")
    )

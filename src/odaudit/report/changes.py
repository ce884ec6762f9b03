"""What changed since an earlier run: the summary line, the ranking's change column and
the per-institution list of new and fixed problems, datasets added, removed and lost.

The comparison itself is `odaudit.compare.diff_runs`; this module only decides what a
reader sees of it (grouped, capped, in the reader's language).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from odaudit.compare import InstitutionChange, RunDiff, diff_runs
from odaudit.models import Finding, ScoreCard
from odaudit.report.i18n import COVERAGE_LABELS, SEVERITY_LABELS, Formatter
from odaudit.report.model import Change, ChangesInfo, InstitutionChanges, ProblemGroup, RuleInfo
from odaudit.report.safety import plain_text
from odaudit.store.view import RunView

__all__ = ["MAX_CHANGE_GROUPS", "MAX_CHANGE_ITEMS", "build_changes", "score_change"]

#: Rules listed per institution among its new (or fixed) problems; the exports hold them all.
MAX_CHANGE_GROUPS = 12
#: Datasets named per rule, and datasets added or removed named per institution.
MAX_CHANGE_ITEMS = 10
_EXAMPLES = 3

Gettext = Callable[[str], str]


def score_change(delta: float | None, fmt: Formatter, digits: int = 1) -> Change:
    """▲/▼/= with the signed difference, so the change reads without colour."""
    if delta is None:
        return Change("—", "none")
    if abs(delta) < 0.05:
        return Change("= " + fmt.number(0.0, digits), "same")
    if delta > 0:
        return Change("▲ +" + fmt.number(delta, digits), "up")
    return Change("▼ " + fmt.number(delta, digits), "down")


def _comparable(before: ScoreCard | None, after: ScoreCard | None) -> bool:
    return (
        before is not None
        and after is not None
        and before.methodology == after.methodology
        and abs(before.scale_max - after.scale_max) < 1e-9
    )


@dataclass
class _Context:
    _: Gettext
    fmt: Formatter
    rules: Mapping[str, RuleInfo]
    titles: dict[tuple[str, str], str]  # (institution, dataset id) -> title, both runs
    new: dict[str, list[Finding]]  # by institution, so a national diff is read once
    fixed: dict[str, list[Finding]]
    added: dict[str, list[str]]  # dataset titles by institution
    removed: dict[str, list[str]]


def _by_institution(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.institution, []).append(f)
    return out


def _titles_by_institution(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for inst, title in pairs:
        out.setdefault(inst, []).append(plain_text(title) or "—")
    return out


def _label(table: Mapping[str, str], key: str, _: Gettext) -> str:
    return _(table[key]) if key in table else plain_text(key)


def _where(f: Finding, ctx: _Context) -> str:
    if f.dataset_id is None:
        return ctx._("institución")
    title = ctx.titles.get((f.institution, f.dataset_id), "")
    return plain_text(title) or plain_text(f.dataset_id)


def _groups(findings: Sequence[Finding], ctx: _Context) -> tuple[list[ProblemGroup], int]:
    """One group per rule, the most severe and most frequent first; (shown, hidden count)."""
    by_code: dict[str, list[Finding]] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    groups = []
    for code, items in by_code.items():
        severity = max((f.severity for f in items), key=lambda s: s.rank)
        places = list(dict.fromkeys(_where(f, ctx) for f in items))
        rule = ctx.rules.get(code)
        groups.append(
            (
                (-severity.rank, -len(items), code),
                ProblemGroup(
                    code=plain_text(code),
                    title=plain_text(rule.title or rule.name) if rule else "",
                    severity=severity.value,
                    severity_label=_label(SEVERITY_LABELS, severity.value, ctx._),
                    count=len(items),
                    datasets=places[:_EXAMPLES],
                    more_datasets=max(0, len(places) - _EXAMPLES),
                ),
            )
        )
    groups.sort(key=lambda g: g[0])
    shown = [g for _, g in groups[:MAX_CHANGE_GROUPS]]
    return shown, len(groups) - len(shown)


def _capped(titles: Sequence[str]) -> tuple[list[str], int]:
    names = sorted(titles)
    return names[:MAX_CHANGE_ITEMS], max(0, len(names) - MAX_CHANGE_ITEMS)


def _institution(
    ch: InstitutionChange,
    diff: RunDiff,
    ctx: _Context,
    comparable: bool,
    present: tuple[bool, bool],
) -> InstitutionChanges:
    was_there, is_there = present
    status = ""
    if not is_there:
        status = ctx._("no auditada en esta medición")
    elif not was_there:
        status = ctx._("nueva en esta medición")
    new, fixed = ctx.new.get(ch.code, []), ctx.fixed.get(ch.code, [])
    new_groups, new_hidden = _groups(new, ctx)
    fixed_groups, fixed_hidden = _groups(fixed, ctx)
    added, added_hidden = _capped(ctx.added.get(ch.code, []))
    removed, removed_hidden = _capped(ctx.removed.get(ch.code, []))
    lost = [
        (
            plain_text(loss.title) or plain_text(loss.key_id),
            _label(COVERAGE_LABELS, loss.before, ctx._),
            _label(COVERAGE_LABELS, loss.after, ctx._),
        )
        for loss in diff.key_datasets_lost
        if loss.institution == ch.code
    ]
    if not comparable:
        change = Change("—", "none")
    elif status and not is_there:
        change = Change(ctx._("no auditada"), "none")
    elif ch.before is None and ch.after is not None:
        change = Change(ctx._("nueva"), "new")
    else:
        change = score_change(ch.delta, ctx.fmt)
    return InstitutionChanges(
        code=plain_text(ch.code),
        name=plain_text(ch.name),
        anchor="#" + ch.code if is_there else None,
        status_label=status,
        before=ctx.fmt.number(ch.before) if comparable else "—",
        after=ctx.fmt.number(ch.after),
        change=change,
        n_new=len(new),
        n_fixed=len(fixed),
        new=new_groups,
        new_hidden=new_hidden,
        fixed=fixed_groups,
        fixed_hidden=fixed_hidden,
        added=added,
        added_hidden=added_hidden,
        removed=removed,
        removed_hidden=removed_hidden,
        lost=lost,
    )


def _has_news(item: InstitutionChanges) -> bool:
    return bool(
        item.n_new
        or item.n_fixed
        or item.added
        or item.removed
        or item.lost
        or item.status_label
        or item.change.direction in ("up", "down")
    )


def build_changes(
    previous: RunView,
    current: RunView,
    rules: Mapping[str, RuleInfo],
    order: Sequence[str],
    _: Gettext,
    fmt: Formatter,
) -> tuple[ChangesInfo, dict[str, Change]]:
    """The changes section, and each current institution's change for the ranking.

    `order` is the ranking's institution order; institutions no longer audited follow it.
    """
    diff = diff_runs(previous, current)
    comparable = _comparable(previous.scorecard, current.scorecard)
    titles = {
        (inst.code, dv.dataset.id): dv.dataset.title
        for view in (previous, current)
        for inst in view.institutions
        for dv in inst.datasets
    }
    ctx = _Context(
        _,
        fmt,
        rules,
        titles,
        _by_institution(diff.new_findings),
        _by_institution(diff.fixed_findings),
        _titles_by_institution(diff.datasets_added),
        _titles_by_institution(diff.datasets_removed),
    )
    before_codes = {i.code for i in previous.institutions}
    after_codes = {i.code for i in current.institutions}
    rank = {code: n for n, code in enumerate(order)}
    ordered = sorted(diff.institutions, key=lambda c: (rank.get(c.code, len(rank)), c.code))
    items = [
        _institution(ch, diff, ctx, comparable, (ch.code in before_codes, ch.code in after_codes))
        for ch in ordered
    ]
    shown = [item for item in items if _has_news(item)]
    note = ""
    card = previous.scorecard
    if card is None or current.scorecard is None:
        note = _(
            "Una de las dos mediciones no tiene puntajes; solo se comparan sus problemas y "
            "conjuntos de datos."
        )
    elif not comparable:
        note = _(
            "La medición anterior no se puntuó con la misma metodología y escala (%(name)s); "
            "sus puntajes no se comparan, solo sus problemas y conjuntos de datos."
        ) % {"name": plain_text(card.methodology) or "—"}
    m = previous.manifest
    info = ChangesInfo(
        previous_run=m.run_id,
        previous_date=fmt.date(m.finished_at or m.started_at or None),
        comparable=comparable,
        note=note,
        national_before=fmt.number(diff.national_before) if comparable else "—",
        national_after=fmt.number(diff.national_after),
        national=score_change(diff.national_delta, fmt) if comparable else Change("—", "none"),
        n_new=len(diff.new_findings),
        n_fixed=len(diff.fixed_findings),
        n_added=len(diff.datasets_added),
        n_removed=len(diff.datasets_removed),
        n_lost=len(diff.key_datasets_lost),
        institutions=shown,
        unchanged=len(items) - len(shown),
    )
    column = {ch.code: item.change for ch, item in zip(ordered, items, strict=True) if item.anchor}
    return info, column

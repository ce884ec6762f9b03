"""One plain context per report, built once and rendered by both templates.

All judgement about what the report says (ordering, grouping, which links are
allowed, labels in the reader's language) happens here, so the Markdown and the
HTML can never disagree. Values stay raw text: each template escapes for its format.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from odaudit.models import DIMENSIONS, DatasetScore, InstitutionScore, Severity
from odaudit.report.changes import build_changes
from odaudit.report.edition import EditionScores, build_edition
from odaudit.report.i18n import (
    BAND_LABELS,
    COVERAGE_LABELS,
    DIMENSION_LABELS,
    INDICATOR_LABELS,
    REPORT_TITLE,
    RUN_STATUS_LABELS,
    SEVERITY_LABELS,
    SOURCE_STATUS_LABELS,
    Formatter,
    translations,
)
from odaudit.report.methodology import DEFAULT_BANDS, MethodologySnapshot, read_methodology
from odaudit.report.model import (
    BandRow,
    Cell,
    Change,
    CoverageRow,
    DatasetRow,
    DimensionColumn,
    InstitutionSection,
    Link,
    ManifestInfo,
    MethodologyInfo,
    RankingRow,
    ReportContext,
    RuleInfo,
    RuleRow,
    SourceRow,
    Summary,
    Trend,
    WorkRow,
)
from odaudit.report.safety import plain_text, safe_url
from odaudit.report.trend import build_trend
from odaudit.report.work import group_findings, summarise_evidence
from odaudit.store.view import DatasetView, InstitutionView, RunView

__all__ = ["MAX_DATASET_ROWS", "MAX_WORK_ITEMS", "build_context"]

#: Work-list items and dataset rows shown per institution; the exports hold them all.
MAX_WORK_ITEMS = 150
MAX_DATASET_ROWS = 400
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _best_and_worst(scored: Sequence[DatasetRow]) -> tuple[list[DatasetRow], list[DatasetRow]]:
    """Up to three of each, never the same dataset twice; nothing to say when all tie."""
    if len(scored) < 2:
        return list(scored), []
    if scored[0].score.value == scored[-1].score.value:
        return [], []
    k = min(3, len(scored) // 2)
    return list(scored[:k]), list(reversed(scored[-k:]))


def _dimension_label(builder: _Builder, key: str) -> str:
    if key in DIMENSION_LABELS:
        return builder.label(DIMENSION_LABELS, key)
    if key in INDICATOR_LABELS:
        return builder.label(INDICATOR_LABELS, key)
    return plain_text(key.replace("_", " "))


class _Builder:
    """Holds what every part of the context needs: language, scores, bands, rules."""

    def __init__(
        self,
        view: RunView,
        rules: Sequence[RuleInfo],
        lang: str,
        history: Mapping[str, Sequence[tuple[str, float]]] | None = None,
        previous: RunView | None = None,
        edition: EditionScores | None = None,
    ) -> None:
        self.view = view
        self.previous = previous
        self.edition = edition
        self.history = history or {}
        self.lang = lang
        self.gettext: Callable[[str], str] = translations(lang).gettext
        self.fmt = Formatter(lang)
        self.meth: MethodologySnapshot = read_methodology(view.methodology)
        card = view.scorecard
        self.scale = float(card.scale_max) if card and card.scale_max > 0 else 100.0
        self.inst_scores: dict[str, InstitutionScore] = (
            {s.code: s for s in card.institutions} if card else {}
        )
        self.ds_scores: dict[tuple[str, str], DatasetScore] = (
            {(d.institution, d.dataset_id): d for d in card.datasets} if card else {}
        )
        self.rules = {r.code: r for r in rules}
        # A card from another methodology (a preset scored later, on its own scale and
        # with its own indicators) is not described by the run's snapshot: its bands
        # and dimension maxima are unknown here, so colours fall back to shares of the scale.
        self.native = card is None or (
            abs(self.scale - 100.0) < 1e-9
            and (not self.meth.name or card.methodology == self.meth.name)
        )
        self.colour_bands = self.meth.bands if self.native else list(DEFAULT_BANDS)

    # -- small helpers --------------------------------------------------------------

    def _(self, message: str) -> str:
        return self.gettext(message)

    def label(self, table: Mapping[str, str], key: str) -> str:
        return self._(table[key]) if key in table else key

    def level(self, value: float | None, scale: float | None = 100.0) -> tuple[str, int]:
        """The band a value falls in and its colour level (0 best .. 3 worst, -1 unknown)."""
        if value is None or not scale:
            return "", -1
        bands = self.colour_bands
        percent = 100.0 * value / scale
        index = next((i for i, (_, low) in enumerate(bands) if percent >= low), len(bands) - 1)
        last = max(len(bands) - 1, 1)
        return (bands[index][0] if self.native else ""), round(index * 3 / last)

    def cell(self, key: str, value: float | None, scale: float | None = 100.0) -> Cell:
        band, level = self.level(value, scale)
        bar = None
        if value is not None and scale:
            bar = max(0.0, min(100.0, 100.0 * value / scale))
        return Cell(
            key, _dimension_label(self, key), value, self.fmt.number(value), band, level, bar
        )

    def score_cell(self, value: float | None, band: str | None = None) -> Cell:
        cell = self.cell("score", value, self.scale)
        cell.label = self._("Puntaje")
        if band:
            cell.band = band
        if cell.band:
            cell.band = self.label(BAND_LABELS, cell.band)
        return cell

    def severity_counts(self, severities: Sequence[str]) -> list[tuple[str, str, int]]:
        counts = Counter(severities)
        return [
            (s.value, self.label(SEVERITY_LABELS, s.value), counts.get(s.value, 0))
            for s in sorted(Severity, key=lambda s: -s.rank)
        ]

    # -- parts ------------------------------------------------------------------------

    def columns(self) -> list[DimensionColumn]:
        """The run's dimensions in report order, then any other indicator a card carries."""
        seen: dict[str, None] = dict.fromkeys(self.meth.dimensions if self.native else ())
        for score in self.inst_scores.values():
            seen.update(dict.fromkeys(score.dimensions))
        known = [k for k in DIMENSIONS if k in seen]
        extra = [k for k in seen if k not in DIMENSIONS and k != "coverage"]
        card = self.view.scorecard
        unseen = [plain_text(k) for k in (card.not_observed if card else []) if k not in seen]
        extra += [k for k in unseen if k]
        total = sum(w for w in self.meth.dimensions.values() if w > 0)
        cols = []
        for key in known + extra:
            weight = self.meth.dimensions.get(key) if self.native else None
            share = weight / total if weight is not None and total > 0 else None
            cols.append(DimensionColumn(key, _dimension_label(self, key), share))
        has_coverage = any(s.coverage is not None for s in self.inst_scores.values())
        if self.native or "coverage" in seen or has_coverage:
            cols.append(DimensionColumn("coverage", _dimension_label(self, "coverage"), None))
        return cols

    def dim_cells(self, code: str, columns: Sequence[DimensionColumn]) -> list[Cell]:
        score = self.inst_scores.get(code)
        dims = score.dimensions if score else {}
        out = []
        for col in columns:
            value = dims.get(col.key)
            if col.key == "coverage" and score is not None and value is None:
                value = score.coverage
            # Native dimensions and coverage run 0-100; a preset's indicators have
            # maxima this report does not know, so they get no bar and no colour.
            out.append(self.cell(col.key, value, 100.0 if self.native else None))
        return out

    def ordered_institutions(self) -> list[InstitutionView]:
        def key(inst: InstitutionView) -> tuple[int, float, str]:
            score = self.inst_scores.get(inst.code)
            if score is None:
                return (1, 0.0, inst.code)
            return (0, float(score.rank or 0) or -score.score, inst.code)

        return sorted(self.view.institutions, key=key)

    def ranking_row(self, inst: InstitutionView, columns: Sequence[DimensionColumn]) -> RankingRow:
        score = self.inst_scores.get(inst.code)
        value = score.score if score else None
        return RankingRow(
            rank=score.rank if score and score.rank else None,
            code=plain_text(inst.code),
            name=plain_text(inst.name),
            score=self.score_cell(value, score.band if score else None),
            n_datasets=score.n_datasets if score else len(inst.datasets),
            n_resources=(
                score.n_resources if score else sum(len(d.dataset.resources) for d in inst.datasets)
            ),
            n_findings=score.n_findings if score else len(inst.all_findings()),
            n_sources=len(inst.sources),
            cells=self.dim_cells(inst.code, columns),
            bar=max(0.0, min(100.0, 100.0 * (value or 0.0) / self.scale)),
        )

    def dataset_row(self, inst: InstitutionView, index: int, dv: DatasetView) -> DatasetRow:
        ds = dv.dataset
        score = self.ds_scores.get((inst.code, ds.id))
        formats = sorted({plain_text(r.format).upper() for r in ds.resources if r.format.strip()})
        licence = plain_text(ds.license_title or ds.license_id)
        modified = plain_text(ds.modified or "")
        if _ISO_DAY.match(modified):
            modified = modified[:10]
        return DatasetRow(
            anchor=f"{inst.code}-ds-{index}",
            link=Link(plain_text(ds.title) or plain_text(ds.id), safe_url(ds.landing_page)),
            n_resources=len(ds.resources),
            formats=", ".join(formats) or "—",
            licence=licence or "—",
            modified=modified or "—",
            score=self.score_cell(score.score if score else None),
        )

    def sources(self, inst: InstitutionView) -> list[SourceRow]:
        return [
            SourceRow(
                type=plain_text(s.type),
                link=Link(plain_text(s.url), safe_url(s.url)),
                status=s.status,
                status_label=self.label(SOURCE_STATUS_LABELS, s.status),
                datasets=s.datasets,
                resources=s.resources,
                error=plain_text(s.error),
            )
            for s in inst.sources
        ]

    def coverage(self, inst: InstitutionView, rows: Mapping[str, DatasetRow]) -> list[CoverageRow]:
        out = []
        # Missing key datasets first: they are the institution's most urgent gaps.
        order = {"missing": 0, "pdf_only": 1, "found": 2}
        items = sorted(
            inst.coverage, key=lambda i: (order.get(str(i.status), 3), i.title, i.key_id)
        )
        for item in items:
            status = str(item.status)
            found = [
                Link(rows[i].link.text, "#" + rows[i].anchor) if i in rows else Link(plain_text(i))
                for i in item.dataset_ids
            ]
            out.append(
                CoverageRow(
                    key_id=plain_text(item.key_id),
                    title=plain_text(item.title),
                    status=status,
                    status_label=self.label(COVERAGE_LABELS, status),
                    datasets=found,
                )
            )
        return out

    def work(self, inst: InstitutionView) -> tuple[list[WorkRow], int]:
        """The first MAX_WORK_ITEMS rows of the work list, and how many were left out."""
        items = group_findings(inst, self.rules, self.meth.rule_weights)
        rows = []
        for item, evidence in items[:MAX_WORK_ITEMS]:
            resources = [Link(plain_text(u), safe_url(u)) for u in item.resources[:3]]
            rows.append(
                WorkRow(
                    code=plain_text(item.code),
                    title=plain_text(item.title) if item.title != item.code else "",
                    severity=item.severity.value,
                    severity_label=self.label(SEVERITY_LABELS, item.severity.value),
                    dataset=plain_text(item.dataset_title)
                    or (plain_text(item.dataset_id) if item.dataset_id else self._("institución")),
                    message=plain_text(item.message),
                    evidence=summarise_evidence(evidence),
                    fix=plain_text(item.fix or self.rule_fix(item.code)),
                    count=item.count,
                    points=self.fmt.number(item.weight * item.count) if item.weight else "—",
                    resources=resources,
                    more_resources=max(0, len(item.resources) - len(resources)),
                )
            )
        return rows, len(items) - len(rows)

    def rule_fix(self, code: str) -> str:
        rule = self.rules.get(code)
        return rule.fix if rule else ""

    def institution(
        self, inst: InstitutionView, columns: Sequence[DimensionColumn]
    ) -> InstitutionSection:
        score = self.inst_scores.get(inst.code)
        all_rows = [self.dataset_row(inst, i, dv) for i, dv in enumerate(inst.datasets)]
        by_id = {dv.dataset.id: row for dv, row in zip(inst.datasets, all_rows, strict=True)}
        scored = sorted(
            (r for r in all_rows if r.score.value is not None),
            key=lambda r: (-(r.score.value or 0.0), r.link.text),
        )
        best, worst = _best_and_worst(scored)
        work, work_hidden = self.work(inst)
        findings = inst.all_findings()
        return InstitutionSection(
            code=plain_text(inst.code),
            name=plain_text(inst.name),
            sector=plain_text(inst.sector),
            website=Link(plain_text(inst.website), safe_url(inst.website)),
            rank=score.rank if score and score.rank else None,
            score=self.score_cell(score.score if score else None, score.band if score else None),
            cells=self.dim_cells(inst.code, columns),
            n_datasets=len(inst.datasets),
            n_resources=sum(len(d.dataset.resources) for d in inst.datasets),
            n_findings=len(findings),
            findings_by_severity=self.severity_counts([f.severity.value for f in findings]),
            sources=self.sources(inst),
            coverage=self.coverage(inst, by_id),
            n_key_datasets=inst.n_key_datasets or len(inst.coverage),
            best=best,
            worst=worst,
            work=work,
            work_hidden=work_hidden,
            datasets=all_rows[:MAX_DATASET_ROWS],
            datasets_hidden=max(0, len(all_rows) - MAX_DATASET_ROWS),
            trend=self.trend(inst.code, score.score if score else None),
        )

    def trend(self, code: str, current: float | None) -> Trend | None:
        stamp = (self.run_stamp() or "")[:10] or "—"
        now = (stamp, current) if current is not None else None
        return build_trend(self.history.get(code, ()), now, self.scale, self.fmt)

    def run_stamp(self) -> str | None:
        m = self.view.manifest
        return m.finished_at or m.started_at or m.now or None

    def summary(self) -> Summary:
        card = self.view.scorecard
        insts = self.view.institutions
        findings = [f for inst in insts for f in inst.all_findings()]
        sources = [s for inst in insts for s in inst.sources]
        return Summary(
            score=self.score_cell(
                card.national_score if card else None, card.national_band if card else None
            ),
            n_institutions=len(insts),
            n_datasets=sum(len(i.datasets) for i in insts),
            n_resources=sum(len(d.dataset.resources) for i in insts for d in i.datasets),
            n_findings=len(findings),
            findings_by_severity=self.severity_counts([f.severity.value for f in findings]),
            no_source=[
                Link(f"{plain_text(i.code)} — {plain_text(i.name)}", "#" + i.code)
                for i in insts
                if not i.sources
            ],
            failed_sources=sum(1 for s in sources if s.status != "ok"),
            n_sources=len(sources),
        )

    def legend(self) -> list[BandRow]:
        """What the colours mean: the run's bands, or shares of the scale for another card."""
        if self.native:
            return self.band_rows()
        last = max(len(self.colour_bands) - 1, 1)
        return [
            BandRow(
                "",
                self._("%(p)s o más de la escala") % {"p": self.fmt.percent(low / 100)},
                self.fmt.percent(low / 100),
                round(i * 3 / last),
                low,
            )
            for i, (_, low) in enumerate(self.colour_bands)
        ]

    def band_rows(self) -> list[BandRow]:
        last = max(len(self.meth.bands) - 1, 1)
        return [
            BandRow(
                name,
                self.label(BAND_LABELS, name),
                self.fmt.number(low, 0),
                round(i * 3 / last),
                low,
            )
            for i, (name, low) in enumerate(self.meth.bands)
        ]

    def methodology(self, columns: Sequence[DimensionColumn]) -> MethodologyInfo:
        card = self.view.scorecard
        rules = []
        for rule in sorted(self.rules.values(), key=lambda r: r.code):
            severity = self.meth.rule_severities.get(rule.code, str(rule.severity))
            weight = self.meth.rule_weights.get(rule.code, float(rule.weight))
            rules.append(
                RuleRow(
                    code=plain_text(rule.code),
                    title=plain_text(rule.title or rule.name),
                    dimension=self.label(DIMENSION_LABELS, rule.dimension),
                    severity=severity,
                    severity_label=self.label(SEVERITY_LABELS, severity),
                    weight=self.fmt.number(weight, 0 if float(weight).is_integer() else 1),
                    # Summaries are written in English; Spanish readers get the title only.
                    summary=plain_text(rule.summary) if self.lang == "en" else "",
                    enabled=self.meth.enabled(rule.code),
                )
            )
        return MethodologyInfo(
            name=plain_text(self.meth.name or (card.methodology if card else "")),
            version=plain_text(self.meth.version or (card.methodology_version if card else "")),
            dimensions=[(c.label, self.fmt.percent(c.weight)) for c in columns if c.weight],
            datasets_weight=self.fmt.percent(self.meth.datasets_weight),
            coverage_weight=self.fmt.percent(self.meth.coverage_weight),
            pdf_only_credit=self.fmt.percent(self.meth.pdf_only_credit),
            bands=self.band_rows(),
            rules=rules,
            scale_max=self.fmt.number(self.scale, 0),
            rule_summaries=self.lang == "en",
        )

    def manifest(self) -> ManifestInfo:
        m = self.view.manifest
        configs = [(m.institutions_path, m.institutions_sha256), (m.rules_path, m.rules_sha256)]
        return ManifestInfo(
            run_id=m.run_id,
            version=plain_text(m.odaudit_version) or "—",
            status=self.label(RUN_STATUS_LABELS, m.status),
            started=self.fmt.datetime(m.started_at),
            finished=self.fmt.datetime(m.finished_at),
            clock=self.fmt.datetime(m.now or None),
            user_agent=plain_text(m.user_agent) or "—",
            configs=[(plain_text(p), plain_text(h) or "—") for p, h in configs if p or h],
            methodology=plain_text(f"{m.methodology_name} {m.methodology_version}") or "—",
            command=plain_text(m.command) or "—",
            allow_origins=[plain_text(o) for o in m.allow_origins],
            hosts=[self.pace(h) for h in m.hosts],
        )

    def pace(self, entry: Mapping[str, Any]) -> str:
        """One host that slowed the crawl: its 429 answers and its robots.txt Crawl-delay."""
        parts = []
        throttled = int(entry.get("throttled") or 0)
        if throttled:
            parts.append(
                self._("%(n)s respuestas 429 (se bajó el ritmo)")
                % {"n": self.fmt.integer(throttled)}
            )
        delay = float(entry.get("crawl_delay") or 0.0)
        if delay:
            parts.append(
                self._("Crawl-delay de robots.txt: %(s)s s")
                % {"s": self.fmt.number(delay, 2 if delay < 1 else 1)}
            )
        return plain_text(f"{entry.get('host', '')}: {'; '.join(parts)}")

    def build(self) -> ReportContext:
        columns = self.columns()
        ordered = self.ordered_institutions()
        ranking = [self.ranking_row(i, columns) for i in ordered]
        changes = None
        if self.previous is not None:
            codes = [i.code for i in ordered]
            changes, column = build_changes(
                self.previous, self.view, self.rules, codes, self._, self.fmt
            )
            for inst, row in zip(ordered, ranking, strict=True):
                row.change = column.get(inst.code, Change("—", "none"))
        edition = None
        if self.edition is not None:
            edition = build_edition(self.edition, self.view, self._, self.fmt)
        return ReportContext(
            lang=self.lang,
            title=self._(REPORT_TITLE),
            run_date=self.fmt.date(self.run_stamp()),
            scored=self.view.scorecard is not None,
            scale_max=self.fmt.number(self.scale, 0),
            summary=self.summary(),
            columns=columns,
            ranking=ranking,
            institutions=[self.institution(i, columns) for i in ordered],
            methodology=self.methodology(columns),
            manifest=self.manifest(),
            bands=self.legend(),
            card=self.card_note(),
            changes=changes,
            edition=edition,
        )

    def card_note(self) -> str:
        """Names the methodology the scores come from when it is not the run's own."""
        card = self.view.scorecard
        if card is None or self.native:
            return ""
        note = self._(
            "Puntajes calculados con %(name)s %(version)s, en una escala de 0 a %(max)s; "
            "la metodología descrita abajo es la de la ejecución."
        ) % {
            "name": plain_text(card.methodology),
            "version": plain_text(card.methodology_version),
            "max": self.fmt.number(self.scale, 0),
        }
        unseen = [_dimension_label(self, k) for k in card.not_observed if k]
        if unseen:
            note += " " + self._("Sin observar (no se pueden leer de un portal): %(names)s.") % {
                "names": ", ".join(unseen)
            }
        return note


def build_context(
    view: RunView,
    rules: Sequence[RuleInfo],
    *,
    lang: str = "es",
    history: Mapping[str, Sequence[tuple[str, float]]] | None = None,
    previous: RunView | None = None,
    edition: EditionScores | None = None,
) -> ReportContext:
    """Everything both report formats show, computed once from a stored run.

    `history` maps an institution code to its scores in earlier editions, oldest
    first, as (label, score) on this run's scale; it adds a trend per institution.
    `previous` is an earlier run to report changes against; `edition` an earlier
    hand-scored edition with this run scored the way it was.
    """
    return _Builder(view, rules, lang, history, previous, edition).build()

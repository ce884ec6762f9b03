"""The shape of a report: plain dataclasses that both templates read.

Values are raw text (already in the reader's language and number format); each
template escapes them for its own format. Nothing here is computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from odaudit.models import Severity

__all__ = [
    "BandRow",
    "Cell",
    "Change",
    "ChangesInfo",
    "CoverageRow",
    "DatasetRow",
    "DimensionColumn",
    "EditionCell",
    "EditionInfo",
    "EditionRow",
    "InstitutionChanges",
    "InstitutionSection",
    "Link",
    "ManifestInfo",
    "MethodologyInfo",
    "ProblemGroup",
    "RankingRow",
    "ReportContext",
    "RuleInfo",
    "RuleRow",
    "SourceRow",
    "Summary",
    "Trend",
    "TrendPoint",
    "WorkRow",
]

#: The trend chart's drawing box: values run from the bottom (0) to the top (scale max).
TREND_WIDTH, TREND_HEIGHT = 520.0, 150.0
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 100.0, 60.0, 24.0, 30.0
TREND_AXIS = 44.0  # where the value axis labels end and the grid lines start


class RuleInfo(Protocol):
    """What the report needs of a rule (`odaudit.checks.Rule` satisfies it)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def dimension(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def weight(self) -> float: ...
    @property
    def summary(self) -> str: ...
    @property
    def doc(self) -> str: ...
    @property
    def fix(self) -> str: ...


@dataclass
class Link:
    """Text with a target only when the target is an http(s) URL."""

    text: str
    url: str | None = None


@dataclass
class Cell:
    """A score with its band and colour level (0 best .. 3 worst; -1 when absent)."""

    key: str
    label: str
    value: float | None
    text: str
    band: str = ""
    level: int = -1
    bar: float | None = None  # bar length, 0..100; None when the value's maximum is unknown


@dataclass
class DimensionColumn:
    key: str
    label: str
    weight: float | None  # share of the dataset score, 0..1; None for coverage


@dataclass
class Change:
    """A change in score, told by an arrow and a signed number (never by colour alone)."""

    text: str  # "▲ +3,2", "▼ -1,0", "= 0,0", a label such as "nueva", or "—"
    direction: str  # up | down | same | new | none


@dataclass
class RankingRow:
    rank: int | None
    code: str
    name: str
    score: Cell
    n_datasets: int
    n_resources: int
    n_findings: int
    n_sources: int
    cells: list[Cell]
    bar: float  # 0..100, share of the scale's maximum
    change: Change | None = None  # since the previous run; None when there is none


@dataclass
class SourceRow:
    type: str
    link: Link
    status: str
    status_label: str
    datasets: int
    resources: int
    error: str


@dataclass
class CoverageRow:
    key_id: str
    title: str
    status: str
    status_label: str
    datasets: list[Link]


@dataclass
class DatasetRow:
    anchor: str
    link: Link
    n_resources: int
    formats: str
    licence: str
    modified: str
    score: Cell


@dataclass
class WorkRow:
    code: str
    title: str
    severity: str
    severity_label: str
    dataset: str
    message: str
    evidence: str
    fix: str
    count: int
    points: str  # weight × occurrences, formatted
    resources: list[Link]
    more_resources: int


@dataclass
class TrendPoint:
    label: str
    text: str
    x: float  # chart coordinates in the trend viewBox (TREND_WIDTH × TREND_HEIGHT)
    y: float
    current: bool = False


@dataclass
class Trend:
    points: list[TrendPoint]
    ticks: list[tuple[str, float]]  # (label, y) for the value axis
    change: str  # signed change since the first point, formatted
    grid: tuple[float, float] = (TREND_AXIS, TREND_WIDTH - TREND_RIGHT + 10)  # x of grid lines


@dataclass
class InstitutionSection:
    code: str
    name: str
    sector: str
    website: Link
    rank: int | None
    score: Cell
    cells: list[Cell]
    n_datasets: int
    n_resources: int
    n_findings: int
    findings_by_severity: list[tuple[str, str, int]]  # (severity, label, count)
    sources: list[SourceRow]
    coverage: list[CoverageRow]
    n_key_datasets: int
    best: list[DatasetRow]
    worst: list[DatasetRow]
    work: list[WorkRow]
    work_hidden: int
    datasets: list[DatasetRow]
    datasets_hidden: int
    trend: Trend | None = None


@dataclass
class Summary:
    score: Cell
    n_institutions: int
    n_datasets: int
    n_resources: int
    n_findings: int
    findings_by_severity: list[tuple[str, str, int]]
    no_source: list[Link]  # link text "CODE — name", url "#CODE"
    failed_sources: int
    n_sources: int


@dataclass
class RuleRow:
    code: str
    title: str
    dimension: str
    severity: str
    severity_label: str
    weight: str
    summary: str
    enabled: bool


@dataclass
class BandRow:
    name: str
    label: str
    minimum: str
    level: int
    value: float  # the minimum as a number, for chart geometry


@dataclass
class MethodologyInfo:
    name: str
    version: str
    dimensions: list[tuple[str, str]]  # (label, weight as percent)
    datasets_weight: str
    coverage_weight: str
    pdf_only_credit: str
    bands: list[BandRow]
    rules: list[RuleRow]
    scale_max: str
    rule_summaries: bool = False  # the rules' summaries are English: shown in English only


@dataclass
class ManifestInfo:
    run_id: int
    version: str
    status: str
    started: str
    finished: str
    clock: str
    user_agent: str
    configs: list[tuple[str, str]]  # (path, sha256)
    methodology: str
    command: str
    allow_origins: list[str]
    hosts: list[str] = field(default_factory=list)  # hosts that set the pace, one line each


@dataclass
class ProblemGroup:
    """New (or fixed) findings of one rule in one institution, counted once."""

    code: str
    title: str
    severity: str
    severity_label: str
    count: int
    datasets: list[str]  # where it happens (first few)
    more_datasets: int


@dataclass
class InstitutionChanges:
    code: str
    name: str
    anchor: str | None  # "#CODE" when the institution has a section in this report
    status_label: str  # "" or why it has no score on one side (new, no longer audited)
    before: str
    after: str
    change: Change
    n_new: int
    n_fixed: int
    new: list[ProblemGroup]
    new_hidden: int
    fixed: list[ProblemGroup]
    fixed_hidden: int
    added: list[str]
    added_hidden: int
    removed: list[str]
    removed_hidden: int
    lost: list[tuple[str, str, str]]  # (key dataset, status before, status now)


@dataclass
class ChangesInfo:
    """What changed since an earlier run of odaudit."""

    previous_run: int
    previous_date: str
    comparable: bool  # both runs scored with the same methodology and scale
    note: str  # why scores are not compared, when they are not
    national_before: str
    national_after: str
    national: Change
    n_new: int
    n_fixed: int
    n_added: int
    n_removed: int
    n_lost: int
    institutions: list[InstitutionChanges]  # only those where something changed
    unchanged: int  # institutions where nothing changed


@dataclass
class EditionCell:
    baseline: str
    computed: str
    change: Change


@dataclass
class EditionRow:
    code: str
    name: str
    anchor: str | None
    status_label: str  # "" or "no auditada en esta medición" / "no evaluada en 2021"
    composite: EditionCell
    cells: list[EditionCell]  # one per `EditionInfo.indicators`


@dataclass
class EditionInfo:
    """An earlier, hand-scored edition beside this run scored the same way."""

    title: str
    year: str
    scale_max: str
    preset: str  # the methodology that re-scored this run (name and version)
    source: str
    sha256: str
    composite_label: str
    indicators: list[tuple[str, bool]]  # (label, observable by a crawler)
    rows: list[EditionRow]
    not_audited: list[str]  # "CODE — name" of the edition's institutions absent from this run
    not_observed: list[str]  # labels of the indicators a crawler cannot see
    notes: list[str]  # what an automated audit can and cannot see, for this comparison


@dataclass
class ReportContext:
    lang: str
    title: str
    run_date: str
    scored: bool
    scale_max: str
    summary: Summary
    columns: list[DimensionColumn]
    ranking: list[RankingRow]
    institutions: list[InstitutionSection]
    methodology: MethodologyInfo
    manifest: ManifestInfo
    bands: list[BandRow] = field(default_factory=list)  # colour legend
    card: str = ""  # note when the scores come from another methodology than the run's
    changes: ChangesInfo | None = None  # since the previous run
    edition: EditionInfo | None = None  # beside an earlier hand-scored edition

"""A stored run, read back as plain data for report, export and compare.

Everything a report shows comes from here; nothing here touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from odaudit.models import CoverageItem, Dataset, Finding, Probe, ScoreCard

__all__ = ["DatasetView", "InstitutionView", "RunManifest", "RunView", "SourceResult"]


@dataclass
class RunManifest:
    """Who ran what, when, with which configuration: enough to dispute a score."""

    run_id: int = 0
    odaudit_version: str = ""
    started_at: str = ""  # UTC ISO 8601
    finished_at: str | None = None
    status: str = "running"  # running | complete | interrupted | failed
    user_agent: str = ""
    institutions_path: str = ""
    institutions_sha256: str = ""
    rules_path: str = ""
    rules_sha256: str = ""
    methodology_name: str = ""
    methodology_version: str = ""
    command: str = ""
    now: str = ""  # the clock the freshness rules used (UTC ISO 8601)
    allow_origins: list[str] = field(default_factory=list)
    # hosts that set the pace: {"host", "throttled" (429 answers), "crawl_delay" (s), "slowed"}
    hosts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SourceResult:
    """How one source answered during discovery."""

    type: str
    url: str
    status: str  # ok | failed | blocked
    datasets: int = 0
    resources: int = 0
    api_calls: int = 0
    bytes: int = 0
    error: str = ""
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class DatasetView:
    dataset: Dataset
    probes: dict[str, Probe]  # by resource URL
    findings: list[Finding]
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)  # validation reports by URL


@dataclass
class InstitutionView:
    code: str
    name: str
    sector: str
    website: str = ""
    sources: list[SourceResult] = field(default_factory=list)
    datasets: list[DatasetView] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # institution- and source-level
    coverage: list[CoverageItem] = field(default_factory=list)
    n_key_datasets: int = 0

    def all_findings(self) -> list[Finding]:
        out = list(self.findings)
        for d in self.datasets:
            out.extend(d.findings)
        return out


@dataclass
class RunView:
    manifest: RunManifest
    methodology: dict[str, Any]  # snapshot of the rules file as loaded (weights, bands, ...)
    institutions: list[InstitutionView]
    scorecard: ScoreCard | None

"""Plain data handed from one stage to the next.

Every stage (config, portals, http, checks, scoring, store, report) speaks in these
dataclasses and nothing else, so a stage can be tested alone and the store can
rebuild any of them from SQLite without re-fetching.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

__all__ = [
    "DIMENSIONS",
    "CoverageItem",
    "CoverageStatus",
    "Dataset",
    "DatasetScore",
    "ExitCode",
    "Finding",
    "Institution",
    "InstitutionScore",
    "KeyDataset",
    "Probe",
    "ProbeOutcome",
    "Resource",
    "ScoreCard",
    "Severity",
    "Source",
]

#: Dataset-level dimensions, in report order. "coverage" is institution-level.
DIMENSIONS: tuple[str, ...] = (
    "availability",
    "format",
    "license",
    "freshness",
    "metadata",
    "validity",
    "personal_data",
)


class ExitCode(IntEnum):
    """Process exit codes (DESIGN.md)."""

    OK = 0
    THRESHOLD = 1
    USAGE = 2
    INTERNAL = 3


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


# --------------------------------------------------------------------------- config


@dataclass(frozen=True)
class Source:
    """One place an institution publishes on, as written in institutions.yaml."""

    type: str  # ckan | dcat | html | socrata | opendatasoft | files
    url: str
    organization: str | None = None  # CKAN organization name (fq=organization:...)
    options: dict[str, Any] = field(default_factory=dict)  # adapter-specific keys
    verified: bool | None = None
    evidence: str = ""
    confidence: str = ""  # verified-in-source | inferred | unknown
    line: int = 0  # line in institutions.yaml, for messages


@dataclass(frozen=True)
class KeyDataset:
    """A dataset the institution is expected to publish (coverage rules)."""

    id: str
    title: str
    keywords: tuple[str, ...] = ()
    frequency: str | None = None


@dataclass(frozen=True)
class Institution:
    code: str
    name: str
    sector: str = ""
    sources: tuple[Source, ...] = ()
    key_datasets: tuple[KeyDataset, ...] = ()
    website: str = ""
    notes: str = ""


# --------------------------------------------------------------------------- discovery


@dataclass
class Resource:
    """A downloadable file or endpoint of a dataset, as the portal declares it."""

    url: str
    id: str = ""
    name: str = ""
    description: str = ""
    format: str = ""  # declared format, raw (e.g. "CSV", "zip+csv", "Microsoft Excel")
    media_type: str = ""  # declared MIME type, raw
    size: int | None = None
    modified: str | None = None  # raw declared date
    license: str = ""  # distribution-level licence, raw, if any


@dataclass
class Dataset:
    """A dataset as discovered on a source, mapped into the common model.

    Dates and frequencies are kept raw (strings as the portal wrote them); the
    checks normalise them, so the evidence shows exactly what was published.
    """

    id: str  # stable id on the source (CKAN id/name, DCAT identifier, page URL + group)
    title: str
    source_type: str = ""
    source_url: str = ""
    landing_page: str = ""
    description: str = ""
    publisher: str = ""
    organization: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_url: str = ""
    keywords: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    license_id: str = ""
    license_title: str = ""
    license_url: str = ""
    issued: str | None = None
    modified: str | None = None
    frequency: str | None = None
    temporal: str | None = None
    spatial: str | None = None
    conforms_to: str | None = None  # data dictionary / schema link
    resources: list[Resource] = field(default_factory=list)
    extras: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- fetch


class ProbeOutcome(StrEnum):
    OK = "ok"  # 2xx after redirects
    HTTP_ERROR = "http_error"  # 4xx / 5xx (see status)
    TIMEOUT = "timeout"
    NETWORK_ERROR = "network_error"  # DNS, refused, reset, TLS
    REFUSED = "refused"  # our address/scheme policy refused to fetch it
    TOO_MANY_REDIRECTS = "too_many_redirects"  # includes loops
    TOO_LARGE = "too_large"  # exceeded the size cap while streaming
    INVALID_URL = "invalid_url"  # empty or unparseable URL


@dataclass
class Probe:
    """What the fetch stage learnt about one URL. Pure evidence, no judgement."""

    url: str
    outcome: ProbeOutcome
    final_url: str = ""
    method: str = ""  # the request that produced the verdict: HEAD or GET
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names that matter
    content_type: str = ""  # media type without parameters, lower-cased
    content_length: int | None = None
    last_modified: str | None = None  # raw header value
    etag: str | None = None
    sniff: bytes = b""  # first bytes of the body (up to 64 KiB), when a GET was made
    redirects: list[str] = field(default_factory=list)  # each hop's URL, in order
    error: str = ""
    elapsed_ms: float = 0.0
    fetched_at: str = ""  # UTC ISO 8601


# --------------------------------------------------------------------------- checks


@dataclass
class Finding:
    """One problem (or note) found by a rule, with the evidence behind it."""

    code: str  # rule code, e.g. "AV002"
    severity: Severity
    message: str  # human sentence (Spanish by default), already filled in
    institution: str  # institution code
    dataset_id: str | None = None  # None for institution-level findings
    resource_url: str | None = None  # set for resource-level findings
    evidence: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable
    fix: str = ""  # how to fix it, one sentence


class CoverageStatus(StrEnum):
    FOUND = "found"
    PDF_ONLY = "pdf_only"
    MISSING = "missing"


@dataclass
class CoverageItem:
    """Whether one expected key dataset was found for an institution."""

    key_id: str
    title: str
    status: CoverageStatus
    dataset_ids: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- scoring


@dataclass
class DatasetScore:
    institution: str
    dataset_id: str
    title: str
    dimensions: dict[str, float]  # dimension -> 0..100
    score: float  # 0..100


@dataclass
class InstitutionScore:
    code: str
    name: str
    dimensions: dict[str, float]  # mean of its datasets per dimension, plus "coverage"
    datasets_score: float | None  # mean dataset score; None when it has no datasets
    coverage: float | None  # 0..100; None when no key datasets are expected
    score: float  # 0..100
    band: str
    rank: int = 0
    n_datasets: int = 0
    n_resources: int = 0
    n_findings: int = 0


@dataclass
class ScoreCard:
    methodology: str  # methodology name
    methodology_version: str
    rules_hash: str
    national_score: float
    national_band: str
    institutions: list[InstitutionScore]
    datasets: list[DatasetScore]
    scale_max: float = 100.0  # presets score on their own scale (0-405, 0-5 stars, 0-8 ...)
    not_observed: list[str] = field(default_factory=list)  # indicators a crawler cannot see

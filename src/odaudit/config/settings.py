"""The crawl settings and the loaded institutions file, as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import odaudit
from odaudit.models import Institution

__all__ = ["DEFAULT_CONTACT", "AuditConfig", "CrawlSettings", "HostSettings"]

DEFAULT_CONTACT = "https://github.com/odaudit/odaudit"


@dataclass(frozen=True)
class HostSettings:
    """Per-host politeness overrides (`crawl.hosts.<host>`); None keeps the crawl-wide value."""

    per_host_concurrency: int | None = None
    per_host_interval: float | None = None


@dataclass(frozen=True)
class CrawlSettings:
    """How the fetch stage behaves (`crawl:` in institutions.yaml); every field has a default."""

    timeout: float = 20.0  # seconds, whole request
    connect_timeout: float = 10.0
    #: a body bringing fewer than `low_speed_bytes` in `low_speed_time` seconds is abandoned
    #: (a TIMEOUT, not retried): a server dripping bytes holds a lane no longer than that
    low_speed_bytes: int = 1024
    low_speed_time: float = 10.0
    concurrency: int = 32  # requests in flight overall
    per_host_concurrency: int = 4
    per_host_interval: float = 0.0  # seconds between two requests to one host
    max_redirects: int = 10
    max_bytes: int = 50 * 1024 * 1024  # cap on a body after decoding
    sniff_bytes: int = 65536  # bytes of a file kept to tell what it really is
    validate: bool = True  # download tabular files and inspect what they hold (DV/PD rules)
    validate_max_bytes: int = 50 * 1024 * 1024  # cap on a file downloaded for validation
    cache_max_age: float = 0.0  # seconds a stored successful probe is reused without asking
    max_crawl_delay: float = 10.0  # a robots.txt Crawl-delay is honoured up to this; 0: ignored
    contact: str = DEFAULT_CONTACT
    user_agent: str = ""  # built from the version and contact when left empty
    hosts: dict[str, HostSettings] = field(
        default_factory=dict
    )  # lower-case host name -> overrides

    def __post_init__(self) -> None:
        if not self.user_agent:
            object.__setattr__(
                self, "user_agent", f"odaudit/{odaudit.__version__} (+{self.contact})"
            )

    def concurrency_for(self, host: str) -> int:
        """Requests in flight allowed to one host, after its override."""
        override = self.hosts.get(host.lower())
        if override and override.per_host_concurrency is not None:
            return override.per_host_concurrency
        return self.per_host_concurrency

    def interval_for(self, host: str) -> float:
        """Seconds to wait between two requests to one host, after its override."""
        override = self.hosts.get(host.lower())
        if override and override.per_host_interval is not None:
            return override.per_host_interval
        return self.per_host_interval


@dataclass
class AuditConfig:
    """institutions.yaml once validated. `sha256` is of the file's bytes, stored with each run."""

    institutions: list[Institution]
    allow_origins: list[str]
    crawl: CrawlSettings
    path: Path
    sha256: str

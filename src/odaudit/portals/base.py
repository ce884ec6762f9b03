"""The discovery contract: errors, the per-source report, and the adapter protocol.

Adapters fetch only through a `JsonFetcher` (structurally `odaudit.http.Fetcher`),
so this package never needs the network stack to be importable or configured.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from odaudit.models import Dataset, Source

__all__ = [
    "PORTAL_ERROR_KINDS",
    "Adapter",
    "DiscoveryReport",
    "FetchResponse",
    "HonoursCrawlDelay",
    "JsonFetcher",
    "PortalError",
]

PORTAL_ERROR_KINDS: tuple[str, ...] = (
    "unreachable",
    "http_error",
    "blocked",
    "not_json",
    "malformed",
    "not_catalog",
)


class PortalError(Exception):
    """A source that did not answer as a catalogue should; `evidence` is JSON-serialisable."""

    def __init__(self, kind: str, message: str, evidence: dict[str, Any] | None = None) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.evidence: dict[str, Any] = dict(evidence or {})


@dataclass
class DiscoveryReport:
    """What discovering one source cost and what it met on the way."""

    api_calls: int = 0
    pages: int = 0
    bytes: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    problems: list[PortalError] = field(default_factory=list)

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n


class FetchResponse(Protocol):
    """What adapters read of `odaudit.http.HttpResponse`."""

    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> dict[str, str]: ...
    @property
    def content_type(self) -> str: ...
    @property
    def body(self) -> bytes: ...
    @property
    def final_url(self) -> str: ...
    @property
    def truncated(self) -> bool: ...


class JsonFetcher(Protocol):
    """The slice of `odaudit.http.Fetcher` adapters use.

    `get` returns HTTP errors as responses and raises an exception carrying
    `.outcome` (a `ProbeOutcome`) and `.message` for network or policy failures.
    """

    async def get(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> FetchResponse: ...


@runtime_checkable
class HonoursCrawlDelay(Protocol):
    """A fetcher that can slow itself down for a host whose robots.txt asks it to."""

    def crawl_delay(self, host: str, seconds: float) -> float: ...


class Adapter(Protocol):
    """One source type: streams the datasets a source publishes."""

    type: str

    def discover(
        self, source: Source, fetcher: JsonFetcher, report: DiscoveryReport
    ) -> AsyncIterator[Dataset]: ...

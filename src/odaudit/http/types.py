"""What the fetch stage hands back: responses, download results, errors, counters."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from odaudit.models import ProbeOutcome

__all__ = ["DownloadResult", "FetchError", "FetchStats", "HttpResponse"]


@dataclass
class HttpResponse:
    """A complete (possibly capped) answer to a GET; any HTTP status."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]  # lower-case names
    content_type: str  # media type, lower-case, no parameters
    body: bytes
    truncated: bool = False  # the body stopped at the size cap
    redirects: list[str] = field(default_factory=list)
    elapsed_ms: float = 0.0


@dataclass
class DownloadResult:
    """A (possibly capped) copy of a resource on disk, for the data-validity checks."""

    path: Path
    bytes: int  # decoded bytes written
    truncated: bool
    status: int
    content_type: str
    final_url: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FetchStats:
    requests: int = 0  # HTTP exchanges sent, redirect hops and retries included
    bytes: int = 0  # body bytes received on the wire
    errors: int = 0  # exchanges that ended without an HTTP status


class FetchError(Exception):
    """The request got no usable HTTP answer: refused, timed out, network, redirects."""

    def __init__(self, outcome: ProbeOutcome, url: str, message: str) -> None:
        super().__init__(f"{outcome.value}: {url}: {message}")
        self.outcome = outcome
        self.url = url
        self.message = message

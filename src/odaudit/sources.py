"""The quick check an analyst runs before the yearly crawl: does each source answer?

Discovery only: datasets and resources are counted as the adapter streams them,
and no resource is fetched.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from odaudit.models import Source
from odaudit.store.view import SourceResult

if TYPE_CHECKING:
    import httpx

    from odaudit.config import AuditConfig
    from odaudit.http import Fetcher

__all__ = ["SourceCheck", "check_sources", "detect_source"]


@dataclass
class SourceCheck(SourceResult):
    """How one source answered discovery (`SourceResult`), and whose source it is."""

    institution: str = ""


async def _check_one(code: str, source: Source, fetcher: Fetcher) -> SourceCheck:
    from odaudit.portals import DiscoveryReport, PortalError, get_adapter

    check = SourceCheck(institution=code, type=source.type, url=source.url, status="ok")
    report = DiscoveryReport()
    try:
        async for dataset in get_adapter(source.type).discover(source, fetcher, report):
            check.datasets += 1
            check.resources += len(dataset.resources)
    except PortalError as exc:
        check.status = "blocked" if exc.kind == "blocked" else "failed"
        check.error = f"{exc.kind}: {exc.message}"
    except Exception as exc:  # an adapter bug is reported, not raised: the check goes on
        check.status = "failed"
        check.error = f"internal: {type(exc).__name__}: {exc}"
    check.api_calls = report.api_calls
    if report.problems and check.status == "ok":
        check.error = "; ".join(f"{p.kind}: {p.message}" for p in report.problems[:3])
    return check


async def check_sources_async(
    config: AuditConfig,
    only: Sequence[str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[SourceCheck]:
    from odaudit.http import AddressPolicy, Fetcher

    wanted = {c.upper() for c in only} if only else None
    jobs = [
        (inst.code, source)
        for inst in config.institutions
        if wanted is None or inst.code.upper() in wanted
        for source in inst.sources
    ]
    async with Fetcher(config.crawl, AddressPolicy(config.allow_origins), transport=transport) as f:
        return list(await asyncio.gather(*(_check_one(code, s, f) for code, s in jobs)))


def check_sources(
    config: AuditConfig,
    only: Sequence[str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[SourceCheck]:
    """Discover every source (or those of `only`) and say how each answered."""
    return asyncio.run(check_sources_async(config, only, transport))


def detect_source(
    url: str,
    config: AuditConfig,
    transport: httpx.AsyncBaseTransport | None = None,
) -> str | None:
    """Guess the portal kind behind `url` (ckan, dcat, socrata, opendatasoft, html) or None."""
    from odaudit.http import AddressPolicy, Fetcher
    from odaudit.portals import detect

    async def run() -> str | None:
        async with Fetcher(
            config.crawl, AddressPolicy(config.allow_origins), transport=transport
        ) as fetcher:
            return await detect(url, fetcher)

    return asyncio.run(run())

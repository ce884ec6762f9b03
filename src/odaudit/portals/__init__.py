"""Discovery: one adapter per source type, mapping portal metadata into `Dataset`/`Resource`.

Adapters stream datasets as pages are parsed, fetch only through the fetcher they
are given, and turn whatever a portal answers into datasets, counted skips,
non-fatal problems (`DiscoveryReport.problems`) or one fatal `PortalError`.
"""

from __future__ import annotations

from odaudit.portals.base import (
    PORTAL_ERROR_KINDS,
    Adapter,
    DiscoveryReport,
    FetchResponse,
    JsonFetcher,
    PortalError,
)
from odaudit.portals.detect import detect
from odaudit.portals.registry import ADAPTER_TYPES, get_adapter

__all__ = [
    "ADAPTER_TYPES",
    "PORTAL_ERROR_KINDS",
    "Adapter",
    "DiscoveryReport",
    "FetchResponse",
    "JsonFetcher",
    "PortalError",
    "detect",
    "get_adapter",
]

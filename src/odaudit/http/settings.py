"""The crawl settings the fetch stage reads, typed structurally.

`odaudit.config.CrawlSettings` satisfies this Protocol; tests may pass any object
with the same attributes, so the fetch stage does not depend on the config loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

__all__ = ["CrawlSettingsLike", "HostOverride", "host_concurrency", "host_interval"]


class HostOverride(Protocol):
    """Per-host politeness override; None keeps the crawl-wide value."""

    @property
    def per_host_concurrency(self) -> int | None: ...

    @property
    def per_host_interval(self) -> float | None: ...


class CrawlSettingsLike(Protocol):
    @property
    def timeout(self) -> float: ...
    @property
    def connect_timeout(self) -> float: ...
    @property
    def low_speed_bytes(self) -> int: ...
    @property
    def low_speed_time(self) -> float: ...
    @property
    def concurrency(self) -> int: ...
    @property
    def per_host_concurrency(self) -> int: ...
    @property
    def per_host_interval(self) -> float: ...
    @property
    def max_redirects(self) -> int: ...
    @property
    def max_bytes(self) -> int: ...
    @property
    def sniff_bytes(self) -> int: ...
    @property
    def user_agent(self) -> str: ...
    @property
    def hosts(self) -> Mapping[str, HostOverride]: ...
    @property
    def max_crawl_delay(self) -> float: ...


def host_concurrency(settings: CrawlSettingsLike, host: str) -> int:
    override = settings.hosts.get(host.lower())
    value = override.per_host_concurrency if override is not None else None
    return max(1, value if value is not None else settings.per_host_concurrency)


def host_interval(settings: CrawlSettingsLike, host: str) -> float:
    override = settings.hosts.get(host.lower())
    value = override.per_host_interval if override is not None else None
    return max(0.0, value if value is not None else settings.per_host_interval)

"""Fixtures for the fetch stage: the hostile server, a forbidden server, small settings."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from tests.http.hostile import CountingServer, start, stop

from odaudit.http import AddressPolicy, Fetcher

T = TypeVar("T")


@dataclass(frozen=True)
class HostOverride:
    per_host_concurrency: int | None = None
    per_host_interval: float | None = None


@dataclass(frozen=True)
class Settings:
    timeout: float = 2.0
    connect_timeout: float = 1.0
    low_speed_bytes: int = 1024
    low_speed_time: float = 10.0
    concurrency: int = 8
    per_host_concurrency: int = 4
    per_host_interval: float = 0.0
    max_redirects: int = 5
    max_bytes: int = 1024 * 1024
    sniff_bytes: int = 1024
    user_agent: str = "odaudit-test/1 (+https://example.org/odaudit)"
    hosts: dict[str, HostOverride] = field(default_factory=dict)
    max_crawl_delay: float = 10.0


@pytest.fixture()
def forbidden() -> Iterator[CountingServer]:
    """A server nobody may reach: the test asserts it saw no connection."""
    server, thread = start()
    yield server
    stop(server, thread)


@pytest.fixture()
def hostile(forbidden: CountingServer) -> Iterator[CountingServer]:
    server, thread = start()
    server.other_port = forbidden.server_port
    yield server
    stop(server, thread)


class Run:
    """Runs a coroutine against a fresh Fetcher; records the sleeps instead of sleeping.

    The fetcher's politeness clock is virtual: it moves only by the sleeps recorded, so
    intervals and back-offs read the same on any machine.
    """

    def __init__(self, server: CountingServer) -> None:
        self.server = server
        self.sleeps: list[float] = []
        self.now = 0.0
        self.probe_strategy = "head"  # most tests pin the HEAD-first path; see test_sniff.py

    def url(self, path: str) -> str:
        return self.server.base + path

    async def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now

    def __call__(
        self,
        action: Callable[[Fetcher], Awaitable[T]],
        settings: Settings | None = None,
        **kwargs: Any,
    ) -> tuple[T, Fetcher]:
        async def main() -> tuple[T, Fetcher]:
            policy = AddressPolicy([self.server.base])
            kwargs.setdefault("sleep", self._sleep)
            kwargs.setdefault("clock", self.clock)
            kwargs.setdefault("probe_strategy", self.probe_strategy)
            async with Fetcher(settings or Settings(), policy, **kwargs) as fetcher:
                return await action(fetcher), fetcher

        return asyncio.run(main())


@pytest.fixture()
def run(hostile: CountingServer) -> Run:
    return Run(hostile)

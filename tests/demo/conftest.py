"""Fixtures: the demo server on 127.0.0.1 with a frozen clock, and an HTTP client for it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from odaudit.demo import DemoServer

#: The serving clock of every test: the demo's relative dates are computed from it.
NOW = datetime(2026, 3, 15, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(clock=lambda: NOW) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: DemoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=5) as http:
        yield http

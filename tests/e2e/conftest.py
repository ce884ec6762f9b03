"""End-to-end fixtures: the real CLI against the bundled demo portals on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.helpers import CliResult, run_cli


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CliResult, Path]]:
    out = tmp_path_factory.mktemp("demo")
    result = run_cli("demo", "--out", out)
    yield result, out


@pytest.fixture()
def demo_server() -> Iterator[str]:
    from odaudit.demo import DemoServer

    with DemoServer() as server:
        yield server.base_url

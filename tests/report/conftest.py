"""Fixtures: the hand-built runs of report_runs.py and a fake rule registry."""

from __future__ import annotations

import pytest
from tests.report.report_runs import RULES, FakeRule, hostile_run, realistic_run

from odaudit.store.view import RunView


@pytest.fixture
def run() -> RunView:
    return realistic_run()


@pytest.fixture
def hostile() -> RunView:
    return hostile_run()


@pytest.fixture
def rules() -> list[FakeRule]:
    return list(RULES)

"""Progress on a terminal (rich) and as JSON lines for CI logs."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from odaudit.cli.common import JsonLogProgress, TerminalProgress


def test_terminal_progress_counts() -> None:
    buffer = io.StringIO()
    progress = TerminalProgress(Console(file=buffer, force_terminal=True, width=160))
    progress.start(2)
    progress.institution_started("MINFIN", "Finanzas")
    progress.dataset_done("MINFIN", resources=3, findings=2)
    progress.source_done("MINFIN", "http://x", "failed", "403")
    progress.institution_done("MINFIN")
    progress.finish()
    assert (progress.datasets, progress.resources, progress.findings, progress.failed_sources) == (
        1,
        3,
        2,
        1,
    )


def test_json_log_lines(capsys: pytest.CaptureFixture[str]) -> None:
    progress = JsonLogProgress()
    progress.start(1)
    progress.source_done("INE", "http://x", "blocked", "challenge")
    progress.finish()
    events = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [e["event"] for e in events] == ["start", "source", "finish"]
    assert events[1]["status"] == "blocked" and events[1]["institution"] == "INE"

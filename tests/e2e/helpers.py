"""Helpers for end-to-end tests: run the real CLI, read the demo's planted defects."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str | Path, cwd: Path | None = None, timeout: float = 120) -> CliResult:
    """Run `python -m odaudit ARGS` as a user would, without a terminal."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "odaudit", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def expected_demo_findings() -> dict[str, Any]:
    """The machine-readable block of the demo's EXPECTED.md."""
    from importlib.resources import files

    text = (files("odaudit.demo") / "data" / "EXPECTED.md").read_text(encoding="utf-8")
    block = re.search(r"```ya?ml\n(.*?)```", text, re.S)
    assert block, "EXPECTED.md has no ```yaml block"
    data: dict[str, Any] = yaml.safe_load(block.group(1))
    return data

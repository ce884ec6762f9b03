"""`odaudit sources check` and `sources detect` against the demo portals on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from odaudit.cli.main import app
from odaudit.demo import DemoServer, write_demo_config

runner = CliRunner()


def test_sources_check_and_detect(tmp_path: Path) -> None:
    with DemoServer() as server:
        config = write_demo_config(server.base_url, tmp_path / "institutions.yaml")
        result = runner.invoke(app, ["sources", "check", "-i", str(config), "--format", "json"])
        assert result.exit_code == 0, result.output
        rows = {r["institution"]: r for r in json.loads(result.output)}
        assert rows["MINFIN"]["status"] == "ok" and rows["MINFIN"]["datasets"] == 3
        assert rows["MINFIN"]["resources"] >= 3 and rows["MINFIN"]["api_calls"] >= 1
        assert rows["INSIVUMEH"]["status"] == "blocked"  # the challenge page
        assert rows["INE"]["status"] == "failed" and rows["INE"]["error"]
        assert "MARN" not in rows  # no sources, nothing to check
        one = runner.invoke(app, ["sources", "check", "MINFIN", "-i", str(config)])
        assert one.exit_code == 0 and "MINFIN" in one.output and "INE" not in one.output
        unknown = runner.invoke(app, ["sources", "check", "NOPE", "-i", str(config)])
        assert unknown.exit_code == 2
        detected = runner.invoke(
            app, ["sources", "detect", f"{server.base_url}/ckan", "--allow-origin", server.base_url]
        )
        assert detected.exit_code == 0 and detected.output.strip() == "ckan"

"""`odaudit run` renders the report from the run it holds in memory: the files must be
those a later `odaudit report` renders from the store, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.pipeline.slowportal import SlowPortal

from odaudit.config import default_rules_path, load_config
from odaudit.outputs import write_run_outputs
from odaudit.pipeline import AuditOptions, audit
from odaudit.store import Store

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_the_view_audit_returns_renders_what_the_store_holds(tmp_path: Path) -> None:
    store_path = tmp_path / "odaudit.sqlite"
    with SlowPortal(datasets=3, delay=0.0, robots="User-agent: *\nCrawl-delay: 0.01\n") as p:
        config_path = tmp_path / "institutions.yaml"
        config_path.write_text(p.config(), encoding="utf-8")
        config, method = load_config(config_path, default_rules_path())
        first = audit(config, method, store_path, AuditOptions(now=NOW))
        second = audit(config, method, store_path, AuditOptions(now=NOW))
    assert second.view is not None and second.view.scorecard is second.scorecard
    assert second.view.manifest.status == "complete" and second.view.manifest.hosts
    with Store.open(store_path, create=False) as store:
        write_run_outputs(store, second.run_id, tmp_path / "memory", view=second.view)
        write_run_outputs(store, second.run_id, tmp_path / "stored")
        # a view of another run is not mistaken for the one asked for
        write_run_outputs(store, first.run_id, tmp_path / "first", view=second.view)
        write_run_outputs(store, first.run_id, tmp_path / "first-stored")
    memory, stored = _files(tmp_path / "memory"), _files(tmp_path / "stored")
    assert sorted(memory) == ["index.html", "index.md", "scores.csv"]
    assert memory == stored
    assert _files(tmp_path / "first") == _files(tmp_path / "first-stored")
    assert "Servidores que marcaron el ritmo" in memory["index.md"].decode()

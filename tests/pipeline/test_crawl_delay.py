"""A portal's robots.txt Crawl-delay paces the probes of a whole run, from the first one."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path

from tests.pipeline.slowportal import SlowPortal

from odaudit.config import default_rules_path, load_config
from odaudit.pipeline import AuditOptions, audit

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def test_probes_keep_the_crawl_delay(tmp_path: Path) -> None:
    delay = 0.15
    with SlowPortal(datasets=4, delay=0.0, robots=f"User-agent: *\nCrawl-delay: {delay}\n") as p:
        config_path = tmp_path / "institutions.yaml"
        config_path.write_text(p.config(), encoding="utf-8")
        config, method = load_config(config_path, default_rules_path())
        result = audit(config, method, tmp_path / "odaudit.sqlite", AuditOptions(now=NOW))
        log = list(p.log)
    assert result.scorecard.institutions
    paths = [path for _, path in log]
    files = [t for t, path in log if path.startswith("/files/")]
    assert len(files) == 8
    assert paths.index("/robots.txt") < paths.index(
        next(x for x in paths if x.startswith("/files/"))
    )
    gaps = [b - a for a, b in itertools.pairwise(files)]
    assert min(gaps) >= delay * 0.9, gaps  # two in flight are allowed, never two at once


def test_the_run_records_and_reports_who_set_the_pace(tmp_path: Path) -> None:
    from odaudit.outputs import write_run_outputs
    from odaudit.store import Store

    with SlowPortal(datasets=2, delay=0.0, robots="User-agent: *\nCrawl-delay: 0.05\n") as p:
        config_path = tmp_path / "institutions.yaml"
        config_path.write_text(p.config(), encoding="utf-8")
        config, method = load_config(config_path, default_rules_path())
        result = audit(config, method, tmp_path / "odaudit.sqlite", AuditOptions(now=NOW))
    with Store.open(tmp_path / "odaudit.sqlite", create=False) as store:
        manifest = store.load_manifest(result.run_id)
        write_run_outputs(store, result.run_id, tmp_path / "out")
    [host] = manifest.hosts
    assert host["host"].startswith("127.0.0.1")
    assert host["crawl_delay"] == 0.05 and host["throttled"] == 0
    md = (tmp_path / "out" / "index.md").read_text(encoding="utf-8")
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    for text in (md, html):
        assert "Servidores que marcaron el ritmo" in text
        assert "Crawl-delay de robots.txt: 0,05 s" in text

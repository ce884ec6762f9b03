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

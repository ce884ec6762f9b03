"""A rerun reuses what did not change (304 or fresh cache) and scores the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from odaudit.config import default_rules_path, load_config
from odaudit.demo import DemoServer, write_demo_config
from odaudit.pipeline import AuditOptions, audit
from odaudit.store import Store

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def _cache_marks(store: Path, run_id: int) -> dict[str, str]:
    with Store.open(store, create=False) as st:
        view = st.load_run(run_id)
    return {
        url: probe.headers.get("x-odaudit-cache", "")
        for inst in view.institutions
        for dv in inst.datasets
        for url, probe in dv.probes.items()
    }


def test_rerun_revalidates_and_scores_the_same(tmp_path: Path) -> None:
    store = tmp_path / "odaudit.sqlite"
    with DemoServer() as server:
        config_path = write_demo_config(server.base_url, tmp_path / "institutions.yaml")
        config, method = load_config(config_path, default_rules_path())
        first = audit(config, method, store, AuditOptions(now=NOW))
        second = audit(config, method, store, AuditOptions(now=NOW))
        config.crawl = replace(config.crawl, cache_max_age=3600)
        third = audit(config, method, store, AuditOptions(now=NOW))
        fourth = audit(config, method, store, AuditOptions(now=NOW, refresh=True))
    assert first.scorecard.institutions == second.scorecard.institutions
    assert third.scorecard.institutions == first.scorecard.institutions
    assert fourth.scorecard.institutions == first.scorecard.institutions
    marks = [_cache_marks(store, r.run_id) for r in (first, second, third, fourth)]
    assert not any(marks[0].values())  # a first run asks for everything
    assert "revalidated" in marks[1].values()  # the demo answers 304 to If-None-Match
    assert set(marks[2].values()) >= {"fresh"}
    assert not any(marks[3].values())  # --refresh ignores the store
    with Store.open(store, create=False) as st:
        # errors are never cached: a 404 is asked again every run
        assert all(
            st.cached_probe(url) is None or st.cached_probe(url).status < 300  # type: ignore[union-attr]
            for url in marks[0]
        )
        missing = next(u for u in marks[0] if u.endswith("morbilidad-hospitalaria-2022.csv"))
        assert st.failure_streak(missing) == 4  # failed in each of the four runs

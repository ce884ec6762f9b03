"""A run commits its writes in groups, yet a quiet moment does not leave them pending.

The slow portal answers no file until the test has seen, from a connection of its own,
everything the fast portal beside it stored: its datasets and its institution marked
done. Nothing else is written meanwhile, so only the run's timer can have committed them
(without it the fast portal's datasets waited, uncommitted, for the slow portal's files).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.pipeline.slowportal import SlowPortal

from odaudit.config import default_rules_path, load_config
from odaudit.pipeline import AuditOptions, audit

NOW = datetime(2026, 11, 22, tzinfo=UTC)
FAST = 5  # datasets of the fast portal


def _fast_portal_committed(path: Path) -> bool:
    try:
        with sqlite3.connect(path, timeout=0.1) as other:
            done = other.execute("SELECT done FROM institutions WHERE code = 'RAPIDO'").fetchone()
            (datasets,) = other.execute(
                "SELECT COUNT(*) FROM datasets WHERE institution = 'RAPIDO'"
            ).fetchone()
    except sqlite3.Error:  # not created yet, or locked for a moment
        return False
    return bool(done and done[0]) and datasets == FAST


def test_finished_datasets_are_committed_while_the_run_waits(tmp_path: Path) -> None:
    store = tmp_path / "odaudit.sqlite"
    seen = threading.Event()

    def watch() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not _fast_portal_committed(store):
            time.sleep(0.05)
        if _fast_portal_committed(store):
            seen.set()

    slow = SlowPortal(2, delay=25.0, code="LENTO", name="Lenta", hold=seen)
    fast = SlowPortal(FAST, delay=0.0, code="RAPIDO", name="Rápida")
    watcher = threading.Thread(target=watch, daemon=True)
    with slow, fast:
        config_path = tmp_path / "institutions.yaml"
        config_path.write_text(
            f'allow_origins: ["{slow.base_url}", "{fast.base_url}"]\n'
            "crawl: {timeout: 60, per_host_concurrency: 8, validate: false}\n"
            "institutions:\n" + slow.institution() + fast.institution(),
            encoding="utf-8",
        )
        config, method = load_config(config_path, default_rules_path())
        watcher.start()
        result = audit(config, method, store, AuditOptions(now=NOW))
    watcher.join()
    # every slow file was answered because the fast portal's work was seen committed
    assert slow.released and all(slow.released), slow.released
    assert {i.code for i in result.scorecard.institutions} == {"LENTO", "RAPIDO"}

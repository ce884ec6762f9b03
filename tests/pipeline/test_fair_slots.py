"""One institution's hanging servers must not hold up the rest of a national run.

Each institution has its own datasets and downloads in flight (`pipeline._Slots`). The slow
portal below answers no file until the fast portal beside it has answered every one of its
own. With slots shared by the whole run, the slow portal's datasets filled them all and
the fast portal waited in line until the slow answers gave up.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from tests.pipeline.slowportal import SlowPortal

from odaudit.config import default_rules_path, load_config
from odaudit.pipeline import AuditOptions, audit

NOW = datetime(2026, 11, 22, tzinfo=UTC)
SLOTS = 4  # resources in flight (per institution, or shared before): two datasets
SLOW, FAST = 6, 8  # datasets of each portal, two files each


def test_a_hanging_portal_holds_only_its_own_datasets(tmp_path: Path) -> None:
    fast_done = threading.Event()
    answered = iter(range(1, 2 * FAST + 1))

    def count_fast_file() -> None:
        if next(answered) == 2 * FAST:
            fast_done.set()

    slow = SlowPortal(SLOW, delay=8.0, code="LENTO", name="Lenta", hold=fast_done)
    fast = SlowPortal(FAST, delay=0.0, code="RAPIDO", name="Rápida", on_file=count_fast_file)
    with slow, fast:
        config_path = tmp_path / "institutions.yaml"
        config_path.write_text(
            f'allow_origins: ["{slow.base_url}", "{fast.base_url}"]\n'
            # lanes enough for both portals: only the datasets in flight can run out
            "crawl: {timeout: 30, per_host_concurrency: 16, validate: false}\n"
            "institutions:\n" + slow.institution() + fast.institution(),
            encoding="utf-8",
        )
        config, method = load_config(config_path, default_rules_path())
        options = AuditOptions(now=NOW, resources_in_flight=SLOTS)
        result = audit(config, method, tmp_path / "odaudit.sqlite", options)
    assert len(slow.released) == 2 * SLOW
    # every slow answer waited for the fast portal to finish; none gave up after 8 s
    assert all(slow.released), slow.released
    assert {i.code for i in result.scorecard.institutions} == {"LENTO", "RAPIDO"}

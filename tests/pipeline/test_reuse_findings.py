"""A rerun copies an unchanged dataset's findings and runs only the clock rules again.

What it stores must be what checking everything again would store: same findings in the
same order, same datasets, same scores. Anything that changed (the record, the rules, the
evidence) means no reuse.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from odaudit.checks import clock_rules
from odaudit.config import default_rules_path, load_config
from odaudit.demo import DemoServer, write_demo_config
from odaudit.pipeline import AuditOptions, audit
from odaudit.store import Store

FIRST = datetime(2026, 11, 22, tzinfo=UTC)
LATER = datetime(2027, 9, 1, tzinfo=UTC)  # a year on: the freshness verdicts change


def _rows(store: Path, sql: str, run_id: int) -> list[tuple[Any, ...]]:
    with sqlite3.connect(store) as conn:
        return [tuple(r) for r in conn.execute(sql, (run_id,))]


def _findings(store: Path, run_id: int) -> list[tuple[Any, ...]]:
    """A run's findings, each dataset's in the order stored (datasets finish in any order)."""
    return _rows(
        store,
        "SELECT institution, dataset_id, resource_url, code, severity, message, evidence, fix"
        " FROM findings WHERE run_id = ? ORDER BY institution, dataset_id, id",
        run_id,
    )


def _datasets(store: Path, run_id: int) -> list[tuple[Any, ...]]:
    return _rows(
        store,
        "SELECT institution, dataset_id, position, title, n_resources,"
        " COALESCE((SELECT text FROM texts WHERE sha256 = text_sha256), data) FROM datasets"
        " WHERE run_id = ? ORDER BY institution, position",
        run_id,
    )


def _reused_keys(store: Path, run_id: int, earlier: int) -> set[tuple[str, str]]:
    """(institution, dataset id) of the datasets of `run_id` stored from the same inputs as
    in `earlier`."""
    with sqlite3.connect(store) as conn:
        return {
            (i, d)
            for i, d in conn.execute(
                "SELECT a.institution, a.dataset_id FROM datasets a JOIN datasets b"
                " ON a.institution = b.institution AND a.dataset_id = b.dataset_id"
                " AND a.inputs = b.inputs WHERE a.run_id = ? AND b.run_id = ?",
                (run_id, earlier),
            )
        }


def _reused(store: Path, run_id: int, earlier: int) -> int:
    return len(_reused_keys(store, run_id, earlier))


def _copy(src: Path, dest: Path) -> None:
    with Store.open(src, create=False) as store:
        store._conn.execute("VACUUM INTO ?", (str(dest),))


def test_reused_findings_equal_a_full_check(tmp_path: Path) -> None:
    store, copy = tmp_path / "reused.sqlite", tmp_path / "full.sqlite"
    with DemoServer() as server:
        config_path = write_demo_config(server.base_url, tmp_path / "institutions.yaml")
        config, method = load_config(config_path, default_rules_path())
        config.crawl = replace(config.crawl, cache_max_age=3600)
        first = audit(config, method, store, AuditOptions(now=FIRST))
        _copy(store, copy)
        reused = audit(config, method, store, AuditOptions(now=LATER))
        full = audit(config, method, copy, AuditOptions(now=LATER, reuse_findings=False))

    n_datasets = len(_datasets(store, reused.run_id))
    assert 0 < _reused(store, reused.run_id, first.run_id) <= n_datasets
    assert _reused(copy, full.run_id, first.run_id) == _reused(store, reused.run_id, first.run_id)
    assert _findings(store, reused.run_id) == _findings(copy, full.run_id)
    assert _datasets(store, reused.run_id) == _datasets(copy, full.run_id)
    assert reused.scorecard.institutions == full.scorecard.institutions
    assert reused.scorecard.datasets == full.scorecard.datasets
    # the clock rules ran again: a year later, some freshness verdicts are not the first run's
    fresh = {f for f in _findings(store, first.run_id) if f[3].startswith("FR")}
    later = {f for f in _findings(store, reused.run_id) if f[3].startswith("FR")}
    assert fresh != later


def test_a_changed_record_or_rule_is_checked_again(tmp_path: Path) -> None:
    store = tmp_path / "odaudit.sqlite"
    clock = [datetime(2026, 11, 22, 9, 0, tzinfo=UTC)]
    with DemoServer(clock=lambda: clock[0]) as server:
        config_path = write_demo_config(server.base_url, tmp_path / "institutions.yaml")
        config, method = load_config(config_path, default_rules_path())
        first = audit(config, method, store, AuditOptions(now=FIRST))
        same = audit(config, method, store, AuditOptions(now=FIRST))
        assert _reused(store, same.run_id, first.run_id) > 0

        # the portal's dates move a day: the dated records changed, the undated did not
        clock[0] = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        moved = audit(config, method, store, AuditOptions(now=FIRST))
        before = {d[:2]: d[5] for d in _datasets(store, same.run_id)}
        after = {d[:2]: d[5] for d in _datasets(store, moved.run_id)}
        unchanged = sum(before.get(key) == data for key, data in after.items())
        assert 0 < unchanged < len(after)
        assert _reused(store, moved.run_id, same.run_id) <= unchanged

        # the portal is unchanged, a rule's parameter is not
        again = audit(config, method, store, AuditOptions(now=FIRST))
        assert _reused(store, again.run_id, moved.run_id) > 0
        _, method2 = load_config(config_path, _stricter_rules(default_rules_path(), tmp_path))
        changed = audit(config, method2, store, AuditOptions(now=FIRST))
        assert _reused(store, changed.run_id, again.run_id) == 0

        # --refresh computes everything, whatever the store holds
        refreshed = audit(config, method2, store, AuditOptions(now=FIRST, refresh=True))
        assert _reused(store, refreshed.run_id, changed.run_id) == 0
    # a reused dataset has the first run's findings, but for the rules run again (FR002
    # now knows the bytes did not change since the previous run)
    clock_codes, _ = clock_rules(method)
    kept = _reused_keys(store, same.run_id, first.run_id)
    assert kept

    def of_kept(run_id: int) -> list[tuple[Any, ...]]:
        return [f for f in _findings(store, run_id) if f[:2] in kept and f[3] not in clock_codes]

    assert of_kept(same.run_id) == of_kept(first.run_id)


def _stricter_rules(default: Path, tmp_path: Path) -> Path:
    """A copy of the rules folder with one parameter of a non-clock rule changed."""
    folder = tmp_path / "rules"
    shutil.copytree(default.parent, folder)
    text = (folder / default.name).read_text("utf-8")
    assert "min_length: 30" in text
    (folder / default.name).write_text(text.replace("min_length: 30", "min_length: 31"), "utf-8")
    return folder / default.name


def test_the_clock_rules_of_a_reused_dataset_read_its_memo_not_its_tables(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """FR005 memoises the newest date in the data: a rerun that reuses a dataset's findings
    takes it from the stored memo instead of reading the table reports back."""
    from odaudit.validation import restore

    store = tmp_path / "odaudit.sqlite"
    with DemoServer() as server:
        config_path = write_demo_config(server.base_url, tmp_path / "institutions.yaml")
        config, method = load_config(config_path, default_rules_path())
        config.crawl = replace(config.crawl, cache_max_age=3600)
        first = audit(config, method, store, AuditOptions(now=FIRST))
        memos = _rows(
            store, "SELECT memo FROM datasets WHERE run_id = ? AND memo IS NOT NULL", first.run_id
        )
        assert any("FR005.newest_data_date" in m for (m,) in memos)
        read: list[object] = []
        real = restore.report_from_dict
        monkeypatch.setattr(restore, "report_from_dict", lambda d: read.append(d) or real(d))
        later = audit(config, method, store, AuditOptions(now=LATER))
    assert _reused(store, later.run_id, first.run_id) > 0
    assert read == []
    memo_of = "SELECT institution, dataset_id, memo FROM datasets WHERE run_id = ? ORDER BY 1, 2"
    assert _rows(store, memo_of, later.run_id) == _rows(store, memo_of, first.run_id)

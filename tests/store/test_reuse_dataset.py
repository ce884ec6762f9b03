"""Copying an unchanged dataset from an earlier run: record, resources, findings in order."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from tests.store.test_store import _dataset, _finding, _new_run, _probe

from odaudit.store import RunManifest, Store


def _codes(store: Store, run_id: int) -> list[tuple[str, str]]:
    view = store.load_run(run_id, with_scores=False)
    return [(f.code, f.message) for f in view.institutions[0].datasets[0].findings]


def test_reuse_copies_findings_and_merges_the_rules_run_again(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite") as store:
        first = _new_run(store)
        ds = _dataset()
        old = [
            _finding(ds.id, "AV001"),
            replace(_finding(ds.id, "FR002"), message="antes"),
            _finding(ds.id, "MD001"),
            replace(_finding(ds.id, "MD001"), message="otro"),
        ]
        store.add_dataset(
            first,
            "MINFIN",
            ds,
            [_probe("http://x/1.csv")],
            old,
            table_texts={"http://x/1.csv": '{"rows": 3}'},
            inputs="d1",
        )
        assert store.reusable_run("MINFIN", ds.id, "d1", first + 1) == first
        assert store.reusable_run("MINFIN", ds.id, "d2", first + 1) is None
        assert store.reusable_run("MINFIN", "otro", "d1", first + 1) is None
        assert store.reusable_run("MINFIN", ds.id, "d1", first) is None  # earlier runs only

        second = _new_run(store)
        store.add_dataset(second, "MINFIN", _dataset(2), [], [])  # position 0 is taken
        probe = replace(_probe("http://x/1.csv"), headers={"x-odaudit-cache": "fresh"})
        stored = store.reuse_dataset(
            second,
            "MINFIN",
            ds.id,
            first,
            [probe],
            [replace(_finding(ds.id, "FR002"), message="ahora"), _finding(ds.id, "FR004")],
            replaced=frozenset({"FR002", "FR004"}),
            order={"AV001": 0, "FR002": 1, "FR004": 2, "MD001": 3},
            table_texts={"http://x/1.csv": '{"rows": 3}'},
            inputs="d1",
        )
        assert stored == 5
        view = store.load_run(second, with_scores=False)
        copied = next(d for d in view.institutions[0].datasets if d.dataset.id == ds.id)
        assert [(f.code, f.message) for f in copied.findings] == [
            ("AV001", "Sin licencia"),
            ("FR002", "ahora"),
            ("FR004", "Sin licencia"),
            ("MD001", "Sin licencia"),
            ("MD001", "otro"),
        ]
        assert copied.dataset == ds
        assert copied.probes["http://x/1.csv"].headers == {"x-odaudit-cache": "fresh"}
        assert copied.tables == {"http://x/1.csv": {"rows": 3}}
        assert [d.dataset.id for d in view.institutions[0].datasets] == ["ds-2", "ds-1"]
        assert store.reusable_run("MINFIN", ds.id, "d1", second + 1) == second

        # stored again in the same run (a resume redoes it): replaced, not doubled
        store.reuse_dataset(
            second,
            "MINFIN",
            ds.id,
            first,
            [probe],
            [],
            replaced=frozenset({"FR002", "FR004"}),
            order={},
            inputs="d1",
        )
        assert store.count("findings", second) == 3
        assert store.count("datasets", second) == 2


def test_the_reuse_lookup_uses_an_index(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store.open(path).close()
    plan = (
        sqlite3.connect(path)
        .execute(
            "EXPLAIN QUERY PLAN SELECT run_id FROM datasets WHERE inputs = ? AND institution = ?"
            " AND dataset_id = ? AND run_id < ? ORDER BY run_id DESC LIMIT 1",
            ("d", "MINFIN", "ds-1", 9),
        )
        .fetchall()
    )
    assert any("datasets_inputs" in row[-1] for row in plan), plan


def test_memo_and_history_are_stored_with_the_dataset(tmp_path: Path) -> None:
    """The rules' memo goes with the dataset it was worked out for, and the resource
    history with it, in the same transaction (a dataset cut short leaves neither)."""
    path = tmp_path / "s.sqlite"
    url = "http://x/1.csv"
    with Store.open(path) as store:
        first = _new_run(store)
        ds = _dataset()
        memo = {"FR005.newest_data_date": ["2024-01-31T00:00:00+00:00", "fecha", url]}
        store.add_dataset(
            first, "MINFIN", ds, iter([_probe(url)]), [], inputs="d1", memo=memo,
            history={url: "a" * 64},
        )  # fmt: skip
        assert store.dataset_memo(first, "MINFIN", ds.id) == memo
        assert store.previous_content_hashes([url], first + 1) == {url: "a" * 64}
        assert store.failure_streak(url, before_run=first + 1) == 0

        second = _new_run(store)
        more = {**memo, "otra": None}
        store.reuse_dataset(
            second, "MINFIN", ds.id, first, iter([_probe(url)]), [], replaced=frozenset(),
            order={}, inputs="d1", memo=more, history={url: "b" * 64},
        )  # fmt: skip
        assert store.dataset_memo(second, "MINFIN", ds.id) == more
        assert store.dataset_memo(second, "MINFIN", "otro") == {}
        assert store.previous_content_hashes([url], second + 1) == {url: "b" * 64}
        # without a memo or history, none is stored
        store.add_dataset(second, "MINFIN", _dataset(2), [_probe("http://x/2.csv")], [])
        assert store.dataset_memo(second, "MINFIN", "ds-2") == {}
        assert store.previous_content_hashes(["http://x/2.csv"], second + 1) == {}
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT url, run_id FROM resource_history ORDER BY 2").fetchall()
    assert rows == [(url, first), (url, second)]


def test_a_stored_table_report_is_reused_only_for_the_bytes_it_read(tmp_path: Path) -> None:
    """A rerun that reuses a probe takes the latest stored table report of its URL, but not
    one older than the run that fetched the cached bytes: when that run could not inspect
    the new file (its download failed), the older report is of the file before it changed."""
    url = "http://x/1.csv"
    with Store.open(tmp_path / "s.sqlite") as store:
        first = store.start_run(RunManifest(), {})
        store.remember_probe(first, replace(_probe(url), etag='"v1"'))
        store.add_dataset(first, "MINFIN", _dataset(), [], [], table_texts={url: '{"v": 1}'})
        second = store.start_run(RunManifest(), {})  # the window reuses the probe: same bytes
        store.add_dataset(second, "MINFIN", _dataset(), [], [], table_texts={url: '{"v": 1}'})
        assert store.cached_table_text(url, second + 1) == '{"v": 1}'

        third = store.start_run(RunManifest(), {})  # the file changed; its download failed
        store.remember_probe(third, replace(_probe(url), etag='"v2"'))
        store.add_dataset(third, "MINFIN", _dataset(), [], [])
        assert store.cached_table_text(url, third + 1) is None  # inspect the new bytes

        fourth = store.start_run(RunManifest(), {})
        store.add_dataset(fourth, "MINFIN", _dataset(), [], [], table_texts={url: '{"v": 2}'})
        assert store.cached_table_text(url, fourth + 1) == '{"v": 2}'
        assert store.cached_table_text("http://x/otro.csv", fourth + 1) is None

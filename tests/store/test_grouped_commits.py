"""Writes committed in groups (`Store.grouped_commits`): each write stays whole."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from odaudit.models import Dataset, Finding, Institution, Resource, Severity
from odaudit.store import RunManifest, Store

INST = Institution(code="MINFIN", name="Ministerio de Finanzas Públicas")


def _dataset(i: int) -> Dataset:
    return Dataset(
        id=f"ds-{i}", title=f"Presupuesto {i}", resources=[Resource(url=f"http://x/{i}")]
    )


def _finding(dataset_id: str) -> Finding:
    return Finding(
        code="LI001",
        severity=Severity.ERROR,
        message="Sin licencia",
        institution="MINFIN",
        dataset_id=dataset_id,
    )


def _committed(path: Path) -> int:
    """Datasets another connection sees: only what was committed."""
    with sqlite3.connect(path) as other:
        return int(other.execute("SELECT COUNT(*) FROM datasets").fetchone()[0])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "s.sqlite") as store:
        run_id = store.start_run(RunManifest(), {})
        store.add_institution(run_id, INST, 0)
        yield store


def test_writes_commit_together_once_the_group_is_full(store: Store) -> None:
    with store.grouped_commits(max_age=60, max_writes=3):
        store.add_dataset(1, "MINFIN", _dataset(1), [], [_finding("ds-1")])
        store.add_dataset(1, "MINFIN", _dataset(2), [], [])
        assert _committed(store.path) == 0
        assert store.count("datasets", 1) == 2  # the writer sees its own writes
        store.add_dataset(1, "MINFIN", _dataset(3), [], [])
        assert _committed(store.path) == 3
        store.add_dataset(1, "MINFIN", _dataset(4), [], [])
        assert _committed(store.path) == 3
    assert _committed(store.path) == 4  # the end of the block commits the rest


def test_an_old_group_is_committed_when_asked(store: Store) -> None:
    with store.grouped_commits(max_age=0.05, max_writes=1000):
        store.add_dataset(1, "MINFIN", _dataset(1), [], [])
        store.commit_if_due()
        assert _committed(store.path) == 0  # not old enough yet
        time.sleep(0.06)
        store.commit_if_due()
        assert _committed(store.path) == 1


def test_a_failed_write_is_undone_alone_and_the_group_survives_it(store: Store) -> None:
    def findings_then_a_crash() -> Iterator[Finding]:
        yield _finding("ds-2")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError), store.grouped_commits(max_age=60, max_writes=1000):
        store.add_dataset(1, "MINFIN", _dataset(1), [], [_finding("ds-1")])
        with pytest.raises(RuntimeError):  # fails after its dataset row was written
            store.add_dataset(1, "MINFIN", _dataset(2), [], findings_then_a_crash())
        store.add_dataset(1, "MINFIN", _dataset(3), [], [])
        raise RuntimeError("the run is interrupted")
    # what was whole is committed however the block ended; the failed write left nothing
    with sqlite3.connect(store.path) as other:
        ids = [r[0] for r in other.execute("SELECT dataset_id FROM datasets ORDER BY 1")]
        findings = [r[0] for r in other.execute("SELECT dataset_id FROM findings")]
    assert ids == ["ds-1", "ds-3"]
    assert findings == ["ds-1"]


def test_the_connection_is_as_it_was_after_the_block(store: Store) -> None:
    before = store._conn.execute("PRAGMA temp_store").fetchone()[0]
    with store.grouped_commits():
        assert store._conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
        store.add_dataset(1, "MINFIN", _dataset(1), [], [])
    assert store._conn.execute("PRAGMA temp_store").fetchone()[0] == before
    assert not store._conn.in_transaction
    store.add_dataset(1, "MINFIN", _dataset(2), [], [])  # one commit per write again
    assert _committed(store.path) == 2

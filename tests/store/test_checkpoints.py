"""The WAL is checkpointed by a thread while a run writes, not by the writer."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from odaudit.store import Store
from odaudit.store.checkpoints import WRITER_FALLBACK_PAGES

ROW = "x" * 1000


def _write(store: Store, rows: int) -> None:
    conn = store._conn
    conn.execute("CREATE TABLE IF NOT EXISTS filler (text TEXT)")
    for _ in range(rows):  # one commit per row, as a run commits once per dataset
        conn.execute("INSERT INTO filler VALUES (?)", (ROW,))


def _autocheckpoint(store: Store) -> int:
    return int(store._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])


def test_the_thread_copies_the_wal_into_the_database(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with Store.open(path) as store:
        start = path.stat().st_size
        with store.checkpoints_in_background(interval=0.05) as worker:
            assert _autocheckpoint(store) == WRITER_FALLBACK_PAGES
            _write(store, 600)  # about 150 pages: far below what makes the writer checkpoint
            deadline = time.monotonic() + 10
            # the file grows during the checkpoint, a moment before the thread counts it
            while (
                path.stat().st_size < start + 500_000 or not worker.checkpoints
            ) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert worker.checkpoints > 0
        # the rows are in the database file itself, not only in the WAL
        assert path.stat().st_size >= start + 500_000
        assert _autocheckpoint(store) == 1000  # the writer checkpoints again afterwards
        assert not worker.is_alive()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM filler").fetchone()[0] == 600


def test_without_the_thread_the_wal_is_not_copied_below_the_writers_threshold(
    tmp_path: Path,
) -> None:
    """The control of the test above: the same writes leave the database file as it was."""
    path = tmp_path / "s.sqlite"
    with Store.open(path) as store:
        start = path.stat().st_size
        _write(store, 600)
        time.sleep(0.3)
        assert path.stat().st_size < start + 500_000

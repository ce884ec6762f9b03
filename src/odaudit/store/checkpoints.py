"""Checkpointing the store's WAL from a thread of its own while a run writes.

In WAL mode SQLite copies the log back into the database ("checkpoints") when a commit
grows it past `wal_autocheckpoint` pages (1000 by default), on the committing thread and
with an fsync. A run commits once per dataset from its event loop, so every fiftieth
dataset or so the loop stopped for the copy and the fsync: about 0.3 ms of wall time per
dataset at 10,000 datasets. Here a thread with its own connection checkpoints instead
(SQLite's documented alternative to automatic checkpoints), and the writer checkpoints
itself only if that thread falls far behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["WRITER_FALLBACK_PAGES", "Checkpointer", "checkpoints_in_background"]

log = logging.getLogger(__name__)

#: While the thread runs, the writer still checkpoints past this many WAL pages (~40 MB),
#: so the log stays bounded if the thread stops or cannot keep up.
WRITER_FALLBACK_PAGES = 10_000


class Checkpointer(threading.Thread):
    """The thread; `checkpoints` counts the checkpoints it ran."""

    def __init__(self, path: Path, interval: float) -> None:
        super().__init__(name="odaudit-wal-checkpoint", daemon=True)
        self.path = path
        self.interval = interval
        self.stopping = threading.Event()
        self.checkpoints = 0

    def run(self) -> None:
        try:
            conn = sqlite3.connect(str(self.path))
        except sqlite3.Error as exc:
            log.warning("no background checkpoints for %s: %s", self.path, exc)
            return
        try:
            while not self.stopping.wait(self.interval):
                # PASSIVE: copy what no reader still needs, never wait for the writer
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.checkpoints += 1
        except sqlite3.Error as exc:  # the writer's fallback keeps the WAL bounded
            log.warning("background checkpoints of %s stopped: %s", self.path, exc)
        finally:
            conn.close()


@contextmanager
def checkpoints_in_background(
    conn: sqlite3.Connection, path: Path, *, interval: float = 0.5
) -> Iterator[Checkpointer]:
    """Checkpoint `path`'s WAL every `interval` seconds from a thread while the block runs;
    `conn` (the writer) checkpoints itself again as usual afterwards."""
    (before,) = conn.execute("PRAGMA wal_autocheckpoint").fetchone()
    conn.execute(f"PRAGMA wal_autocheckpoint={WRITER_FALLBACK_PAGES}")
    worker = Checkpointer(path, interval)
    worker.start()
    try:
        yield worker
    finally:
        worker.stopping.set()
        worker.join()
        conn.execute(f"PRAGMA wal_autocheckpoint={int(before)}")

"""A run stores its datasets while a thread checkpoints the WAL (store/checkpoints.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from odaudit.config import default_rules_path, load_config
from odaudit.demo import DemoServer, write_demo_config
from odaudit.pipeline import AuditOptions, audit
from odaudit.store import Store
from odaudit.store.checkpoints import WRITER_FALLBACK_PAGES


def test_datasets_are_stored_while_a_thread_checkpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    add_dataset = Store.add_dataset

    def spy(self: Store, *args: Any, **kwargs: Any) -> None:
        seen.append(self._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        add_dataset(self, *args, **kwargs)

    monkeypatch.setattr(Store, "add_dataset", spy)
    store = tmp_path / "odaudit.sqlite"
    with DemoServer() as server:
        config, method = load_config(
            write_demo_config(server.base_url, tmp_path / "institutions.yaml"),
            default_rules_path(),
        )
        audit(config, method, store, AuditOptions())
    assert seen and set(seen) == {WRITER_FALLBACK_PAGES}

"""An interrupted run (kill -9) resumes with --resume and ends with the scores of an
uninterrupted run; nothing stored is lost or counted twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.pipeline.slowportal import SlowPortal

from odaudit.store import Store

NOW = "2026-11-22"


def _odaudit(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "odaudit", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _datasets_stored(store: Path) -> int:
    try:
        with sqlite3.connect(store, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM datasets").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_kill_then_resume_equals_uninterrupted(tmp_path: Path) -> None:
    with SlowPortal(datasets=40, delay=0.05) as portal:
        config = tmp_path / "institutions.yaml"
        config.write_text(portal.config(), encoding="utf-8")

        reference = tmp_path / "reference.sqlite"
        done = _odaudit(
            "run", "-i", config, "--store", reference, "--out", tmp_path / "ref", "--now", NOW
        )
        assert done.wait(120) == 0, done.communicate()[1]

        store = tmp_path / "interrupted.sqlite"
        victim = _odaudit(
            "run", "-i", config, "--store", store, "--out", tmp_path / "out", "--now", NOW
        )
        deadline = time.monotonic() + 60
        while _datasets_stored(store) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(victim.pid, signal.SIGKILL)  # power loss: no clean-up code runs
        victim.wait(10)
        partial = _datasets_stored(store)
        assert 5 <= partial < 40, partial  # it really was cut mid-way

        resumed = _odaudit(
            "run",
            "-i",
            config,
            "--store",
            store,
            "--out",
            tmp_path / "out",
            "--resume",
            "--now",
            NOW,
        )
        _, err = resumed.communicate(timeout=120)
        assert resumed.returncode == 0, err
        assert "(resumed)" in err

    with Store.open(reference, create=False) as ref, Store.open(store, create=False) as st:
        ref_id, run_id = ref.resolve_run(None), st.resolve_run(None)
        assert run_id == 1  # the interrupted run was completed, not replaced by a new one
        assert len(st.list_runs()) == 1
        ref_card, card = ref.load_scorecard(ref_id), st.load_scorecard(run_id)
        assert card is not None and ref_card is not None
        assert card.institutions == ref_card.institutions
        assert sorted((d.dataset_id, d.score) for d in card.datasets) == sorted(
            (d.dataset_id, d.score) for d in ref_card.datasets
        )
        assert st.count("datasets", run_id) == 40
        assert st.count("findings", run_id) == ref.count("findings", ref_id)
    assert (tmp_path / "out" / "index.html").exists()

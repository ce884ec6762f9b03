"""An interrupted run (kill -9) resumes with --resume and ends with the scores of an
uninterrupted run; nothing stored is lost or counted twice, and what was stored is not
fetched or checked again."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.pipeline.slowportal import SlowPortal

from odaudit.config import default_rules_path, load_config
from odaudit.demo import DemoServer, write_demo_config
from odaudit.pipeline import AuditOptions, audit
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


def _stored_ids(store: Path) -> set[str]:
    with sqlite3.connect(store, timeout=5) as conn:
        return {r[0] for r in conn.execute("SELECT dataset_id FROM datasets")}


def _files_asked(portal: SlowPortal, since: int) -> set[str]:
    """The data files the portal was asked for after its `since`-th request."""
    return {path for _, path in portal.log[since:] if path.startswith("/files/")}


def _files_of(dataset_ids: set[str]) -> set[str]:
    """SlowPortal's file paths of these datasets (`ds-007` has /files/7-0.csv, /files/7-1.csv)."""
    return {f"/files/{int(d[3:])}-{i}.csv" for d in dataset_ids for i in range(2)}


@pytest.mark.parametrize(
    "how",
    [
        pytest.param(signal.SIGKILL, id="kill-9"),  # power loss: no clean-up code runs
        pytest.param(signal.SIGINT, id="ctrl-c"),  # the run stops itself and says how to go on
    ],
)
def test_kill_then_resume_equals_uninterrupted(tmp_path: Path, how: signal.Signals) -> None:
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
        os.kill(victim.pid, how)
        _, said = victim.communicate(timeout=30)
        if how == signal.SIGINT:
            assert victim.returncode == 130, said
            assert "--resume" in said
            with Store.open(store, create=False) as st:
                assert [m.status for m in st.list_runs()] == ["interrupted"]
        partial = _datasets_stored(store)
        assert 5 <= partial < 40, partial  # it really was cut mid-way
        kept = _stored_ids(store)
        asked_before = len(portal.log)

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
        assert f"run 1 (resumed, {len(kept)} datasets kept as stored)" in err
        # the datasets stored before the kill were not fetched again; all the others were
        every = {f"ds-{d:03d}" for d in range(40)}
        assert _files_asked(portal, asked_before) == _files_of(every - kept)

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


def test_resume_checks_again_what_changed_and_drops_what_vanished(tmp_path: Path) -> None:
    """A resume vouches for a stored dataset only if the portal still lists that very
    record: a record changed since the interruption is checked again, a dataset no longer
    listed leaves the run, and the scores are those of an uninterrupted run."""
    now = datetime(2026, 11, 22, tzinfo=UTC)
    with SlowPortal(datasets=12, delay=0) as portal:
        path = tmp_path / "institutions.yaml"
        path.write_text(portal.config(), encoding="utf-8")
        config, methodology = load_config(path, default_rules_path())
        reference, store = tmp_path / "reference.sqlite", tmp_path / "store.sqlite"
        audit(config, methodology, reference, AuditOptions(now=now))
        first = audit(config, methodology, store, AuditOptions(now=now))
        # what a run cut mid-way leaves: MINFIN unfinished, two datasets never stored, one
        # stored from a record the portal has changed since, one the portal dropped since
        with Store.open(store, create=False) as st:
            st.finish_run(first.run_id, "interrupted")
            c = st._conn
            c.execute("UPDATE institutions SET done = 0")
            c.execute("DELETE FROM scores")
            c.execute("DELETE FROM scorecards")
            for table in ("datasets", "dataset_resources", "findings"):
                c.execute(f"DELETE FROM {table} WHERE dataset_id IN ('ds-003', 'ds-004')")
            c.execute(
                "UPDATE datasets SET text_sha256 = 'an older record' WHERE dataset_id = 'ds-001'"
            )
            c.execute(
                "INSERT INTO datasets (run_id, institution, dataset_id, position, title,"
                " n_resources, data) VALUES (?, 'MINFIN', 'ds-999', 99, 'Retirado', 0, '{}')",
                (first.run_id,),
            )
            c.execute(
                "INSERT INTO findings (run_id, institution, dataset_id, code, severity, message,"
                " evidence, fix) VALUES (?, 'MINFIN', 'ds-999', 'AV001', 'high', 'x', '{}', '')",
                (first.run_id,),
            )
        asked_before = len(portal.log)
        resumed = audit(config, methodology, store, AuditOptions(now=now, resume=True))
        assert _files_asked(portal, asked_before) == _files_of({"ds-001", "ds-003", "ds-004"})

    assert resumed.resumed and resumed.run_id == first.run_id
    with Store.open(reference, create=False) as ref, Store.open(store, create=False) as st:
        ref_card, card = ref.load_scorecard(1), st.load_scorecard(first.run_id)
        assert card is not None and ref_card is not None
        assert card.institutions == ref_card.institutions
        assert sorted((d.dataset_id, d.score) for d in card.datasets) == sorted(
            (d.dataset_id, d.score) for d in ref_card.datasets
        )
        assert st.count("datasets", first.run_id) == 12
        assert st.count("findings", first.run_id) == ref.count("findings", 1)
    assert "ds-999" not in _stored_ids(store)


def test_a_resume_keeps_the_datasets_of_every_kind_of_source(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The demo's CKAN, DCAT and HTML sources: every stored dataset is recognised as the
    record the portal lists, so none is fetched or checked again (a record that some stage
    changed after discovery would never match, and a resume would redo everything)."""
    now = datetime(2026, 11, 22, tzinfo=UTC)
    store = tmp_path / "store.sqlite"
    with DemoServer() as server:
        path = write_demo_config(server.base_url, tmp_path / "institutions.yaml")
        config, methodology = load_config(path, default_rules_path())
        first = audit(config, methodology, store, AuditOptions(now=now))
        with Store.open(store, create=False) as st:
            st.finish_run(first.run_id, "interrupted")
            st._conn.execute("UPDATE institutions SET done = 0")
            stored = st.count("datasets", first.run_id)
            probes = st._conn.execute("SELECT * FROM probes ORDER BY url").fetchall()
        caplog.set_level("INFO", logger="odaudit.pipeline")
        resumed = audit(config, methodology, store, AuditOptions(now=now, resume=True))
    assert {s.type for i in config.institutions for s in i.sources} >= {"ckan", "dcat", "html"}
    with Store.open(store, create=False) as st:
        # not probed again: a probe redone, even revalidated by a 304, is stored anew
        assert st._conn.execute("SELECT * FROM probes ORDER BY url").fetchall() == probes
        assert st.count("datasets", first.run_id) == stored
    assert f"resume kept {stored} datasets" in caplog.text
    assert resumed.kept_datasets == stored
    assert resumed.scorecard.national_score == first.scorecard.national_score
    assert resumed.scorecard.institutions == first.scorecard.institutions

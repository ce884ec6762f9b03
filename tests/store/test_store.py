"""The SQLite store: written as the run goes, read back whole, resumable."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from odaudit.models import (
    CoverageItem,
    CoverageStatus,
    Dataset,
    DatasetScore,
    Finding,
    Institution,
    InstitutionScore,
    KeyDataset,
    Probe,
    ProbeOutcome,
    Resource,
    ScoreCard,
    Severity,
    Source,
)
from odaudit.store import STORED_SNIFF_BYTES, RunManifest, SourceResult, Store, StoreError

INST = Institution(
    code="MINFIN",
    name="Ministerio de Finanzas Públicas",
    sector="finanzas",
    sources=(Source(type="ckan", url="http://127.0.0.1:1/ckan"),),
    key_datasets=(KeyDataset(id="presupuesto", title="Presupuesto"),),
)


def _dataset(i: int = 1) -> Dataset:
    return Dataset(
        id=f"ds-{i}",
        title=f"Ejecución presupuestaria {i} <b>",
        keywords=["presupuesto"],
        resources=[Resource(url=f"http://x/{i}.csv", format="CSV"), Resource(url="")],
    )


def _new_run(store: Store) -> int:
    """A run holding the one institution these tests store datasets for."""
    run_id = store.start_run(RunManifest(), {})
    store.add_institution(run_id, INST, 0)
    return run_id


def _probe(url: str) -> Probe:
    return Probe(
        url=url,
        outcome=ProbeOutcome.OK,
        status=200,
        content_type="text/csv",
        sniff=b"a,b\n" * 5000,
        headers={"content-type": "text/csv"},
    )


def _finding(dataset_id: str | None, code: str = "LI001") -> Finding:
    return Finding(
        code=code,
        severity=Severity.ERROR,
        message="Sin licencia",
        institution="MINFIN",
        dataset_id=dataset_id,
        evidence={"license_id": "notspecified"},
        fix="Declare una licencia abierta.",
    )


def test_run_roundtrip(tmp_path: Path) -> None:
    path = tmp_path / "odaudit.sqlite"
    with Store.open(path) as store:
        run_id = store.start_run(RunManifest(command="odaudit run"), {"dimensions": {"a": 1}})
        store.add_institution(run_id, INST, 0)
        store.add_source_result(
            run_id,
            "MINFIN",
            0,
            INST.sources[0],
            SourceResult(type="ckan", url="http://127.0.0.1:1/ckan", status="ok", datasets=1),
        )
        ds = _dataset()
        store.add_dataset(run_id, "MINFIN", ds, [_probe("http://x/1.csv")], [_finding(ds.id)])
        store.add_institution_findings(
            run_id,
            "MINFIN",
            [_finding(None, "CV001")],
            [CoverageItem("presupuesto", "Presupuesto", CoverageStatus.FOUND, ["ds-1"])],
        )
        store.finish_run(run_id)

    # A fresh connection sees everything: it is really on disk.
    with Store.open(path, create=False) as store:
        assert store.latest_run_id() == run_id
        view = store.load_run(run_id)
    assert view.manifest.status == "complete"
    assert view.manifest.finished_at
    assert view.methodology == {"dimensions": {"a": 1}}
    [inst] = view.institutions
    assert inst.n_key_datasets == 1
    assert inst.sources[0].datasets == 1
    [dv] = inst.datasets
    assert dv.dataset.title == "Ejecución presupuestaria 1 <b>"
    assert [r.url for r in dv.dataset.resources] == ["http://x/1.csv", ""]
    probe = dv.probes["http://x/1.csv"]
    assert probe.outcome is ProbeOutcome.OK
    assert len(probe.sniff) == STORED_SNIFF_BYTES  # evidence kept, but capped
    assert [f.code for f in dv.findings] == ["LI001"]
    assert dv.findings[0].severity is Severity.ERROR
    assert [f.code for f in inst.findings] == ["CV001"]
    assert inst.coverage[0].status is CoverageStatus.FOUND


def test_dataset_rewrite_replaces_findings(tmp_path: Path) -> None:
    """Redoing a dataset (resume) replaces its findings instead of doubling them."""
    with Store.open(tmp_path / "s.sqlite") as store:
        run_id = _new_run(store)
        ds = _dataset()
        store.add_dataset(run_id, "MINFIN", ds, [], [_finding(ds.id)])
        store.add_dataset(run_id, "MINFIN", ds, [], [_finding(ds.id)])
        assert store.count("findings", run_id) == 1
        assert store.count("datasets", run_id) == 1


def test_reset_institution_forgets_partial_work(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite") as store:
        run_id = _new_run(store)
        store.add_dataset(run_id, "MINFIN", _dataset(), [], [_finding("ds-1")])
        assert not store.institution_done(run_id, "MINFIN")
        store.reset_institution(run_id, "MINFIN")
        assert store.count("datasets", run_id) == 0
        assert store.count("findings", run_id) == 0
        store.add_institution_findings(run_id, "MINFIN", [], [])
        assert store.institution_done(run_id, "MINFIN")


def test_a_resume_keeps_whole_datasets_and_vouches_only_for_the_same_record(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "s.sqlite") as store:
        run_id = _new_run(store)
        for i in (1, 2):
            store.add_dataset(run_id, "MINFIN", _dataset(i), [], [_finding(f"ds-{i}")])
        store.add_institution_findings(run_id, "MINFIN", [_finding(None, "CO001")], [])
        store.reset_institution(run_id, "MINFIN", keep_datasets=True)
        assert store.count("datasets", run_id) == 2
        assert store.count("findings", run_id) == 2  # the institution's own finding is redone
        assert store.kept_dataset(run_id, "MINFIN", _dataset(1)) == 1
        changed = replace(_dataset(1), title="Ejecución presupuestaria 2027")
        assert store.kept_dataset(run_id, "MINFIN", changed) is None
        assert store.kept_dataset(run_id, "MINFIN", _dataset(3)) is None
        assert store.drop_datasets_except(run_id, "MINFIN", ["ds-1"]) == 1
        assert store.count("datasets", run_id) == 1
        assert store.count("findings", run_id) == 1
        left = store._conn.execute("SELECT DISTINCT dataset_id FROM dataset_resources")
        assert [r[0] for r in left] == ["ds-1"]


def test_scores_saved_as_card_and_tidy_rows(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    card = ScoreCard(
        methodology="m",
        methodology_version="1",
        rules_hash="abc",
        national_score=50.0,
        national_band="suficiente",
        institutions=[
            InstitutionScore(
                "MINFIN", "Finanzas", {"license": 0.0}, 40.0, 100.0, 50.0, "suficiente", 1
            )
        ],
        datasets=[DatasetScore("MINFIN", "ds-1", "T", {"license": 0.0}, 40.0)],
    )
    with Store.open(path) as store:
        run_id = store.start_run(RunManifest(), {})
        store.save_scores(run_id, card)
        assert store.load_scorecard(run_id) == card
        assert store.load_scorecard(run_id, rules_hash="other") is None
    rows = (
        sqlite3.connect(path)
        .execute("SELECT level, dimension, value FROM scores ORDER BY rowid")
        .fetchall()
    )
    assert ("national", "score", 50.0) in rows
    assert ("dataset", "license", 0.0) in rows


def test_resolve_run_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with pytest.raises(StoreError):
        Store.open(path, create=False)
    with Store.open(path) as store:
        with pytest.raises(StoreError):
            store.resolve_run(None)
        first = store.start_run(RunManifest(), {})
        store.finish_run(first)
        second = store.start_run(RunManifest(), {})  # still running
        assert store.resolve_run(None) == first  # latest *complete* run
        assert store.resolve_run(str(second)) == second
        with pytest.raises(StoreError):
            store.resolve_run("99")
        with pytest.raises(StoreError):
            store.resolve_run("abc")


def test_not_a_store(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        Store.open(bogus)


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store.open(path).close()
    Store.open(path).close()
    names = sqlite3.connect(path).execute("SELECT name FROM migrations").fetchall()
    assert [n for (n,) in sorted(names)][:4] == [
        "0001_initial",
        "0002_baselines",
        "0003_http_cache",
        "0004_tables",
    ]


def test_http_cache_keeps_only_successes(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite") as store:
        ok = _probe("http://x/ok.csv")
        ok.etag = '"v1"'
        store.remember_probe(1, ok)
        store.remember_probe(
            1, Probe(url="http://x/bad.csv", outcome=ProbeOutcome.HTTP_ERROR, status=500)
        )
        store.remember_probe(1, Probe(url="http://x/t.csv", outcome=ProbeOutcome.TIMEOUT))
        cached = store.cached_probe("http://x/ok.csv")
        assert cached is not None and cached.etag == '"v1"'
        assert store.cached_probe("http://x/bad.csv") is None
        assert store.cached_probe("http://x/t.csv") is None


def test_failure_streak_counts_consecutive_failed_runs(tmp_path: Path) -> None:
    url = "http://x/a.csv"
    bad = Probe(url=url, outcome=ProbeOutcome.HTTP_ERROR, status=503)
    good = Probe(url=url, outcome=ProbeOutcome.OK, status=200)
    with Store.open(tmp_path / "s.sqlite") as store:
        for run_id, probe in enumerate([bad, good, bad, bad], start=1):
            store.record_outcomes(run_id, [probe])
        assert store.failure_streak(url) == 2
        assert store.failure_streak(url, before_run=4) == 1
        assert store.failure_streak(url, before_run=3) == 0
        assert store.failure_streak("http://never/seen") == 0


def test_history_before_reads_streaks_and_hashes_of_many_urls_at_once(tmp_path: Path) -> None:
    """One query per dataset gives what `failure_streak` and `previous_content_hashes` give
    URL by URL, past the chunk of values one `IN (...)` binds."""
    urls = [f"http://x/{i}.csv" for i in range(1203)]

    def probe(url: str, ok: bool) -> Probe:
        if ok:
            return Probe(url=url, outcome=ProbeOutcome.OK, status=200)
        return Probe(url=url, outcome=ProbeOutcome.HTTP_ERROR, status=503)

    with Store.open(tmp_path / "s.sqlite") as store:
        for run_id in range(1, 5):  # URL i fails in the runs after run i % 4
            store.record_outcomes(
                run_id,
                [probe(u, run_id <= i % 4) for i, u in enumerate(urls)],
                {u: f"{run_id}{i}" for i, u in enumerate(urls) if i % 3 and run_id < 4},
            )
        asked = [*urls, urls[0], "http://never/seen"]
        streaks, hashes = store.history_before(asked, 5)
        assert streaks == {u: store.failure_streak(u, before_run=5) for u in asked}
        assert hashes == store.previous_content_hashes(asked, 5)
        assert streaks[urls[0]] == 4 and streaks[urls[3]] == 1 and streaks[urls[7]] == 1
        assert hashes[urls[1]] == "31" and urls[3] not in hashes
        assert streaks["http://never/seen"] == 0
        assert store.history_before(urls[:5], 2) == (
            {u: int(i % 4 == 0) for i, u in enumerate(urls[:5])},
            {u: f"1{i}" for i, u in enumerate(urls[:5]) if i % 3},
        )


def test_run_keeps_its_own_scorecard_and_history(tmp_path: Path) -> None:
    def card(name: str, h: str, score: float) -> ScoreCard:
        inst = InstitutionScore("MINFIN", "F", {}, score, None, score, "b", 1)
        return ScoreCard(name, "1", h, score, "b", [inst], [])

    with Store.open(tmp_path / "s.sqlite") as store:
        ids = []
        for score in (40.0, 55.0):
            run_id = store.start_run(
                RunManifest(rules_sha256="own", methodology_name="odaudit Guatemala"), {}
            )
            store.save_scores(run_id, card("odaudit Guatemala", "own", score))
            store.finish_run(run_id)
            ids.append(run_id)
        store.save_scores(ids[1], card("mqa", "preset", 300.0))  # a preset scored later
        view = store.load_run(ids[1])
        assert view.scorecard is not None and view.scorecard.rules_hash == "own"
        history = store.history(ids[1])
        assert [score for _, score in history["MINFIN"]] == [40.0, 55.0]
        assert [score for _, score in store.history(ids[0])["MINFIN"]] == [40.0]


def _two_datasets(path: Path) -> int:
    with Store.open(path) as store:
        run_id = _new_run(store)
        for i in (1, 2):
            ds = _dataset(i)
            info = Finding("MD006", Severity.INFO, "Sin tema", "MINFIN", ds.id, fix="Clasifique.")
            store.add_dataset(
                run_id, "MINFIN", ds, [_probe(f"http://x/{i}.csv")], [_finding(ds.id), info]
            )
        store.add_institution_findings(run_id, "MINFIN", [_finding(None, "CV001")], [])
        store.finish_run(run_id)
    return run_id


def test_severity_counts_without_reading_findings(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    run_id = _two_datasets(path)
    with Store.open(path, create=False) as store:
        assert store.severity_counts(run_id) == {"error": 3, "info": 2}
        assert store.severity_counts(run_id + 1) == {}


def test_a_run_read_back_shares_its_repeated_strings(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    run_id = _two_datasets(path)
    with Store.open(path, create=False) as store:
        view = store.load_run(run_id)
    one, two = view.institutions[0].datasets
    # the same message, fix, evidence key and header value are one object, not one per record
    assert one.findings[0].message is two.findings[0].message
    assert one.findings[0].fix is two.findings[0].fix
    key_one, key_two = (next(iter(d.findings[0].evidence)) for d in (one, two))
    assert key_one is key_two
    probe_one, probe_two = one.probes["http://x/1.csv"], two.probes["http://x/2.csv"]
    assert probe_one.headers["content-type"] is probe_two.headers["content-type"]
    assert probe_one.url is one.dataset.resources[0].url  # the URL once, for dataset and probe
    # and nothing changed in value
    assert one.findings[0] == _finding("ds-1")
    assert probe_one.sniff == (b"a,b\n" * 5000)[:STORED_SNIFF_BYTES]


def test_a_run_read_for_comparison_leaves_probes_and_evidence_out(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    run_id = _two_datasets(path)
    with Store.open(path, create=False) as store:
        full = store.load_run(run_id)
        light = store.load_run(run_id, with_probes=False)
        bare = store.load_run(run_id, with_probes=False, with_evidence=False)
    full_findings = [d.findings for d in full.institutions[0].datasets]
    assert all(not d.probes for d in light.institutions[0].datasets)
    assert [d.findings for d in light.institutions[0].datasets] == full_findings
    assert light.scorecard == full.scorecard
    assert any(f.evidence for findings in full_findings for f in findings)
    assert [d.findings for d in bare.institutions[0].datasets] == [
        [replace(f, evidence={}) for f in findings] for findings in full_findings
    ]
    assert bare.scorecard == full.scorecard


@pytest.mark.parametrize(
    ("sql", "index"),
    [
        # what a rerun asks for every reused table report: the latest earlier one of a URL
        (
            "SELECT data FROM tables t WHERE t.url = ? AND t.run_id < ?"
            " ORDER BY t.run_id DESC LIMIT 1",
            "tables_url",
        ),
        # the position of each dataset stored
        (
            "SELECT COALESCE(MAX(position) + 1, 0) FROM datasets"
            " WHERE run_id = ? AND institution = ?",
            "datasets_position",
        ),
    ],
)
def test_per_dataset_lookups_use_an_index(tmp_path: Path, sql: str, index: str) -> None:
    """A scan here grows with every run kept in the store: quadratic over a national run."""
    path = tmp_path / "s.sqlite"
    _two_datasets(path)
    plan = sqlite3.connect(path).execute("EXPLAIN QUERY PLAN " + sql, ("x", 1)).fetchall()
    assert any(index in row[-1] for row in plan), plan


def test_datasets_keep_their_order_when_one_is_stored_again(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with Store.open(path) as store:
        run_id = _new_run(store)
        for i in (1, 2, 3):
            store.add_dataset(run_id, "MINFIN", _dataset(i), [], [])
        store.add_dataset(run_id, "MINFIN", _dataset(2), [], [])  # redone after a resume
        view = store.load_run(run_id)
    assert [d.dataset.id for d in view.institutions[0].datasets] == ["ds-1", "ds-3", "ds-2"]


def test_hosts_that_set_the_pace_add_up_over_a_resumed_run(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with Store.open(path) as store:
        run_id = store.start_run(RunManifest(), {})
        store.finish_run(
            run_id, "interrupted", [{"host": "a.gt", "throttled": 2, "crawl_delay": 0.0}]
        )
        store.reopen_run(run_id)
        store.finish_run(
            run_id,
            "complete",
            [
                {"host": "b.gt", "throttled": 0, "crawl_delay": 5.0, "slowed": False},
                {"host": "a.gt", "throttled": 3, "crawl_delay": 1.0, "slowed": True},
            ],
        )
    with Store.open(path, create=False) as store:
        manifest = store.load_manifest(run_id)
    assert manifest.hosts == [
        {"host": "a.gt", "throttled": 5, "crawl_delay": 1.0, "slowed": True},
        {"host": "b.gt", "throttled": 0, "crawl_delay": 5.0, "slowed": False},
    ]


def test_a_sniff_seen_by_many_runs_is_stored_once(tmp_path: Path) -> None:
    """Each run keeps its probes, but the bytes a probe keeps as evidence are stored once
    per content; a probe stored before migration 0009 (sniff inline) still reads back."""
    path = tmp_path / "s.sqlite"
    url, other = "http://x/1.csv", "http://x/2.csv"
    with Store.open(path) as store:
        runs = []
        for _ in range(3):
            run_id = _new_run(store)
            changed = _probe(other) if not runs else replace(_probe(other), sniff=b"x,y\n1,2\n")
            store.add_dataset(run_id, "MINFIN", _dataset(), [_probe(url), changed], [])
            runs.append(run_id)
        empty = replace(_probe("http://x/vacio"), sniff=b"")
        store.add_dataset(runs[-1], "MINFIN", _dataset(3), [empty], [])
        for run_id in runs:
            probe = store.load_probe(run_id, url)
            assert probe is not None and probe.sniff == _probe(url).sniff[:STORED_SNIFF_BYTES]
            view = store.load_run(run_id, with_scores=False)
            assert view.institutions[0].datasets[0].probes[url].sniff == probe.sniff
        assert store.load_probe(runs[0], other).sniff == _probe(other).sniff[:STORED_SNIFF_BYTES]  # type: ignore[union-attr]
        assert store.load_probe(runs[2], other).sniff == b"x,y\n1,2\n"  # type: ignore[union-attr]
        assert store.load_probe(runs[2], "http://x/vacio").sniff == b""  # type: ignore[union-attr]
        # a row as an older odaudit wrote it: the sniff in the probe's own JSON
        data = '{"url": "http://x/viejo", "outcome": "ok", "status": 200, "sniff": "612c620a"}'
        store._conn.execute(
            "INSERT INTO probes (run_id, url, outcome, status, content_type, content_length,"
            " last_modified, etag, final_url, elapsed_ms, fetched_at, data) VALUES"
            " (?, 'http://x/viejo', 'ok', 200, '', NULL, NULL, NULL, '', 0, '', ?)",
            (runs[0], data),
        )
        assert store.load_probe(runs[0], "http://x/viejo").sniff == b"a,b\n"  # type: ignore[union-attr]
    with sqlite3.connect(path) as conn:
        sniffs = "SELECT COUNT(*) FROM texts WHERE sha256 IN (SELECT sniff_sha256 FROM probes)"
        assert conn.execute(sniffs).fetchone() == (2,)
        assert conn.execute("SELECT COUNT(*) FROM probes").fetchone() == (8,)


def test_a_table_report_seen_by_many_runs_is_stored_once(tmp_path: Path) -> None:
    """Each run keeps which resources it read as tables, but a report's text (and a dataset
    record's) is stored once however many runs and URLs have it; rows of the old layout
    (text inline) still read back."""
    path = tmp_path / "s.sqlite"
    url, other = "http://x/1.csv", "http://x/2.csv"
    with Store.open(path) as store:
        runs = []
        for n in range(3):
            run_id = _new_run(store)
            texts = {url: '{"rows": 3}', other: '{"rows": 3}' if n < 2 else '{"rows": 4}'}
            both = [Resource(url=url, format="CSV"), Resource(url=other, format="CSV")]
            ds = replace(_dataset(), resources=both)
            store.add_dataset(run_id, "MINFIN", ds, [], [], table_texts=texts)
            runs.append(run_id)
        store._conn.execute(
            "INSERT INTO tables (run_id, url, data) VALUES (?, 'http://x/viejo', '{\"v\": 0}')",
            (runs[0],),
        )
        tables = [
            store.load_run(r, with_scores=False).institutions[0].datasets[0].tables for r in runs
        ]
        assert tables[0] == tables[1] == {url: {"rows": 3}, other: {"rows": 3}}
        assert tables[2] == {url: {"rows": 3}, other: {"rows": 4}}
        assert store.cached_table_text(other, runs[2] + 1) == '{"rows": 4}'
        assert store.cached_table_text("http://x/viejo", runs[2] + 1) == '{"v": 0}'
        # the catalogue record, the same in every run, is one text too; an old row reads
        assert [d.dataset for d in store.load_run(runs[2]).institutions[0].datasets] == [ds]
        store._conn.execute(
            "INSERT INTO datasets (run_id, institution, dataset_id, position, title,"
            " n_resources, data) VALUES (?, 'MINFIN', 'viejo', 5, 'Viejo', 0, ?)",
            (runs[0], '{"id": "viejo", "title": "Viejo"}'),
        )
        old = store.load_run(runs[0]).institutions[0].datasets
        assert [d.dataset.id for d in old] == [ds.id, "viejo"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM texts").fetchone() == (3,)
        assert conn.execute("SELECT COUNT(*) FROM tables").fetchone() == (7,)

"""The evidence store: one SQLite file per audit series.

Every probe, dataset, finding and score is written as the run goes (each dataset
all or nothing, commits grouped a quarter second at a time, WAL journal), so an
interrupted run loses at most the datasets of the last group, which a resume redoes,
and any report can be rebuilt later without the network.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from odaudit.baseline import BaselineEdition, BaselineEntry
from odaudit.models import (
    CoverageItem,
    Dataset,
    Finding,
    Institution,
    Probe,
    ProbeOutcome,
    ScoreCard,
    Source,
)
from odaudit.store.checkpoints import Checkpointer, checkpoints_in_background
from odaudit.store.pool import StringPool
from odaudit.store.serialize import (
    coverage_from_dict,
    dataset_from_dict,
    dumps,
    finding_from_dict,
    probe_from_dict,
    scorecard_from_dict,
    to_dict,
)
from odaudit.store.view import (
    DatasetView,
    InstitutionView,
    RunManifest,
    RunView,
    SourceResult,
)

__all__ = ["STORED_SNIFF_BYTES", "Store", "StoreError"]

#: How much of each sniffed body the store keeps as evidence (the checks see all of it).
STORED_SNIFF_BYTES = 2048

_IN_CHUNK = 500  # values bound in one `IN (...)`: under SQLite's oldest limit of 999
_NO_RUN = 2**63 - 1  # a run id after every run (SQLite's largest integer)

# Named, append-only migrations: a store records which ones it has applied.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            status TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            manifest TEXT NOT NULL,
            methodology TEXT NOT NULL
        );
        CREATE TABLE institutions (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            sector TEXT NOT NULL,
            website TEXT NOT NULL,
            n_key_datasets INTEGER NOT NULL,
            position INTEGER NOT NULL,
            done INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, code)
        );
        CREATE TABLE sources (
            run_id INTEGER NOT NULL,
            institution TEXT NOT NULL,
            position INTEGER NOT NULL,
            type TEXT NOT NULL,
            url TEXT NOT NULL,
            status TEXT NOT NULL,
            datasets INTEGER NOT NULL,
            resources INTEGER NOT NULL,
            api_calls INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            error TEXT NOT NULL,
            skipped TEXT NOT NULL,
            PRIMARY KEY (run_id, institution, position)
        );
        CREATE TABLE datasets (
            run_id INTEGER NOT NULL,
            institution TEXT NOT NULL,
            dataset_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            title TEXT NOT NULL,
            n_resources INTEGER NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (run_id, institution, dataset_id)
        );
        CREATE TABLE probes (
            run_id INTEGER NOT NULL,
            url TEXT NOT NULL,
            outcome TEXT NOT NULL,
            status INTEGER,
            content_type TEXT NOT NULL,
            content_length INTEGER,
            last_modified TEXT,
            etag TEXT,
            final_url TEXT NOT NULL,
            elapsed_ms REAL NOT NULL,
            fetched_at TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (run_id, url)
        );
        CREATE TABLE dataset_resources (
            run_id INTEGER NOT NULL,
            institution TEXT NOT NULL,
            dataset_id TEXT NOT NULL,
            url TEXT NOT NULL
        );
        CREATE INDEX dataset_resources_ds ON dataset_resources (run_id, institution, dataset_id);
        CREATE TABLE findings (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL,
            institution TEXT NOT NULL,
            dataset_id TEXT,
            resource_url TEXT,
            code TEXT NOT NULL,
            severity TEXT NOT NULL,
            message TEXT NOT NULL,
            evidence TEXT NOT NULL,
            fix TEXT NOT NULL
        );
        CREATE INDEX findings_run ON findings (run_id, institution, dataset_id);
        CREATE TABLE coverage (
            run_id INTEGER NOT NULL,
            institution TEXT NOT NULL,
            key_id TEXT NOT NULL,
            title TEXT NOT NULL,
            status TEXT NOT NULL,
            dataset_ids TEXT NOT NULL,
            PRIMARY KEY (run_id, institution, key_id)
        );
        CREATE TABLE scorecards (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL,
            methodology TEXT NOT NULL,
            methodology_version TEXT NOT NULL,
            rules_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            national_score REAL NOT NULL,
            national_band TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE TABLE scores (
            scorecard_id INTEGER NOT NULL REFERENCES scorecards(id),
            run_id INTEGER NOT NULL,
            level TEXT NOT NULL,
            institution TEXT,
            dataset_id TEXT,
            dimension TEXT NOT NULL,
            value REAL
        );
        CREATE INDEX scores_run ON scores (run_id, level, institution);
        """,
    ),
    (
        "0002_baselines",
        """
        CREATE TABLE baselines (
            edition TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            year INTEGER NOT NULL,
            scale_max REAL NOT NULL,
            source TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            imported_at TEXT NOT NULL
        );
        CREATE TABLE baseline_values (
            edition TEXT NOT NULL REFERENCES baselines(edition),
            institution TEXT NOT NULL,
            name TEXT NOT NULL,
            indicator TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (edition, institution, indicator)
        );
        """,
    ),
    (
        "0003_http_cache",
        """
        CREATE TABLE http_cache (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            fetched_at TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            data TEXT NOT NULL
        );
        CREATE TABLE resource_history (
            url TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            status INTEGER,
            PRIMARY KEY (url, run_id)
        );
        """,
    ),
    (
        "0004_tables",
        """
        CREATE TABLE tables (
            run_id INTEGER NOT NULL,
            url TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (run_id, url)
        );
        """,
    ),
    (
        "0005_content_hashes",
        """
        ALTER TABLE resource_history ADD COLUMN sha256 TEXT;
        """,
    ),
    (
        # a rerun looks up each URL's latest table report: by URL, not by scanning every
        # earlier run's rows; a dataset's position is the next after the largest so far
        "0006_lookup_indexes",
        """
        CREATE INDEX tables_url ON tables (url, run_id);
        CREATE INDEX datasets_position ON datasets (run_id, institution, position);
        """,
    ),
    (
        # a digest of everything a dataset's findings were computed from (odaudit.reuse), so
        # a rerun finds an earlier run that saw the same evidence and copies its findings
        "0007_dataset_inputs",
        """
        ALTER TABLE datasets ADD COLUMN inputs TEXT;
        CREATE INDEX datasets_inputs ON datasets (inputs);
        """,
    ),
    (
        # clock-free values the rules worked out from those inputs (DatasetContext.memoized),
        # handed back to the clock rules when a rerun reuses the dataset's findings
        "0008_dataset_memo",
        """
        ALTER TABLE datasets ADD COLUMN memo TEXT;
        """,
    ),
    (
        # evidence stored once however many runs saw it, by the sha256 of its text; first the
        # bytes a probe keeps (as hex): a rerun of an unchanged portal wrote every sniff again
        # (about 40 % of what it wrote)
        "0009_probe_sniffs",
        """
        CREATE TABLE texts (sha256 TEXT PRIMARY KEY, text TEXT NOT NULL);
        ALTER TABLE probes ADD COLUMN sniff_sha256 TEXT;
        """,
    ),
    (
        # table reports likewise: a rerun stores each resource's report again, mostly the
        # very text an earlier run stored (`data` is then empty and `text_sha256` says where)
        "0010_table_texts",
        """
        ALTER TABLE tables ADD COLUMN text_sha256 TEXT;
        """,
    ),
    (
        # and the catalogue records, which change far less often than runs are made
        "0011_dataset_texts",
        """
        ALTER TABLE datasets ADD COLUMN text_sha256 TEXT;
        """,
    ),
]


def _stored_text(alias: str) -> str:
    """The SQL for a row's stored JSON wherever it is kept: inline in `data` (rows written
    before migrations 0010 and 0011), else in `texts` by `text_sha256`."""
    return (
        f"CASE WHEN {alias}.text_sha256 IS NULL THEN {alias}.data"
        f" ELSE (SELECT text FROM texts WHERE sha256 = {alias}.text_sha256) END"
    )


_TABLE_TEXT = _stored_text("t")
_DATASET_TEXT = _stored_text("d")


def _probe_data(text: str, sniff_hex: str | None) -> dict[str, Any]:
    """A stored probe's JSON with its sniff put back (stores before migration 0009 kept
    the sniff inline)."""
    data: dict[str, Any] = json.loads(text)
    if sniff_hex is not None:
        data["sniff"] = sniff_hex
    return data


def _text_key(text: str) -> str:
    """The key of a text kept once per content in `texts`."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class StoreError(Exception):
    """The file is not an odaudit store, or the run asked for does not exist."""


def _utcnow() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


#: How long, and for how many writes, `Store.grouped_commits` keeps a group open.
GROUP_MAX_AGE = 0.25
GROUP_MAX_WRITES = 64


class _Group:
    """The open group of writes of `Store.grouped_commits`."""

    __slots__ = ("depth", "max_age", "max_writes", "started", "writes")

    def __init__(self, max_age: float, max_writes: int) -> None:
        self.max_age = max_age
        self.max_writes = max_writes
        self.depth = 0  # writes open inside one another
        self.started = time.monotonic()
        self.writes = 0

    def opened(self) -> None:
        self.started = time.monotonic()
        self.writes = 0

    def due(self) -> bool:
        return self.writes >= self.max_writes or time.monotonic() - self.started >= self.max_age


class Store:
    """A real SQLite file holding every run's evidence."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._group: _Group | None = None  # see `grouped_commits`

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> Store:
        """Open (creating and migrating if needed) the store at `path`."""
        p = Path(path)
        if not create and not p.exists():
            raise StoreError(f"{p}: no such store")
        if create:
            p.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(str(p), isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            store = cls(conn, p)
            store._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{p}: not an odaudit store ({exc})") from exc
        return store

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        c = self._conn
        c.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        done = {r[0] for r in c.execute("SELECT name FROM migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self._tx():
                for statement in sql.split(";"):
                    if statement.strip():
                        c.execute(statement)
                c.execute("INSERT INTO migrations VALUES (?, ?)", (name, _utcnow()))

    def checkpoints_in_background(
        self, *, interval: float = 0.5
    ) -> AbstractContextManager[Checkpointer]:
        """A context in which a thread, not the writer, checkpoints the WAL (a run's
        per-dataset commits then never stop the event loop for the copy and its fsync)."""
        return checkpoints_in_background(self._conn, self.path, interval=interval)

    @contextmanager
    def grouped_commits(
        self, *, max_age: float = GROUP_MAX_AGE, max_writes: int = GROUP_MAX_WRITES
    ) -> Iterator[None]:
        """Within the block, each write (a dataset, a probe) is still all or nothing, but
        writes are committed together: when the open group is `max_age` seconds old or
        holds `max_writes` writes, when `commit_if_due` finds it old enough, and when the
        block ends, however it ends. A commit per dataset was a sixth of a rerun's CPU.
        An interruption loses the group in flight, which a resume redoes.

        Each write is a savepoint, whose undo journal SQLite keeps in a temporary file
        unless told otherwise: in memory it is a few pages per dataset, and it cost a
        third of the gain on disk."""
        (temp_store,) = self._conn.execute("PRAGMA temp_store").fetchone()
        self._conn.execute("PRAGMA temp_store=MEMORY")
        self._group = _Group(max_age, max_writes)
        try:
            yield
        finally:
            self._group = None
            if self._conn.in_transaction:
                self._conn.execute("COMMIT")
            self._conn.execute(f"PRAGMA temp_store={int(temp_store)}")

    def commit_if_due(self) -> None:
        """Commit the open group if it is old enough (a run calls this on a timer, so a
        lull between writes does not leave them uncommitted)."""
        group = self._group
        if group is not None and group.depth == 0 and self._conn.in_transaction and group.due():
            self._conn.execute("COMMIT")

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        group = self._group
        if group is None:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            return
        if not self._conn.in_transaction:
            self._conn.execute("BEGIN IMMEDIATE")
            group.opened()
        self._conn.execute("SAVEPOINT write")
        group.depth += 1
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK TO write")
            self._conn.execute("RELEASE write")
            raise
        else:
            self._conn.execute("RELEASE write")
        finally:
            group.depth -= 1
        group.writes += 1
        if group.depth == 0 and group.due():
            self._conn.execute("COMMIT")

    # ------------------------------------------------------------------ runs

    def start_run(self, manifest: RunManifest, methodology: dict[str, Any]) -> int:
        manifest.started_at = manifest.started_at or _utcnow()
        manifest.status = "running"
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO runs (status, started_at, manifest, methodology) VALUES (?, ?, ?, ?)",
                ("running", manifest.started_at, "{}", dumps(methodology)),
            )
            run_id = int(cur.lastrowid or 0)
            manifest.run_id = run_id
            c.execute("UPDATE runs SET manifest = ? WHERE id = ?", (dumps(manifest), run_id))
        return run_id

    def finish_run(
        self, run_id: int, status: str = "complete", hosts: Iterable[Mapping[str, Any]] = ()
    ) -> RunManifest:
        """Close a run and return its final manifest; `hosts` (hosts that answered 429 or
        asked for a Crawl-delay) are added to what earlier, interrupted parts of the same
        run recorded."""
        manifest = self.load_manifest(run_id)
        manifest.status = status
        manifest.hosts = _merge_hosts(manifest.hosts, hosts)
        manifest.finished_at = _utcnow()
        with self._tx() as c:
            c.execute(
                "UPDATE runs SET status = ?, finished_at = ?, manifest = ? WHERE id = ?",
                (status, manifest.finished_at, dumps(manifest), run_id),
            )
        return manifest

    def reopen_run(self, run_id: int) -> None:
        """Mark an interrupted run as running again (resume)."""
        manifest = self.load_manifest(run_id)
        manifest.status = "running"
        manifest.finished_at = None
        with self._tx() as c:
            c.execute(
                "UPDATE runs SET status = 'running', finished_at = NULL, manifest = ? WHERE id = ?",
                (dumps(manifest), run_id),
            )

    def list_runs(self) -> list[RunManifest]:
        rows = self._conn.execute("SELECT manifest FROM runs ORDER BY id").fetchall()
        return [_manifest(json.loads(r[0])) for r in rows]

    def latest_run_id(self, *, complete_only: bool = True) -> int | None:
        sql = "SELECT id FROM runs"
        if complete_only:
            sql += " WHERE status = 'complete'"
        row = self._conn.execute(sql + " ORDER BY id DESC LIMIT 1").fetchone()
        return int(row[0]) if row else None

    def previous_run_id(self, run_id: int) -> int | None:
        """The latest complete run before `run_id`."""
        row = self._conn.execute(
            "SELECT id FROM runs WHERE status = 'complete' AND id < ? ORDER BY id DESC LIMIT 1",
            (run_id,),
        ).fetchone()
        return int(row[0]) if row else None

    def resolve_run(self, ref: str | int | None) -> int:
        """A run id from a number, 'latest', or None (latest complete run)."""
        if ref is None or ref == "latest":
            run_id = self.latest_run_id() or self.latest_run_id(complete_only=False)
        else:
            try:
                run_id = int(ref)
            except ValueError as exc:
                raise StoreError(f"{ref!r} is not a run id") from exc
        if (
            run_id is None
            or not self._conn.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone()
        ):
            raise StoreError(f"{self.path}: no run {ref if ref is not None else ''}".strip())
        return run_id

    def load_manifest(self, run_id: int) -> RunManifest:
        row = self._conn.execute("SELECT manifest FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no run {run_id}")
        return _manifest(json.loads(row[0]))

    def load_methodology(self, run_id: int) -> dict[str, Any]:
        row = self._conn.execute("SELECT methodology FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no run {run_id}")
        data: dict[str, Any] = json.loads(row[0])
        return data

    # ------------------------------------------------------------------ writes (as the run goes)

    def add_institution(self, run_id: int, institution: Institution, position: int) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT OR IGNORE INTO institutions VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                (
                    run_id,
                    institution.code,
                    institution.name,
                    institution.sector,
                    institution.website,
                    len(institution.key_datasets),
                    position,
                ),
            )

    def institution_done(self, run_id: int, code: str) -> bool:
        row = self._conn.execute(
            "SELECT done FROM institutions WHERE run_id = ? AND code = ?", (run_id, code)
        ).fetchone()
        return bool(row and row[0])

    def reset_institution(self, run_id: int, code: str, *, keep_datasets: bool = False) -> None:
        """Forget what an unfinished institution had stored, so a resume redoes it cleanly.

        With `keep_datasets` the datasets it stored stay (each was one transaction, so each
        is whole): a resume checks only those `kept_dataset` does not vouch for. Its sources,
        coverage and institution-level findings are always redone."""
        with self._tx() as c:
            if keep_datasets:
                c.execute(
                    "DELETE FROM findings WHERE run_id = ? AND institution = ?"
                    " AND dataset_id IS NULL",
                    (run_id, code),
                )
                tables: tuple[str, ...] = ("sources", "coverage")
            else:
                tables = ("sources", "datasets", "dataset_resources", "findings", "coverage")
            for table in tables:
                c.execute(
                    f"DELETE FROM {table} WHERE run_id = ? AND institution = ?", (run_id, code)
                )

    def kept_dataset(self, run_id: int, code: str, dataset: Dataset) -> int | None:
        """How many findings run `run_id` stored for `dataset`, if it stored this very
        catalogue record; None if it stored none, or another record (the portal changed it
        since), which must then be checked again."""
        row = self._conn.execute(
            "SELECT text_sha256 FROM datasets WHERE run_id = ? AND institution = ?"
            " AND dataset_id = ?",
            (run_id, code, dataset.id),
        ).fetchone()
        if row is None or row[0] != _text_key(dumps(dataset)):
            return None
        (count,) = self._conn.execute(
            "SELECT COUNT(*) FROM findings WHERE run_id = ? AND institution = ? AND dataset_id = ?",
            (run_id, code, dataset.id),
        ).fetchone()
        return int(count)

    def drop_datasets_except(self, run_id: int, code: str, keep: Iterable[str]) -> int:
        """Delete the institution's datasets in this run whose ids are not in `keep`: the
        portal of a resumed run no longer lists them (or cannot list them: its source fails
        now), so an uninterrupted run would not hold them either. Returns how many."""
        wanted = set(keep)
        stored = [
            r[0]
            for r in self._conn.execute(
                "SELECT dataset_id FROM datasets WHERE run_id = ? AND institution = ?",
                (run_id, code),
            )
        ]
        gone = [d for d in stored if d not in wanted]
        if gone:
            with self._tx() as c:
                for table in ("dataset_resources", "findings", "datasets"):
                    c.executemany(
                        f"DELETE FROM {table} WHERE run_id = ? AND institution = ?"
                        " AND dataset_id = ?",
                        [(run_id, code, dataset_id) for dataset_id in gone],
                    )
        return len(gone)

    def add_source_result(
        self, run_id: int, code: str, position: int, source: Source, result: SourceResult
    ) -> None:
        del source  # the result carries type and url; kept in the signature for callers' clarity
        with self._tx() as c:
            c.execute(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    code,
                    position,
                    result.type,
                    result.url,
                    result.status,
                    result.datasets,
                    result.resources,
                    result.api_calls,
                    result.bytes,
                    result.error,
                    dumps(result.skipped),
                ),
            )

    def add_dataset(
        self,
        run_id: int,
        code: str,
        dataset: Dataset,
        probes: Iterable[Probe],
        findings: Iterable[Finding],
        tables: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        table_texts: Mapping[str, str] | None = None,
        inputs: str | None = None,
        memo: Mapping[str, Any] | None = None,
        history: Mapping[str, str] | None = None,
    ) -> None:
        """Store one dataset with its probes, table reports and findings in one transaction.

        `table_texts` are reports already as stored JSON; `inputs` is the digest of what the
        findings were computed from (odaudit.reuse), for later runs to reuse them, with the
        `memo` the rules filled. With `history` (content hashes by URL) the probes' outcomes
        go into the resource history in the same transaction (see `record_outcomes`)."""
        probes = list(probes)  # stored twice with `history`
        with self._tx() as c:
            position = self._clear_dataset(c, run_id, code, dataset.id)
            c.execute(
                "INSERT OR REPLACE INTO datasets (run_id, institution, dataset_id, position,"
                " title, n_resources, data, inputs, memo, text_sha256)"
                " VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?)",
                (
                    run_id,
                    code,
                    dataset.id,
                    position,
                    dataset.title,
                    len(dataset.resources),
                    inputs,
                    dumps(memo) if memo else None,
                    self._put_text(c, dumps(dataset)),
                ),
            )
            c.executemany(
                "INSERT INTO dataset_resources VALUES (?, ?, ?, ?)",
                [(run_id, code, dataset.id, r.url) for r in dataset.resources],
            )
            for probe in probes:
                self._put_probe(c, run_id, probe)
            texts = [(url, dumps(report)) for url, report in (tables or {}).items()]
            self._put_tables(c, run_id, texts + list((table_texts or {}).items()))
            self._put_findings(c, run_id, findings)
            if history is not None:
                self._put_outcomes(c, run_id, probes, history)

    def reusable_run(self, code: str, dataset_id: str, inputs: str, before_run: int) -> int | None:
        """The latest run before `before_run` that stored this dataset computed from the
        same inputs (the same digest), if any."""
        row = self._conn.execute(
            "SELECT run_id FROM datasets WHERE inputs = ? AND institution = ? AND dataset_id = ?"
            " AND run_id < ? ORDER BY run_id DESC LIMIT 1",
            (inputs, code, dataset_id, before_run),
        ).fetchone()
        return int(row[0]) if row else None

    def dataset_memo(self, run_id: int, code: str, dataset_id: str) -> dict[str, Any]:
        """What the rules worked out for a stored dataset (see `add_dataset`'s `memo`)."""
        row = self._conn.execute(
            "SELECT memo FROM datasets WHERE run_id = ? AND institution = ? AND dataset_id = ?",
            (run_id, code, dataset_id),
        ).fetchone()
        memo = json.loads(row[0]) if row and row[0] else {}
        return memo if isinstance(memo, dict) else {}

    def reuse_dataset(
        self,
        run_id: int,
        code: str,
        dataset_id: str,
        from_run: int,
        probes: Iterable[Probe],
        findings: Iterable[Finding],
        *,
        replaced: frozenset[str],
        order: Mapping[str, int],
        table_texts: Mapping[str, str] | None = None,
        inputs: str | None = None,
        memo: Mapping[str, Any] | None = None,
        history: Mapping[str, str] | None = None,
    ) -> int:
        """Store a dataset whose inputs are those `from_run` saw: its record, resource list
        and findings are copied from that run, except the findings of the `replaced` rules,
        which are `findings` (run again). `order` ranks rule codes, so the findings keep the
        order the rules run in. This run's probes, tables, `memo` and `history` are stored as
        `add_dataset` stores them. Returns the number of findings stored."""
        probes = list(probes)
        with self._tx() as c:
            position = self._clear_dataset(c, run_id, code, dataset_id)
            c.execute(
                "INSERT OR REPLACE INTO datasets (run_id, institution, dataset_id, position,"
                " title, n_resources, data, inputs, memo, text_sha256) SELECT ?, institution,"
                " dataset_id, ?, title, n_resources, data, ?, ?, text_sha256 FROM datasets"
                " WHERE run_id = ? AND institution = ? AND dataset_id = ?",
                (
                    run_id,
                    position,
                    inputs,
                    dumps(memo) if memo else None,
                    from_run,
                    code,
                    dataset_id,
                ),
            )
            c.execute(
                "INSERT INTO dataset_resources SELECT ?, institution, dataset_id, url"
                " FROM dataset_resources WHERE run_id = ? AND institution = ? AND dataset_id = ?"
                " ORDER BY rowid",
                (run_id, from_run, code, dataset_id),
            )
            for probe in probes:
                self._put_probe(c, run_id, probe)
            self._put_tables(c, run_id, (table_texts or {}).items())
            kept = [
                tuple(r)
                for r in c.execute(
                    "SELECT institution, dataset_id, resource_url, code, severity, message,"
                    " evidence, fix FROM findings WHERE run_id = ? AND institution = ?"
                    " AND dataset_id = ? ORDER BY id",
                    (from_run, code, dataset_id),
                )
                if r[3] not in replaced
            ]
            rows = kept + [_finding_row(f) for f in findings]
            last = len(order)
            rows.sort(key=lambda row: order.get(row[3], last))  # stable: a rule's own order
            c.executemany(
                "INSERT INTO findings (run_id, institution, dataset_id, resource_url, code,"
                " severity, message, evidence, fix) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, *row) for row in rows],
            )
            if history is not None:
                self._put_outcomes(c, run_id, probes, history)
        return len(rows)

    @staticmethod
    def _clear_dataset(c: sqlite3.Connection, run_id: int, code: str, dataset_id: str) -> int:
        """Drop what this run stored of a dataset (a retried one); returns its position."""
        position: int = c.execute(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM datasets"
            " WHERE run_id = ? AND institution = ?",
            (run_id, code),
        ).fetchone()[0]
        for table in ("dataset_resources", "findings"):
            c.execute(
                f"DELETE FROM {table} WHERE run_id = ? AND institution = ? AND dataset_id = ?",
                (run_id, code, dataset_id),
            )
        return position

    def add_institution_findings(
        self,
        run_id: int,
        code: str,
        findings: Iterable[Finding],
        coverage: Iterable[CoverageItem],
    ) -> None:
        """Institution-level findings and coverage; marks the institution done."""
        with self._tx() as c:
            c.execute(
                "DELETE FROM findings WHERE run_id = ? AND institution = ? AND dataset_id IS NULL",
                (run_id, code),
            )
            self._put_findings(c, run_id, findings)
            c.execute("DELETE FROM coverage WHERE run_id = ? AND institution = ?", (run_id, code))
            c.executemany(
                "INSERT INTO coverage VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (run_id, code, i.key_id, i.title, i.status.value, dumps(i.dataset_ids))
                    for i in coverage
                ],
            )
            c.execute(
                "UPDATE institutions SET done = 1 WHERE run_id = ? AND code = ?", (run_id, code)
            )

    def _put_probe(self, c: sqlite3.Connection, run_id: int, probe: Probe) -> None:
        data = to_dict(probe)
        kept = probe.sniff[:STORED_SNIFF_BYTES]
        data["sniff"] = ""  # in `texts`, as hex (see `_probe_data`)
        sha = self._put_text(c, kept.hex()) if kept else None
        c.execute(
            "INSERT OR REPLACE INTO probes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                probe.url,
                probe.outcome.value,
                probe.status,
                probe.content_type,
                probe.content_length,
                probe.last_modified,
                probe.etag,
                probe.final_url,
                probe.elapsed_ms,
                probe.fetched_at,
                dumps(data),
                sha,
            ),
        )

    @staticmethod
    def _put_tables(c: sqlite3.Connection, run_id: int, texts: Iterable[tuple[str, str]]) -> None:
        """Table reports (URL, stored JSON), each text kept once in `texts`."""
        c.executemany(
            "INSERT OR REPLACE INTO tables VALUES (?, ?, ?, ?)",
            [(run_id, url, "", Store._put_text(c, text)) for url, text in texts],
        )

    @staticmethod
    def _put_text(c: sqlite3.Connection, text: str) -> str:
        """Keep `text` in `texts` (once per content); returns its key."""
        sha = _text_key(text)
        c.execute("INSERT OR IGNORE INTO texts VALUES (?, ?)", (sha, text))
        return sha

    @staticmethod
    def _put_findings(c: sqlite3.Connection, run_id: int, findings: Iterable[Finding]) -> None:
        c.executemany(
            "INSERT INTO findings (run_id, institution, dataset_id, resource_url, code, severity,"
            " message, evidence, fix) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, *_finding_row(f)) for f in findings],
        )

    def save_scores(self, run_id: int, card: ScoreCard) -> int:
        """Store a scorecard (a run may be scored many times, e.g. with presets)."""
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO scorecards (run_id, methodology, methodology_version, rules_hash,"
                " created_at, national_score, national_band, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    card.methodology,
                    card.methodology_version,
                    card.rules_hash,
                    _utcnow(),
                    card.national_score,
                    card.national_band,
                    dumps(card),
                ),
            )
            sid = int(cur.lastrowid or 0)
            rows: list[tuple[Any, ...]] = [
                (sid, run_id, "national", None, None, "score", card.national_score)
            ]
            for inst in card.institutions:
                rows.append((sid, run_id, "institution", inst.code, None, "score", inst.score))
                rows.append(
                    (sid, run_id, "institution", inst.code, None, "coverage", inst.coverage)
                )
                for dim, value in inst.dimensions.items():
                    rows.append((sid, run_id, "institution", inst.code, None, dim, value))
            for ds in card.datasets:
                rows.append(
                    (sid, run_id, "dataset", ds.institution, ds.dataset_id, "score", ds.score)
                )
                for dim, value in ds.dimensions.items():
                    rows.append((sid, run_id, "dataset", ds.institution, ds.dataset_id, dim, value))
            c.executemany("INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        return sid

    # ------------------------------------------------------------------ across runs

    def cached_probe(self, url: str) -> Probe | None:
        """The last successful probe of `url` in any run (errors are never cached)."""
        row = self._conn.execute("SELECT data FROM http_cache WHERE url = ?", (url,)).fetchone()
        return probe_from_dict(json.loads(row[0])) if row else None

    def remember_probe(self, run_id: int, probe: Probe) -> None:
        """Keep a successful probe for conditional requests and reuse by later runs."""
        if probe.outcome is not ProbeOutcome.OK or probe.status is None or probe.status >= 300:
            return
        data = to_dict(probe)
        data["sniff"] = probe.sniff[:STORED_SNIFF_BYTES].hex()
        with self._tx() as c:
            c.execute(
                "INSERT OR REPLACE INTO http_cache VALUES (?, ?, ?, ?, ?, ?)",
                (probe.url, probe.etag, probe.last_modified, probe.fetched_at, run_id, dumps(data)),
            )

    def cached_table_text(self, url: str, before_run: int) -> str | None:
        """The latest table report of `url` from a run before `before_run`, as stored JSON
        (a rerun that reuses the dataset's findings may never need to read it). Only a report
        of the bytes the HTTP cache holds: one stored no earlier than the run that fetched
        them. When that run could not inspect the file (its download failed), an older report
        is of older bytes, and the file must be inspected again."""
        row = self._conn.execute(
            f"SELECT {_TABLE_TEXT} FROM tables t WHERE t.url = ? AND t.run_id < ?"
            " AND t.run_id >= COALESCE((SELECT run_id FROM http_cache WHERE url = ?), 0)"
            " ORDER BY t.run_id DESC LIMIT 1",
            (url, before_run, url),
        ).fetchone()
        return str(row[0]) if row else None

    def record_outcomes(
        self, run_id: int, probes: Iterable[Probe], hashes: Mapping[str, str] | None = None
    ) -> None:
        """One row per URL and run, so availability can demand K failures in a row and
        freshness can tell whether the bytes changed since the last run."""
        with self._tx() as c:
            self._put_outcomes(c, run_id, probes, hashes or {})

    @staticmethod
    def _put_outcomes(
        c: sqlite3.Connection, run_id: int, probes: Iterable[Probe], hashes: Mapping[str, str]
    ) -> None:
        c.executemany(
            "INSERT OR REPLACE INTO resource_history VALUES (?, ?, ?, ?, ?)",
            [(p.url, run_id, p.outcome.value, p.status, hashes.get(p.url)) for p in probes],
        )

    def previous_content_hashes(self, urls: Iterable[str], before_run: int) -> dict[str, str]:
        """For each URL, the content hash recorded by the latest earlier run that had one."""
        return self.history_before(urls, before_run)[1]

    def history_before(
        self, urls: Iterable[str], before_run: int
    ) -> tuple[dict[str, int], dict[str, str]]:
        """What the runs before `before_run` recorded of `urls`, read in one query per
        dataset rather than two per URL: each URL's failure streak (how many runs in a row,
        newest first, it failed; 0 for a URL never seen) and its latest content hash."""
        wanted = list(dict.fromkeys(urls))
        streaks = dict.fromkeys(wanted, 0)
        hashes: dict[str, str] = {}
        ended: set[str] = set()  # URLs whose streak an OK outcome ended
        ok = ProbeOutcome.OK.value
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            marks = ", ".join("?" * len(chunk))
            for url, outcome, sha in self._conn.execute(
                "SELECT url, outcome, sha256 FROM resource_history"
                f" WHERE url IN ({marks}) AND run_id < ? ORDER BY url, run_id DESC",
                (*chunk, before_run),
            ):
                if sha is not None and url not in hashes:
                    hashes[url] = sha
                if url in ended:
                    continue
                if outcome == ok:
                    ended.add(url)
                else:
                    streaks[url] += 1
        return streaks, hashes

    def failure_streak(self, url: str, before_run: int | None = None) -> int:
        """How many runs in a row (newest first, up to `before_run` excluded) `url` failed."""
        return self.history_before([url], _NO_RUN if before_run is None else before_run)[0][url]

    # ------------------------------------------------------------------ baselines

    def save_baseline(self, edition: BaselineEdition) -> None:
        """Store (or replace) an earlier, external edition of the index."""
        with self._tx() as c:
            c.execute("DELETE FROM baseline_values WHERE edition = ?", (edition.edition,))
            c.execute(
                "INSERT OR REPLACE INTO baselines VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    edition.edition,
                    edition.title,
                    edition.year,
                    edition.scale_max,
                    edition.source,
                    edition.sha256,
                    _utcnow(),
                ),
            )
            c.executemany(
                "INSERT INTO baseline_values VALUES (?, ?, ?, ?, ?)",
                [
                    (edition.edition, e.institution, e.name, e.indicator, e.value)
                    for e in edition.entries
                ],
            )

    def load_baselines(self) -> list[BaselineEdition]:
        out = []
        for b in self._conn.execute("SELECT * FROM baselines ORDER BY year, edition").fetchall():
            edition = BaselineEdition(
                edition=b["edition"],
                title=b["title"],
                year=b["year"],
                scale_max=b["scale_max"],
                source=b["source"],
                sha256=b["sha256"],
            )
            edition.entries = [
                BaselineEntry(v["institution"], v["name"], v["indicator"], v["value"])
                for v in self._conn.execute(
                    "SELECT * FROM baseline_values WHERE edition = ? ORDER BY institution, indicator",
                    (b["edition"],),
                )
            ]
            out.append(edition)
        return out

    # ------------------------------------------------------------------ reads

    def load_scorecard(self, run_id: int, rules_hash: str | None = None) -> ScoreCard | None:
        """The latest scorecard of a run (or the latest one with that rules hash)."""
        sql = "SELECT data FROM scorecards WHERE run_id = ?"
        args: list[Any] = [run_id]
        if rules_hash is not None:
            sql += " AND rules_hash = ?"
            args.append(rules_hash)
        row = self._conn.execute(sql + " ORDER BY id DESC LIMIT 1", args).fetchone()
        return scorecard_from_dict(json.loads(row[0])) if row else None

    def load_probe(self, run_id: int, url: str) -> Probe | None:
        row = self._conn.execute(
            "SELECT p.data, s.text FROM probes p LEFT JOIN texts s ON s.sha256 = p.sniff_sha256"
            " WHERE p.run_id = ? AND p.url = ?",
            (run_id, url),
        ).fetchone()
        return probe_from_dict(_probe_data(row[0], row[1])) if row else None

    def count(self, table: str, run_id: int) -> int:
        if table not in {"datasets", "probes", "findings", "institutions", "sources", "coverage"}:
            raise ValueError(table)
        return int(
            self._conn.execute(
                f"SELECT COUNT(*) FROM {table} WHERE run_id = ?", (run_id,)
            ).fetchone()[0]
        )

    def severity_counts(self, run_id: int) -> dict[str, int]:
        """How many findings of each severity a run has, without reading them."""
        rows = self._conn.execute(
            "SELECT severity, COUNT(*) FROM findings WHERE run_id = ? GROUP BY severity",
            (run_id,),
        )
        return {str(severity): int(n) for severity, n in rows}

    def load_run(
        self,
        run_id: int,
        *,
        with_scores: bool = True,
        table_details: bool = True,
        with_probes: bool = True,
        with_evidence: bool = True,
    ) -> RunView:
        """Everything about one run, as plain data for report, export and compare.

        `table_details=False` keeps only which resources were read as tables (an empty report
        each): what scoring and the report need, at a fraction of the memory for a big run.
        `with_probes=False` leaves every dataset's probes empty, and `with_evidence=False`
        every finding's evidence, for a run that is only compared with: the comparison
        matches findings by place and rule and shows their severity, never their evidence
        (decoding it was most of the cost of reading a big run)."""
        manifest = self.load_manifest(run_id)
        c = self._conn
        pool = StringPool()
        text, tree = pool.text, pool.tree
        probes: dict[str, Probe] = (
            {
                text(r["url"]): probe_from_dict(tree(_probe_data(r["data"], r["sniff"])))
                for r in c.execute(
                    "SELECT p.url, p.data, s.text AS sniff FROM probes p"
                    " LEFT JOIN texts s ON s.sha256 = p.sniff_sha256 WHERE p.run_id = ?",
                    (run_id,),
                )
            }
            if with_probes
            else {}
        )
        if table_details:
            tables: dict[str, dict[str, Any]] = {
                r["url"]: json.loads(r["data"])
                for r in c.execute(
                    f"SELECT t.url, {_TABLE_TEXT} AS data FROM tables t WHERE t.run_id = ?",
                    (run_id,),
                )
            }
        else:  # which resources were read as tables, without the (large) reports
            tables = {
                r["url"]: {}
                for r in c.execute("SELECT url FROM tables WHERE run_id = ?", (run_id,))
            }
        findings_by_ds: dict[tuple[str, str | None], list[Finding]] = {}
        evidence = ", evidence" if with_evidence else ""
        for r in c.execute(
            "SELECT code, severity, message, institution, dataset_id, resource_url, fix"
            f"{evidence} FROM findings WHERE run_id = ? ORDER BY id",
            (run_id,),
        ).fetchall():
            f = finding_from_dict(
                {
                    "code": text(r["code"]),
                    "severity": r["severity"],
                    "message": text(r["message"]),
                    "institution": text(r["institution"]),
                    "dataset_id": text(r["dataset_id"]),
                    "resource_url": text(r["resource_url"]),
                    "evidence": tree(json.loads(r["evidence"])) if with_evidence else {},
                    "fix": text(r["fix"]),
                }
            )
            findings_by_ds.setdefault((r["institution"], r["dataset_id"]), []).append(f)

        institutions: list[InstitutionView] = []
        for r in c.execute(
            "SELECT * FROM institutions WHERE run_id = ? ORDER BY position", (run_id,)
        ).fetchall():
            code = r["code"]
            view = InstitutionView(
                code=code,
                name=r["name"],
                sector=r["sector"],
                website=r["website"],
                n_key_datasets=r["n_key_datasets"],
            )
            for s in c.execute(
                "SELECT * FROM sources WHERE run_id = ? AND institution = ? ORDER BY position",
                (run_id, code),
            ):
                view.sources.append(
                    SourceResult(
                        type=s["type"],
                        url=s["url"],
                        status=s["status"],
                        datasets=s["datasets"],
                        resources=s["resources"],
                        api_calls=s["api_calls"],
                        bytes=s["bytes"],
                        error=s["error"],
                        skipped=json.loads(s["skipped"]),
                    )
                )
            for d in c.execute(
                f"SELECT d.dataset_id, {_DATASET_TEXT} AS data FROM datasets d"
                " WHERE d.run_id = ? AND d.institution = ? ORDER BY d.position",
                (run_id, code),
            ):
                dataset = dataset_from_dict(tree(json.loads(d["data"])))
                view.datasets.append(
                    DatasetView(
                        dataset=dataset,
                        probes={r.url: probes[r.url] for r in dataset.resources if r.url in probes},
                        findings=findings_by_ds.get((code, d["dataset_id"]), []),
                        tables={r.url: tables[r.url] for r in dataset.resources if r.url in tables},
                    )
                )
            view.findings = findings_by_ds.get((code, None), [])
            view.coverage = [
                coverage_from_dict(
                    {
                        "key_id": cv["key_id"],
                        "title": cv["title"],
                        "status": cv["status"],
                        "dataset_ids": json.loads(cv["dataset_ids"]),
                    }
                )
                for cv in c.execute(
                    "SELECT * FROM coverage WHERE run_id = ? AND institution = ?", (run_id, code)
                )
            ]
            institutions.append(view)
        return RunView(
            manifest=manifest,
            methodology=self.load_methodology(run_id),
            institutions=institutions,
            scorecard=self._own_scorecard(run_id, manifest) if with_scores else None,
        )

    def _own_scorecard(self, run_id: int, manifest: RunManifest) -> ScoreCard | None:
        """The run's score under its own methodology (a preset scored later does not replace it)."""
        own = self.load_scorecard(run_id, rules_hash=manifest.rules_sha256)
        return own if own is not None else self.load_scorecard(run_id)

    def history(self, run_id: int) -> dict[str, list[tuple[str, float]]]:
        """Each institution's score in the complete runs up to `run_id` scored under the same
        methodology name, oldest first, labelled by the run's UTC date."""
        manifest = self.load_manifest(run_id)
        out: dict[str, list[tuple[str, float]]] = {}
        for other in self.list_runs():
            if other.run_id > run_id or (other.status != "complete" and other.run_id != run_id):
                continue
            if other.methodology_name != manifest.methodology_name:
                continue
            card = self._own_scorecard(other.run_id, other)
            if card is None:
                continue
            label = (other.finished_at or other.started_at)[:10]
            for inst in card.institutions:
                out.setdefault(inst.code, []).append((label, inst.score))
        return out


def _finding_row(f: Finding) -> tuple[Any, ...]:
    """A finding as the columns after `run_id` in the findings table."""
    return (
        f.institution,
        f.dataset_id,
        f.resource_url,
        f.code,
        f.severity.value,
        f.message,
        dumps(f.evidence),
        f.fix,
    )


def _merge_hosts(
    earlier: Iterable[Mapping[str, Any]], later: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One entry per host: 429 answers summed, the longest Crawl-delay, the latest state."""
    merged: dict[str, dict[str, Any]] = {}
    for entry in [*earlier, *later]:
        host = str(entry.get("host", ""))
        seen = merged.setdefault(host, {"host": host, "throttled": 0, "crawl_delay": 0.0})
        seen["throttled"] += int(entry.get("throttled") or 0)
        seen["crawl_delay"] = max(seen["crawl_delay"], float(entry.get("crawl_delay") or 0.0))
        seen["slowed"] = bool(entry.get("slowed"))
    return [merged[h] for h in sorted(merged)]


def _manifest(data: dict[str, Any]) -> RunManifest:
    names = set(asdict(RunManifest()).keys())
    return RunManifest(**{k: v for k, v in data.items() if k in names})

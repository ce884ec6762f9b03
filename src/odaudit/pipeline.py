"""The audit: config → discover → fetch → checks → store → score.

One function drives the stages; each stage lives in its own package and is
called through its contract (docs/architecture.md). Evidence is written to the
store as it is produced, one transaction per dataset, so an interrupted run can
be resumed and any report can be rebuilt from the store alone.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import tempfile
import traceback
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import odaudit
from odaudit.http import HostState, RobotsCache
from odaudit.models import (
    Dataset,
    Finding,
    Institution,
    Probe,
    ProbeOutcome,
    Resource,
    ScoreCard,
    Source,
)
from odaudit.progress import NullProgress, Progress
from odaudit.reuse import REUSED_HEADER, dataset_inputs, engine_signature
from odaudit.scoring import score_run
from odaudit.store import RunManifest, SourceResult, Store
from odaudit.store.serialize import dumps
from odaudit.store.sqlite import GROUP_MAX_AGE

if TYPE_CHECKING:
    import httpx

    from odaudit.config import AuditConfig, CrawlSettings, Methodology
    from odaudit.http import Fetcher
    from odaudit.store.view import RunView

__all__ = ["AuditOptions", "AuditResult", "audit", "audit_async", "rescore"]

log = logging.getLogger(__name__)


@dataclass
class AuditOptions:
    """How to run an audit (everything that is not configuration)."""

    now: datetime | None = None  # the clock for freshness rules; UTC now by default
    only: Sequence[str] | None = None  # institution codes to audit; all by default
    resume: bool = False  # continue the latest unfinished run with the same configuration
    refresh: bool = False  # ignore stored probes: no conditional requests, no reuse
    command: str = ""  # the command line, for the manifest
    institution_concurrency: int = 4  # institutions reading their catalogues at once
    #: resources in flight per institution, counted by dataset (one with more takes them all):
    #: a portal whose servers hang holds only its own, and a dataset's probes stay in memory
    #: until it is stored, so a portal of 300-file datasets has few of them in flight
    resources_in_flight: int = 192
    transport: httpx.AsyncBaseTransport | None = None  # tests inject one
    extra_allow_origins: Sequence[str] = field(default_factory=tuple)
    #: copy the findings of a dataset whose inputs an earlier run saw (odaudit.reuse),
    #: running only the clock rules again; off with `refresh`
    reuse_findings: bool = True


@dataclass
class AuditResult:
    run_id: int
    store_path: Path
    scorecard: ScoreCard
    resumed: bool = False
    #: datasets a resume kept as the interrupted run had stored them (not fetched again)
    kept_datasets: int = 0
    #: The finished run as scoring read it, with its manifest and scorecard: what the report
    #: needs, so `odaudit run` does not read a national run back from the store twice.
    view: RunView | None = field(default=None, repr=False, compare=False)


class _Budget:
    """A semaphore whose holders take several units at once (a dataset takes one per
    resource, at most the whole budget, so a dataset larger than it runs alone)."""

    def __init__(self, total: int) -> None:
        self.total = max(1, total)
        self.free = self.total
        self._waiters: list[asyncio.Future[None]] = []

    def units(self, wanted: int) -> int:
        return max(1, min(wanted, self.total))

    async def acquire(self, wanted: int) -> int:
        """Take `wanted` units (as `units` bounds them) once they are free; returns how many."""
        units = self.units(wanted)
        while self.free < units:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                self._waiters.remove(waiter)
        self.free -= units
        return units

    def release(self, units: int) -> None:
        self.free += units
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)


@dataclass
class _Slots:
    """One institution's share of the run's work in flight. Each institution has its own,
    so a portal whose files hang or drip holds up only its own datasets and downloads;
    with shared slots its slow datasets pile up in every slot and the fast portals beside
    it wait in line (the per-host limits alone do not prevent that)."""

    resources: _Budget
    downloads: asyncio.Semaphore


class _PortalFailure(Exception):
    """Wraps an unexpected adapter crash so it is recorded like a portal failure."""

    def __init__(self, message: str, evidence: dict[str, Any]) -> None:
        super().__init__(message)
        self.kind = "internal"
        self.message = message
        self.evidence = evidence


def _config_hash(config: AuditConfig, methodology: Methodology) -> tuple[str, str]:
    return config.sha256, methodology.sha256


def _select(config: AuditConfig, only: Sequence[str] | None) -> list[Institution]:
    if not only:
        return list(config.institutions)
    wanted = {c.upper() for c in only}
    return [i for i in config.institutions if i.code.upper() in wanted]


def _find_resumable(store: Store, config: AuditConfig, methodology: Methodology) -> int | None:
    for manifest in reversed(store.list_runs()):
        if manifest.status == "complete":
            return None
        if (manifest.institutions_sha256, manifest.rules_sha256) == _config_hash(
            config, methodology
        ):
            return manifest.run_id
    return None


class _Auditor:
    """State of one run: the store, the fetcher, the probe cache."""

    def __init__(
        self,
        store: Store,
        run_id: int,
        fetcher: Fetcher,
        methodology: Methodology,
        now: datetime,
        options: AuditOptions,
        progress: Progress,
        crawl: CrawlSettings,
        *,
        resumed: bool = False,
    ) -> None:
        self.store = store
        self.resumed = resumed  # continuing an interrupted run: keep the datasets it stored
        self.kept = 0  # datasets a resume kept as stored
        self.crawl = crawl
        self.run_id = run_id
        self.fetcher = fetcher
        self.methodology = methodology
        self.now = now
        self.options = options
        self.progress = progress
        self._probes: dict[str, asyncio.Task[Probe]] = {}
        self._inspections = asyncio.Semaphore(max(1, (os.cpu_count() or 2) - 1))
        self._tables: dict[str, asyncio.Task[Any]] = {}
        self._workdir = Path(tempfile.mkdtemp(prefix="odaudit-"))
        self._robots = RobotsCache(fetcher)
        from odaudit.checks import clock_rules, rules_signature

        self._reuse = options.reuse_findings and not options.refresh
        self._engine = engine_signature(rules_signature(methodology), methodology.sha256)
        self._clock_codes, self._rule_order = clock_rules(methodology)

    def close(self) -> None:
        shutil.rmtree(self._workdir, ignore_errors=True)

    async def probe(self, url: str) -> Probe:
        task = self._probes.get(url)
        if task is None:
            task = self._probes[url] = asyncio.ensure_future(self._probe(url))
        return await task

    async def _probe(self, url: str) -> Probe:
        """Probe `url`, reusing what an earlier run stored when it is still true: within
        `crawl.cache_max_age` without asking, else with a conditional request (304)."""
        cached = None if self.options.refresh else self.store.cached_probe(url)
        if cached is not None and _age(cached.fetched_at) < self.crawl.cache_max_age:
            return _reused(cached, "fresh")
        if cached is not None and (cached.etag or cached.last_modified):
            probe = await self.fetcher.probe(
                url, etag=cached.etag, last_modified=cached.last_modified
            )
            if probe.status == 304:
                return _reused(cached, "revalidated")
        else:
            probe = await self.fetcher.probe(url)
        self.store.remember_probe(self.run_id, probe)
        return probe

    async def institution(self, inst: Institution) -> None:
        from odaudit.checks import run_institution_checks, run_source_checks

        if self.store.institution_done(self.run_id, inst.code):
            return
        self.store.reset_institution(self.run_id, inst.code, keep_datasets=self.resumed)
        self.progress.institution_started(inst.code, inst.name)
        datasets: list[Dataset] = []
        source_findings: list[Finding] = []
        slots = _Slots(
            resources=_Budget(self.options.resources_in_flight),
            downloads=asyncio.Semaphore(_DOWNLOADS_PER_INSTITUTION),
        )
        for position, source in enumerate(inst.sources):
            result, error = await self.source(inst, source, datasets, slots)
            self.store.add_source_result(self.run_id, inst.code, position, source, result)
            self.progress.source_done(inst.code, source.url, result.status, result.error)
            if error is not None:
                source_findings.extend(run_source_checks(inst, source, error, self.methodology))
        if self.resumed:
            self.store.drop_datasets_except(self.run_id, inst.code, (d.id for d in datasets))
        findings, coverage = run_institution_checks(inst, datasets, self.methodology)
        self.store.add_institution_findings(
            self.run_id, inst.code, source_findings + findings, coverage
        )
        self.progress.institution_done(inst.code)

    async def source(
        self, inst: Institution, source: Source, datasets: list[Dataset], slots: _Slots
    ) -> tuple[SourceResult, Any]:
        from odaudit.portals import DiscoveryReport, PortalError, get_adapter

        report = DiscoveryReport()
        result = SourceResult(type=source.type, url=source.url, status="ok")
        error: Any = None
        tasks: list[asyncio.Task[None]] = []
        try:
            adapter = get_adapter(source.type)
            async for dataset in adapter.discover(source, self.fetcher, report):
                dataset.source_type = dataset.source_type or source.type
                dataset.source_url = dataset.source_url or source.url
                datasets.append(_light(dataset))
                result.datasets += 1
                result.resources += len(dataset.resources)
                units = await slots.resources.acquire(len(dataset.resources))
                tasks.append(asyncio.ensure_future(self.dataset(inst, dataset, slots, units)))
        except PortalError as exc:
            error = exc
        except Exception as exc:  # an adapter bug must not lose the rest of the run
            log.exception("adapter %s crashed on %s", source.type, source.url)
            error = _PortalFailure(
                f"error interno al leer la fuente: {type(exc).__name__}: {exc}",
                {"url": source.url, "traceback": traceback.format_exc(limit=3)[-1500:]},
            )
        if tasks:
            await asyncio.gather(*tasks)
        if error is not None:
            result.status = "blocked" if getattr(error, "kind", "") == "blocked" else "failed"
            result.error = str(getattr(error, "message", error))
        result.api_calls = report.api_calls
        result.bytes = report.bytes
        result.skipped = dict(report.skipped)
        return result, error

    async def dataset(self, inst: Institution, dataset: Dataset, slots: _Slots, units: int) -> None:
        from odaudit.checks import run_dataset_checks

        try:
            if self.resumed:
                kept = self.store.kept_dataset(self.run_id, inst.code, dataset)
                if kept is not None:  # stored whole before the interruption
                    self.kept += 1
                    self.progress.dataset_done(inst.code, len(dataset.resources), kept)
                    return
            urls = list(dict.fromkeys(r.url for r in dataset.resources if r.url))
            # robots.txt before the probes: its Crawl-delay paces them (and AV008 reads it)
            robots = {u: await self._robots.verdict(u, self.crawl.user_agent) for u in urls}
            probes = await asyncio.gather(*(self.probe(u) for u in urls))
            by_url = dict(zip(urls, probes, strict=True))
            tables = await self.tables(dataset, by_url, slots.downloads)
            streaks, previous = self.store.history_before(urls, self.run_id)
            hashes = _content_hashes(by_url, previous)
            license_probes = await self._license_probes(dataset)
            texts = tables.texts()
            inputs = dataset_inputs(
                self._engine,
                inst,
                dataset,
                by_url,
                tables=texts,
                failure_streaks=streaks,
                license_probes=license_probes,
                content_hashes=hashes,
                robots=robots,
            )
            source_run = (
                self.store.reusable_run(inst.code, dataset.id, inputs, self.run_id)
                if self._reuse
                else None
            )
            memo = (
                self.store.dataset_memo(source_run, inst.code, dataset.id)
                if source_run is not None
                else {}
            )
            findings = run_dataset_checks(
                inst,
                dataset,
                by_url,
                self.methodology,
                self.now,
                tables=tables,
                failure_streaks=streaks,
                license_probes=license_probes,
                content_hashes=hashes,
                previous_hashes=previous,
                robots=robots,
                clock_only=source_run is not None,
                memo=memo,
            )
            if source_run is None:
                self.store.add_dataset(
                    self.run_id,
                    inst.code,
                    dataset,
                    probes,
                    findings,
                    table_texts=tables.texts(),
                    inputs=inputs,
                    memo=memo,
                    history=hashes,
                )
                stored = len(findings)
            else:
                stored = self.store.reuse_dataset(
                    self.run_id,
                    inst.code,
                    dataset.id,
                    source_run,
                    probes,
                    findings,
                    replaced=self._clock_codes,
                    order=self._rule_order,
                    table_texts=texts,
                    inputs=inputs,
                    memo=memo,
                    history=hashes,
                )
            self.progress.dataset_done(inst.code, len(dataset.resources), stored)
        finally:
            self._forget(dataset)
            slots.resources.release(units)

    def _forget(self, dataset: Dataset) -> None:
        """Drop finished probes and table reports from memory (they are in the store); a
        URL shared by datasets still in flight stays, since their tasks hold it."""
        for resource in dataset.resources:
            task = self._probes.get(resource.url)
            if task is not None and task.done():
                del self._probes[resource.url]
            table = self._tables.get(resource.url)
            if table is not None and table.done():
                del self._tables[resource.url]

    async def _license_probes(self, dataset: Dataset) -> dict[str, Probe]:
        """Probe a licence link only when the registry does not already know what it means:
        a portal's own licence page can be broken; creativecommons.org is not worth a request."""
        from odaudit.checks.licenses import resolve_license

        url = dataset.license_url.strip()
        if not url.startswith(("http://", "https://")) or resolve_license(url) is not None:
            return {}
        return {url: await self.probe(url)}

    async def tables(
        self, dataset: Dataset, probes: dict[str, Probe], downloads: asyncio.Semaphore
    ) -> TableReports:
        """Download and inspect the dataset's tabular files (each URL once per run); a file
        reused from the store keeps the report an earlier run stored."""
        out = TableReports()
        if not self.crawl.validate:
            return out
        for resource in dataset.resources:
            probe = probes.get(resource.url)
            if probe is None or not _is_table(resource.format, resource.url, probe):
                continue
            task = self._tables.get(resource.url)
            if task is None and probe.headers.get(REUSED_HEADER):
                stored = self.store.cached_table_text(resource.url, self.run_id)
                if stored is not None:
                    out.add_stored(resource.url, stored)
                    continue
            if task is None:
                task = self._tables[resource.url] = asyncio.ensure_future(
                    self._inspect(resource.url, resource.format, probe, downloads)
                )
            report = await task
            if report is not None:
                out.add(resource.url, report)
        return out

    async def _inspect(
        self, url: str, declared: str, probe: Probe, downloads: asyncio.Semaphore
    ) -> Any:
        from odaudit.http import FetchError
        from odaudit.validation import inspect_table

        dest = self._workdir / f"{len(self._tables)}-{uuid.uuid4().hex}"
        try:
            truncated = False
            if _whole_body(probe):  # a small file: the probe already read all of it
                dest.write_bytes(probe.sniff)
            else:
                async with downloads:
                    got = await self.fetcher.download(
                        url, dest, max_bytes=self.crawl.validate_max_bytes
                    )
                if not 200 <= got.status < 300 or got.bytes == 0:
                    return None
                truncated = got.truncated
            async with self._inspections:
                report = await asyncio.to_thread(
                    inspect_table, dest, declared_format=declared, workers=1, now=self.now
                )
            report.truncated = report.truncated or truncated
            return report
        except FetchError:
            return None
        finally:
            dest.unlink(missing_ok=True)


_TABLE_FORMATS = {"CSV", "TSV", "XLSX", "XLS", "ODS"}
_DOWNLOADS_PER_INSTITUTION = 4  # whole files downloaded at once for the validity checks


class TableReports(Mapping[str, Any]):
    """A dataset's table reports by URL. A report an earlier run stored stays JSON until a
    rule reads it: a rerun that reuses the dataset's findings runs only the clock rules."""

    def __init__(self) -> None:
        self._reports: dict[str, Any] = {}
        self._stored: dict[str, str] = {}
        self._written: dict[str, str] = {}  # texts of `_reports`, once written

    def add(self, url: str, report: Any) -> None:
        self._reports[url] = report
        self._stored.pop(url, None)

    def add_stored(self, url: str, text: str) -> None:
        self._stored[url] = text
        self._reports.pop(url, None)
        self._written.pop(url, None)

    def __getitem__(self, url: str) -> Any:
        report = self._reports.get(url)
        if report is not None:
            return report
        text = self._stored[url]  # KeyError: no table for this URL
        from odaudit.validation.restore import report_from_dict

        report = self._reports[url] = report_from_dict(json.loads(text))
        return report

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(self._stored), **dict.fromkeys(self._reports)})

    def __len__(self) -> int:
        return len(self._stored.keys() | self._reports.keys())

    def texts(self) -> dict[str, str]:
        """Every report as the store keeps it: as stored when no rule read it, else written
        again (a report of an older odaudit comes back in this one's shape)."""
        out = {url: text for url, text in self._stored.items() if url not in self._reports}
        for url, report in self._reports.items():
            text = self._written.get(url)
            if text is None:
                text = self._written[url] = dumps(_table_evidence(report))
            out[url] = text
        return out


def _content_hashes(probes: dict[str, Probe], previous: dict[str, str]) -> dict[str, str]:
    """sha256 of each sniffed prefix; an unchanged (reused) probe keeps its last hash."""
    from odaudit.checks import content_hash

    out = {
        u: previous[u] for u, p in probes.items() if p.headers.get(REUSED_HEADER) and u in previous
    }
    for url, probe in probes.items():
        if url not in out and (digest := content_hash(probe)):
            out[url] = digest
    return out


def _whole_body(probe: Probe) -> bool:
    """Did the probe's sniff read the entire file (its declared length, nothing more)?"""
    return (
        not probe.headers.get(REUSED_HEADER)
        and probe.content_length is not None
        and 0 < probe.content_length == len(probe.sniff)
        and probe.status in (200, 206)
        and "content-encoding" not in probe.headers
    )


def _age(fetched_at: str) -> float:
    """Seconds since an ISO timestamp (infinite when it cannot be read)."""
    try:
        then = datetime.fromisoformat(fetched_at)
    except ValueError:
        return float("inf")
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    return (datetime.now(UTC) - then).total_seconds()


def _reused(cached: Probe, how: str) -> Probe:
    """A stored probe standing for this run's, marked so the evidence says so."""
    return replace(cached, headers={**cached.headers, REUSED_HEADER: how})


def _is_table(declared: str, url: str, probe: Probe) -> bool:
    """A resource worth downloading for the validity checks: what the bytes say first,
    then what the URL and the declaration say."""
    from odaudit.checks.formats import format_for_extension, lookup_format
    from odaudit.checks.sniff import detect_format

    if probe.outcome is not ProbeOutcome.OK:
        return False
    if probe.sniff:
        return (detect_format(probe.sniff) or "") in _TABLE_FORMATS
    for info in (
        lookup_format(declared),
        format_for_extension(url),
        lookup_format(probe.content_type),
    ):
        if info is not None:
            return info.id in _TABLE_FORMATS
    return False


def _table_evidence(report: Any) -> dict[str, Any]:
    """What the store keeps of a table report: everything but the local file path."""
    data: dict[str, Any] = report.to_dict()
    data.pop("path", None)
    data["truncated"] = bool(getattr(report, "truncated", False))
    return data


def _light(dataset: Dataset) -> Dataset:
    """What coverage matching needs (titles, words, formats), without the long texts: an
    institution's datasets are held until its coverage is judged, the full ones are in the store."""
    return replace(
        dataset,
        description=dataset.description[:500],
        extras={},
        resources=[
            Resource(url=r.url, format=r.format, media_type=r.media_type) for r in dataset.resources
        ],
    )


async def audit_async(
    config: AuditConfig,
    methodology: Methodology,
    store: Store,
    options: AuditOptions | None = None,
    progress: Progress | None = None,
) -> AuditResult:
    """Audit the configured institutions; returns the stored, scored run."""
    from odaudit.http import AddressPolicy, Fetcher

    options = options or AuditOptions()
    progress = progress or NullProgress()
    institutions = _select(config, options.only)
    resumed = False
    run_id = _find_resumable(store, config, methodology) if options.resume else None
    if run_id is not None:
        resumed = True
        store.reopen_run(run_id)
        manifest = store.load_manifest(run_id)
        now = datetime.fromisoformat(manifest.now) if manifest.now else datetime.now(UTC)
    else:
        now = options.now or datetime.now(UTC)
        manifest = RunManifest(
            odaudit_version=odaudit.__version__,
            user_agent=config.crawl.user_agent,
            institutions_path=str(config.path),
            institutions_sha256=config.sha256,
            rules_path=str(methodology.path),
            rules_sha256=methodology.sha256,
            methodology_name=methodology.name,
            methodology_version=methodology.version,
            command=options.command,
            now=now.isoformat(),
            allow_origins=[*config.allow_origins, *options.extra_allow_origins],
        )
        run_id = store.start_run(manifest, methodology.to_dict())
    for position, inst in enumerate(institutions):
        store.add_institution(run_id, inst, position)

    policy = AddressPolicy([*config.allow_origins, *options.extra_allow_origins])
    progress.start(len(institutions))
    hosts: list[dict[str, Any]] = []
    kept = 0
    try:
        # the crawl's commits never stop the event loop to checkpoint the WAL, and are
        # grouped (a commit per dataset was a sixth of an unchanged rerun's CPU)
        with store.checkpoints_in_background(), store.grouped_commits():
            async with (
                _committing_on_time(store),
                Fetcher(
                    config.crawl, policy, transport=options.transport, retry_probe_timeouts=False
                ) as fetcher,
            ):
                auditor = _Auditor(
                    store,
                    run_id,
                    fetcher,
                    methodology,
                    now,
                    options,
                    progress,
                    config.crawl,
                    resumed=resumed,
                )
                gate = asyncio.Semaphore(options.institution_concurrency)

                async def one(inst: Institution) -> None:
                    async with gate:
                        await auditor.institution(inst)

                try:
                    await asyncio.gather(*(one(i) for i in institutions))
                finally:
                    auditor.close()
                    hosts = _pace_setters(fetcher.host_states().values())
                    kept = auditor.kept
                    if resumed:
                        log.info("resume kept %d datasets stored before the interruption", kept)
    except BaseException:
        store.finish_run(run_id, "interrupted", hosts)
        raise
    finally:
        progress.finish()
    view = store.load_run(run_id, with_scores=False, table_details=False)
    card = score_run(view, methodology)
    store.save_scores(run_id, card)
    view.manifest = store.finish_run(run_id, "complete", hosts)
    view.scorecard = card
    return AuditResult(
        run_id=run_id,
        store_path=store.path,
        scorecard=card,
        resumed=resumed,
        kept_datasets=kept,
        view=view,
    )


@asynccontextmanager
async def _committing_on_time(store: Store) -> AsyncIterator[None]:
    """While the block runs, commit the store's open group of writes once it is old enough,
    even when no dataset is being written: a portal slow to answer must not keep the
    datasets already finished uncommitted."""

    async def tick() -> None:
        while True:
            await asyncio.sleep(GROUP_MAX_AGE / 2)
            store.commit_if_due()

    ticker = asyncio.ensure_future(tick())
    try:
        yield
    finally:
        ticker.cancel()


def _pace_setters(states: Iterable[HostState]) -> list[dict[str, Any]]:
    """The hosts that slowed the crawl down, for the run manifest: a run that took long or
    found a portal "unreachable" can be explained by the server's own requests."""
    return [
        {
            "host": s.host,
            "throttled": s.throttled,
            "crawl_delay": s.crawl_delay,
            "slowed": s.slowed,
        }
        for s in states
        if s.throttled or s.crawl_delay
    ]


def audit(
    config: AuditConfig,
    methodology: Methodology,
    store_path: Path | str,
    options: AuditOptions | None = None,
    progress: Progress | None = None,
) -> AuditResult:
    """Synchronous entry point for library users and the CLI."""
    with Store.open(store_path) as store:
        return asyncio.run(audit_async(config, methodology, store, options, progress))


def rescore(store: Store, run_id: int, methodology: Methodology, *, save: bool = True) -> ScoreCard:
    """Score a stored run again under another methodology, without the network."""
    card = score_run(store.load_run(run_id, with_scores=False, table_details=False), methodology)
    if save:
        store.save_scores(run_id, card)
    return card

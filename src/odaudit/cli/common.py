"""What the CLI commands share: loading configuration, progress, tables, verdicts."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichBar
from rich.table import Table

from odaudit.models import ExitCode, ScoreCard, Severity
from odaudit.store.view import RunView

__all__ = [
    "JsonLogProgress",
    "TerminalProgress",
    "err",
    "exit_with",
    "fail",
    "load_config_or_exit",
    "make_progress",
    "out",
    "parse_now",
    "ranking_table",
    "threshold_breaches",
]

# results: standard output (wide enough for the ranking when piped to a file or a CI log)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, soft_wrap=True)  # progress and messages: standard error


def fail(message: str, code: ExitCode = ExitCode.USAGE) -> typer.Exit:
    """Print an error to standard error and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    return typer.Exit(int(code))


def exit_with(code: ExitCode) -> None:
    raise typer.Exit(int(code))


def load_config_or_exit(
    institutions: Path, rules: Path | None, allow_origins: Sequence[str] = ()
) -> tuple[Any, Any]:
    """Load and validate both files before any network I/O; exit 2 with every problem."""
    from odaudit.config import ConfigError, default_rules_path, format_problems, load_config

    try:
        config, methodology = load_config(institutions, rules or default_rules_path())
    except ConfigError as exc:
        err.print(
            f"[bold red]configuration error[/] ({len(exc.problems)} problem"
            f"{'s' if len(exc.problems) != 1 else ''}):",
        )
        err.print(format_problems(exc.problems), markup=False, highlight=False)
        raise typer.Exit(int(ExitCode.USAGE)) from None
    if allow_origins:
        bad = [o for o in allow_origins if not _is_origin(o)]
        if bad:
            raise fail(
                f"--allow-origin {bad[0]!r} is not an origin; write scheme://host:port, "
                "e.g. http://127.0.0.1:8765"
            )
        config.allow_origins = [*config.allow_origins, *allow_origins]
    return config, methodology


def _is_origin(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.path in ("", "/")


def parse_now(value: str | None) -> datetime | None:
    """--now: an ISO date or datetime (UTC if no offset), for reproducible freshness."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value), datetime.min.time())
        except ValueError:
            raise fail(f"--now {value!r} is not an ISO 8601 date (e.g. 2026-11-22)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class TerminalProgress:
    """A rich progress bar on standard error: institutions done, datasets, findings."""

    def __init__(self, console: Console) -> None:
        self._bar = RichBar(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._task = self._bar.add_task("instituciones", total=0, detail="")
        self.datasets = 0
        self.resources = 0
        self.findings = 0
        self.failed_sources = 0

    def _update(self, advance: int = 0) -> None:
        detail = (
            f"{self.datasets} conjuntos · {self.resources} recursos · "
            f"{self.findings} hallazgos · {self.failed_sources} fuentes con error"
        )
        self._bar.update(self._task, advance=advance, detail=detail)

    def start(self, institutions: int) -> None:
        self._bar.update(self._task, total=institutions)
        self._bar.start()

    def institution_started(self, code: str, name: str) -> None:
        self._bar.update(self._task, description=code)

    def dataset_done(self, code: str, resources: int, findings: int) -> None:
        self.datasets += 1
        self.resources += resources
        self.findings += findings
        self._update()

    def source_done(self, code: str, url: str, status: str, error: str) -> None:
        if status != "ok":
            self.failed_sources += 1
        self._update()

    def institution_done(self, code: str) -> None:
        self._update(advance=1)

    def finish(self) -> None:
        self._bar.stop()


class JsonLogProgress:
    """One JSON object per event on standard error (for CI logs)."""

    def _emit(self, event: str, **fields: Any) -> None:
        record = {"ts": datetime.now(UTC).isoformat(timespec="seconds"), "event": event, **fields}
        sys.stderr.write(json.dumps(record, ensure_ascii=False) + "\n")

    def start(self, institutions: int) -> None:
        self._emit("start", institutions=institutions)

    def institution_started(self, code: str, name: str) -> None:
        self._emit("institution_started", institution=code)

    def dataset_done(self, code: str, resources: int, findings: int) -> None:
        pass

    def source_done(self, code: str, url: str, status: str, error: str) -> None:
        self._emit("source", institution=code, url=url, status=status, error=error)

    def institution_done(self, code: str) -> None:
        self._emit("institution_done", institution=code)

    def finish(self) -> None:
        self._emit("finish")


def make_progress(log_format: str = "text") -> Any:
    """Progress for this process: a bar on a terminal, JSON lines if asked, else nothing."""
    from odaudit.progress import NullProgress

    if log_format == "json":
        return JsonLogProgress()
    if err.is_terminal:
        return TerminalProgress(err)
    return NullProgress()


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def ranking_table(card: ScoreCard, *, limit: int | None = None) -> Table:
    """The national ranking as a terminal table."""
    table = Table(
        title=f"Índice de datos abiertos — nacional {card.national_score:.1f} ({card.national_band})",
        title_justify="left",
    )
    table.add_column("#", justify="right", no_wrap=True, min_width=2)
    table.add_column("Código", no_wrap=True, min_width=9)
    table.add_column("Institución", no_wrap=True, overflow="ellipsis", max_width=36)
    table.add_column("Puntaje", justify="right", no_wrap=True, min_width=7)
    table.add_column("Banda", no_wrap=True, min_width=12)
    for header in ("Conj.", "Cobert.", "Hallaz."):
        table.add_column(header, justify="right", no_wrap=True, min_width=len(header))
    for s in card.institutions[:limit]:
        table.add_row(
            str(s.rank),
            s.code,
            s.name,
            _fmt(s.score),
            s.band,
            str(s.n_datasets),
            _fmt(s.coverage),
            str(s.n_findings),
        )
    return table


def threshold_breaches(
    card: ScoreCard | None,
    severities: Mapping[str, int],
    fail_under: float | None,
    fail_on: Severity | None,
) -> list[str]:
    """Why this run should fail a CI job (empty when it should not), from its score card and
    its count of findings per severity (`Store.severity_counts`)."""
    reasons: list[str] = []
    if card is not None and fail_under is not None and card.national_score < fail_under:
        reasons.append(f"national score {card.national_score:.1f} < {fail_under:g}")
    if fail_on is not None:
        known = {s.value: s for s in Severity}
        worst = sum(
            n
            for name, n in severities.items()
            if name in known and known[name].rank >= fail_on.rank
        )
        if worst:
            reasons.append(f"{worst} finding(s) at or above severity {fail_on.value}")
    return reasons


def load_run_ref(ref: str | None, store: Path | None, *, before: int | None = None) -> RunView:
    """A stored run from a reference: a run id in `store`, `latest`, `previous` (the latest
    complete run before run `before`), a store path (its latest complete run) or `PATH#ID`.
    Exits 2 with a clear message when it does not exist."""
    from odaudit.store import Store, StoreError

    path, run = store, ref
    if ref == "previous":
        if store is None or before is None:
            raise fail("'previous' needs --store and a current run")
        with Store.open(store, create=False) as st:
            prev = st.previous_run_id(before)
        if prev is None:
            raise fail(f"{store}: no complete run before run {before} to compare with")
        run = str(prev)
    elif ref is not None and not ref.isdigit() and ref != "latest":
        store_part, _, run_part = ref.partition("#")
        path, run = Path(store_part), (run_part or None)
    if path is None:
        raise fail("say which store: --store PATH (or give a store path instead of a run id)")
    try:
        with Store.open(Path(path), create=False) as st:
            return st.load_run(st.resolve_run(run))
    except StoreError as exc:
        raise fail(str(exc)) from None

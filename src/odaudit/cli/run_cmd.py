"""`odaudit run`: audit every institution in institutions.yaml and write the index."""

from __future__ import annotations

import shlex
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from odaudit.cli.common import (
    err,
    load_config_or_exit,
    make_progress,
    out,
    parse_now,
    ranking_table,
    threshold_breaches,
)
from odaudit.models import ExitCode, Severity

if TYPE_CHECKING:
    from odaudit.pipeline import AuditResult

INSTITUTIONS = typer.Option(
    Path("institutions.yaml"), "--institutions", "-i", help="Institutions file.", show_default=True
)
RULES = typer.Option(
    None, "--rules", "-r", help="Methodology file [default: the packaged rules/default.yaml]."
)
ALLOW = typer.Option(
    [],
    "--allow-origin",
    help="Origin (scheme://host:port) on a private address that may be fetched. Repeatable.",
)
FAIL_UNDER = typer.Option(None, "--fail-under", help="Exit 1 when the national score is below N.")
FAIL_ON = typer.Option(
    None,
    "--fail-on",
    help="Exit 1 when any finding is at or above this severity (error|warning|info).",
)
LANG = typer.Option("es", "--lang", help="Report language: es or en.")
LOG_FORMAT = typer.Option("text", "--log-format", help="Progress on stderr: text or json.")
NOW = typer.Option(
    None, "--now", help="Clock for freshness rules (ISO date), for reproducible runs."
)
PER_HOST = typer.Option(
    None,
    "--per-host-concurrency",
    min=1,
    help="Requests in flight to one host [default: crawl.per_host_concurrency].",
)
INTERVAL = typer.Option(
    None,
    "--per-host-interval",
    min=0.0,
    help="Seconds between two requests to one host [default: crawl.per_host_interval].",
)


def with_politeness(config: Any, per_host: int | None, interval: float | None) -> Any:
    """The command line wins over `crawl:` in institutions.yaml (per-host overrides stay)."""
    changes: dict[str, Any] = {}
    if per_host is not None:
        changes["per_host_concurrency"] = per_host
    if interval is not None:
        changes["per_host_interval"] = interval
    if changes:
        config.crawl = replace(config.crawl, **changes)
    return config


def command_line() -> str:
    return shlex.join(["odaudit", *sys.argv[1:]])


def severity_or_exit(value: str | None) -> Severity | None:
    if value is None:
        return None
    try:
        return Severity(value.lower())
    except ValueError:
        err.print(f"[bold red]error:[/] --fail-on must be error, warning or info, not {value!r}")
        raise typer.Exit(int(ExitCode.USAGE)) from None


def execute(
    config: Any,
    methodology: Any,
    *,
    out_dir: Path,
    store_path: Path,
    now: datetime | None,
    lang: str,
    fail_under: float | None,
    fail_on: Severity | None,
    log_format: str,
    only: list[str] | None = None,
    resume: bool = False,
    refresh: bool = False,
    show_ranking: bool = True,
) -> int:
    """Audit, store, render, print the ranking; return the exit code."""
    from odaudit.outputs import write_run_outputs
    from odaudit.pipeline import AuditOptions, audit
    from odaudit.store import Store

    if lang not in ("es", "en"):
        err.print(f"[bold red]error:[/] --lang must be es or en, not {lang!r}")
        return int(ExitCode.USAGE)
    options = AuditOptions(
        now=now, only=only, resume=resume, refresh=refresh, command=command_line()
    )
    try:
        result = audit(config, methodology, store_path, options, make_progress(log_format))
    except KeyboardInterrupt:
        err.print(
            "[yellow]interrupted[/]: what was stored is kept; continue with "
            "[bold]odaudit run --resume[/] and the same --store."
        )
        return 130
    with Store.open(store_path) as store:
        written = write_run_outputs(store, result.run_id, out_dir, lang=lang, view=result.view)
        severities = store.severity_counts(result.run_id)
    if show_ranking:
        out.print(ranking_table(result.scorecard))
    err.print(
        f"run {result.run_id}{_resumed(result)} stored in {store_path}; "
        f"wrote {', '.join(str(p) for p in written)}",
        highlight=False,
    )
    fail_under = fail_under if fail_under is not None else methodology.fail_under
    fail_on = fail_on if fail_on is not None else methodology.fail_on
    reasons = threshold_breaches(result.scorecard, severities, fail_under, fail_on)
    for reason in reasons:
        err.print(f"[bold red]threshold breached:[/] {reason}")
    return int(ExitCode.THRESHOLD if reasons else ExitCode.OK)


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(
        institutions: Path = INSTITUTIONS,
        rules: Path | None = RULES,
        out_dir: Path | None = typer.Option(
            None, "--out", "-o", help="Output folder [default: reports/<UTC date>/]."
        ),
        store: Path | None = typer.Option(
            None, "--store", help="SQLite evidence store [default: <out>/odaudit.sqlite]."
        ),
        only: list[str] = typer.Option(
            [], "--only", help="Audit only this institution code. Repeatable."
        ),
        allow_origin: list[str] = ALLOW,
        resume: bool = typer.Option(
            False, "--resume", help="Continue the latest unfinished run in the store."
        ),
        refresh: bool = typer.Option(
            False,
            "--refresh",
            help="Fetch everything again: no conditional requests, no reuse of stored probes.",
        ),
        fail_under: float | None = FAIL_UNDER,
        fail_on: str | None = FAIL_ON,
        lang: str = LANG,
        log_format: str = LOG_FORMAT,
        now: str | None = NOW,
        per_host: int | None = PER_HOST,
        interval: float | None = INTERVAL,
    ) -> None:
        """Audit the institutions in institutions.yaml and write reports/<date>/."""
        severity = severity_or_exit(fail_on)
        clock = parse_now(now)
        config, methodology = load_config_or_exit(institutions, rules, allow_origin)
        config = with_politeness(config, per_host, interval)
        known = {i.code.upper() for i in config.institutions}
        unknown = [c for c in only if c.upper() not in known]
        if unknown:
            err.print(f"[bold red]error:[/] unknown institution code(s): {', '.join(unknown)}")
            raise typer.Exit(int(ExitCode.USAGE))
        day = (clock or datetime.now(UTC)).date().isoformat()
        target = out_dir or Path("reports") / day
        code = execute(
            config,
            methodology,
            out_dir=target,
            store_path=store or target / "odaudit.sqlite",
            now=clock,
            lang=lang,
            fail_under=fail_under,
            fail_on=severity,
            log_format=log_format,
            only=only or None,
            resume=resume,
            refresh=refresh,
        )
        raise typer.Exit(code)


def _resumed(result: AuditResult) -> str:
    """What a resume kept, for the closing line: " (resumed, 1,503 datasets kept as stored)"."""
    if not result.resumed:
        return ""
    return f" (resumed, {result.kept_datasets:,} datasets kept as stored)"

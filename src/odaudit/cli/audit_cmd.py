"""`odaudit audit CODE`: one institution's scorecard and work list (for GAE auditors)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.panel import Panel
from rich.table import Table

from odaudit.cli.common import err, load_config_or_exit, out, parse_now
from odaudit.cli.run_cmd import (
    ALLOW,
    INSTITUTIONS,
    INTERVAL,
    LOG_FORMAT,
    NOW,
    PER_HOST,
    RULES,
    command_line,
    with_politeness,
)
from odaudit.models import ExitCode, InstitutionScore
from odaudit.store.view import InstitutionView, RunView
from odaudit.worklist import WorkItem, build_worklist

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
_DIMENSION_ES = {
    "availability": "Disponibilidad",
    "format": "Formatos",
    "license": "Licencia",
    "freshness": "Actualización",
    "metadata": "Metadatos",
    "validity": "Validez de datos",
    "personal_data": "Datos personales",
    "coverage": "Cobertura",
}


def _bar(value: float, width: int = 20) -> str:
    filled = round(value / 100 * width)
    return "█" * filled + "░" * (width - filled)


def render_text(score: InstitutionScore, inst: InstitutionView, items: list[WorkItem]) -> None:
    lines = [f"[bold]{score.score:.1f}[/] / 100 — {score.band} — puesto {score.rank}"]
    for dim, value in score.dimensions.items():
        lines.append(f"{_DIMENSION_ES.get(dim, dim):<18} {_bar(value)} {value:5.1f}")
    out.print(Panel("\n".join(lines), title=f"{inst.code} — {inst.name}", expand=False))
    sources = Table(title="Fuentes", title_justify="left")
    for col in ("Tipo", "URL", "Estado", "Conjuntos", "Error"):
        sources.add_column(col)
    for s in inst.sources:
        sources.add_row(s.type, s.url, s.status, str(s.datasets), s.error)
    if inst.sources:
        out.print(sources)
    if inst.coverage:
        cov = Table(title="Conjuntos clave", title_justify="left")
        cov.add_column("Conjunto")
        cov.add_column("Estado")
        for c in inst.coverage:
            cov.add_row(c.title, c.status.value)
        out.print(cov)
    work = Table(title=f"Lista de trabajo ({len(items)})", title_justify="left", show_lines=True)
    for col in ("Sev.", "Regla", "Conjunto", "Problema", "Evidencia", "Cómo corregirlo"):
        work.add_column(col, overflow="fold")
    for item in items:
        count = f" ×{item.count}" if item.count > 1 else ""
        work.add_row(
            f"[{_SEVERITY_STYLE[item.severity.value]}]{item.severity.value}[/]",
            f"{item.code}{count}\n{item.title}",
            item.dataset_title or "(institución)",
            item.message,
            item.evidence,
            item.fix,
        )
    out.print(work)


def _as_json(score: InstitutionScore, inst: InstitutionView, items: list[WorkItem]) -> str:
    data: dict[str, Any] = {
        "institution": {"code": inst.code, "name": inst.name, "sector": inst.sector},
        "score": asdict(score),
        "sources": [asdict(s) for s in inst.sources],
        "coverage": [
            {
                "key_id": c.key_id,
                "title": c.title,
                "status": c.status.value,
                "dataset_ids": c.dataset_ids,
            }
            for c in inst.coverage
        ],
        "worklist": [{**asdict(i), "severity": i.severity.value} for i in items],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def register(app: typer.Typer) -> None:
    @app.command("audit")
    def audit(
        code: str = typer.Argument(..., help="Institution code, e.g. MINFIN."),
        institutions: Path = INSTITUTIONS,
        rules: Path | None = RULES,
        store: Path | None = typer.Option(
            None, "--store", help="SQLite store [default: reports/<date>/audit-<CODE>.sqlite]."
        ),
        fmt: str = typer.Option("text", "--format", "-f", help="text, md, html or json."),
        output: Path | None = typer.Option(None, "--out", "-o", help="Write md/html/json here."),
        allow_origin: list[str] = ALLOW,
        log_format: str = LOG_FORMAT,
        now: str | None = NOW,
        per_host: int | None = PER_HOST,
        interval: float | None = INTERVAL,
    ) -> None:
        """Audit one institution and print its scorecard and work list."""
        from odaudit.cli.common import make_progress
        from odaudit.pipeline import AuditOptions
        from odaudit.pipeline import audit as run_audit
        from odaudit.store import Store

        if fmt not in ("text", "md", "html", "json"):
            err.print(f"[bold red]error:[/] --format must be text, md, html or json, not {fmt!r}")
            raise typer.Exit(int(ExitCode.USAGE))
        clock = parse_now(now)
        config, methodology = load_config_or_exit(institutions, rules, allow_origin)
        config = with_politeness(config, per_host, interval)
        match = [i for i in config.institutions if i.code.upper() == code.upper()]
        if not match:
            err.print(
                f"[bold red]error:[/] no institution {code!r} in {institutions}; "
                f"known: {', '.join(i.code for i in config.institutions)}"
            )
            raise typer.Exit(int(ExitCode.USAGE))
        inst_code = match[0].code
        day = (clock or datetime.now(UTC)).date().isoformat()
        store_path = store or Path("reports") / day / f"audit-{inst_code}.sqlite"
        options = AuditOptions(now=clock, only=[inst_code], command=command_line())
        result = run_audit(config, methodology, store_path, options, make_progress(log_format))
        with Store.open(store_path) as st:
            view = st.load_run(result.run_id)
        inst_view = next(i for i in view.institutions if i.code == inst_code)
        score = next(s for s in result.scorecard.institutions if s.code == inst_code)
        from odaudit.checks import all_rules

        rules_list = all_rules()
        items = build_worklist(inst_view, rules_list)
        if fmt == "text":
            render_text(score, inst_view, items)
            raise typer.Exit(int(ExitCode.OK))
        if fmt == "json":
            text = _as_json(score, inst_view, items)
        else:
            from odaudit.report import render_html, render_markdown

            single = RunView(view.manifest, view.methodology, [inst_view], view.scorecard)
            text = (render_markdown if fmt == "md" else render_html)(single, rules_list)
        if output:
            from odaudit.fileio import atomic_write_text

            atomic_write_text(output, text)
            err.print(f"wrote {output}")
        else:
            out.file.write(text + ("\n" if not text.endswith("\n") else ""))
        raise typer.Exit(int(ExitCode.OK))

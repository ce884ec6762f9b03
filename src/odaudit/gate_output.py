"""The CI gate's verdict in the formats CI systems read.

text for people, JSON for scripts, JUnit XML for test dashboards, GitHub
workflow annotations, and a Markdown summary for a pull-request comment.
Content from portals is escaped for each format.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from xml.sax.saxutils import escape, quoteattr

from odaudit.compare import Breach, RunDiff

__all__ = ["FORMATS", "render_gate"]

FORMATS = ("text", "json", "junit", "github", "markdown")


def _md(text: str) -> str:
    out = text.replace("\\", "\\\\").replace("\r", " ").replace("\n", " ")
    for ch in "|*_`[]<>#!":
        out = out.replace(ch, "\\" + ch)
    return out


def _gh(text: str) -> str:
    """GitHub workflow-command data escaping."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _delta(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def render_gate(fmt: str, breaches: list[Breach], diff: RunDiff | None, current_run: int) -> str:
    if fmt == "json":
        return json.dumps(
            {
                "run": current_run,
                "baseline_run": diff.baseline_run if diff else None,
                "passed": not breaches,
                "national_before": diff.national_before if diff else None,
                "national_after": diff.national_after if diff else None,
                "breaches": [asdict(b) for b in breaches],
                "new_findings": len(diff.new_findings) if diff else 0,
                "fixed_findings": len(diff.fixed_findings) if diff else 0,
            },
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "junit":
        cases = []
        for b in breaches:
            name = quoteattr(f"{b.kind}:{b.institution or 'national'}:{b.code or ''}")
            cases.append(
                f'  <testcase classname="odaudit.gate" name={name}>'
                f"<failure message={quoteattr(b.message)}>{escape(b.message)}</failure></testcase>"
            )
        if not breaches:
            cases.append('  <testcase classname="odaudit.gate" name="thresholds"/>')
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuite name="odaudit" tests="{max(1, len(breaches))}" failures="{len(breaches)}">\n'
            + "\n".join(cases)
            + "\n</testsuite>"
        )
    if fmt == "github":
        lines = [f"::error title=odaudit {b.kind}::{_gh(b.message)}" for b in breaches]
        if not breaches:
            lines.append("::notice title=odaudit::no threshold breached")
        return "\n".join(lines)
    if fmt == "markdown":
        head = "### odaudit: " + (
            "✅ sin regresiones" if not breaches else f"❌ {len(breaches)} umbral(es) superado(s)"
        )
        lines = [head, ""]
        if diff is not None:
            lines += [
                f"Puntaje nacional: {_score(diff.national_before)} → {_score(diff.national_after)} "
                f"({_delta(diff.national_delta)}); hallazgos nuevos: {len(diff.new_findings)}, "
                f"corregidos: {len(diff.fixed_findings)}.",
                "",
                "| Institución | Antes | Ahora | Cambio | Nuevos | Corregidos |",
                "|---|---:|---:|---:|---:|---:|",
            ]
            for ch in diff.institutions:
                lines.append(
                    f"| {_md(ch.code)} | {_score(ch.before)} | {_score(ch.after)} | {_delta(ch.delta)} "
                    f"| {ch.new_findings} | {ch.fixed_findings} |"
                )
            lines.append("")
        for b in breaches:
            lines.append(f"- **{_md(b.kind)}**: {_md(b.message)}")
        return "\n".join(lines)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    lines = []
    if diff is not None:
        lines.append(
            f"national score {_score(diff.national_before)} → {_score(diff.national_after)} "
            f"({_delta(diff.national_delta)}); {len(diff.new_findings)} new, "
            f"{len(diff.fixed_findings)} fixed findings"
        )
    lines += [f"FAIL {b.kind}: {b.message}" for b in breaches]
    lines.append(
        "PASS: no threshold breached" if not breaches else f"{len(breaches)} threshold(s) breached"
    )
    return "\n".join(lines)

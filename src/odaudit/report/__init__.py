"""The national index report: Markdown and HTML rendered from one stored run.

Reads a `RunView` only (never the store or the network). Both formats come from
one context (`build_context`), so they always say the same thing.
"""

from odaudit.report.context import build_context
from odaudit.report.edition import EditionScores
from odaudit.report.model import ReportContext, RuleInfo
from odaudit.report.render import render_html, render_markdown, write_report
from odaudit.report.safety import md_escape, safe_url

__all__ = [
    "EditionScores",
    "ReportContext",
    "RuleInfo",
    "build_context",
    "md_escape",
    "render_html",
    "render_markdown",
    "safe_url",
    "write_report",
]

"""Rendering the report context with jinja2, and writing the files.

Two environments over the same templates folder: HTML autoescapes every value;
Markdown passes every value through `md_escape` (its ``finalize``), so a template
cannot forget to escape. Only filters that build markup from safe parts return
text that skips escaping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from odaudit.fileio import atomic_write_text
from odaudit.report.context import build_context
from odaudit.report.edition import EditionScores
from odaudit.report.i18n import Formatter, translations
from odaudit.report.model import Link, ReportContext, RuleInfo
from odaudit.report.safety import MdSafe, md_escape, md_link
from odaudit.store.view import RunView

__all__ = ["render_html", "render_markdown", "write_report"]

TEMPLATES = Path(__file__).parent / "templates"
_HEAT = {0: "🟩", 1: "🟨", 2: "🟧", 3: "🟥"}


def _md_link(link: Link) -> MdSafe:
    return md_link(link.text, link.url)


def _md_bar(value: float | None, width: int = 10) -> MdSafe:
    if value is None:
        return MdSafe("·" * width)
    filled = round(max(0.0, min(100.0, value)) * width / 100)
    return MdSafe("█" * filled + "░" * (width - filled))


def _md_heat(level: int) -> MdSafe:
    return MdSafe(_HEAT.get(level, "⬜"))


def _finalize_md(value: object) -> str:
    return md_escape(value)


@lru_cache(maxsize=8)
def _environment(kind: str, lang: str) -> Environment:
    common = {
        "loader": FileSystemLoader(TEMPLATES),
        "extensions": ["jinja2.ext.i18n"],
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
        "undefined": StrictUndefined,
    }
    if kind == "html":
        env = Environment(autoescape=True, **common)  # type: ignore[arg-type]
    else:
        env = Environment(autoescape=False, finalize=_finalize_md, **common)  # type: ignore[arg-type]
        env.filters.update(link=_md_link, bar=_md_bar, heat=_md_heat)
    fmt = Formatter(lang)
    env.filters.update(num=fmt.number, n=fmt.integer)
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def _render(kind: str, template: str, context: ReportContext) -> str:
    env = _environment(kind, context.lang)
    return env.get_template(template).render(r=context, **vars(context))


History = Mapping[str, Sequence[tuple[str, float]]]


def render_markdown(
    view: RunView,
    rules: Sequence[RuleInfo],
    *,
    lang: str = "es",
    history: History | None = None,
    previous: RunView | None = None,
    edition: EditionScores | None = None,
) -> str:
    """The national index report as GitHub-flavoured Markdown (no raw HTML)."""
    context = build_context(
        view, rules, lang=lang, history=history, previous=previous, edition=edition
    )
    return _render("md", "report.md.j2", context)


def render_html(
    view: RunView,
    rules: Sequence[RuleInfo],
    *,
    lang: str = "es",
    history: History | None = None,
    previous: RunView | None = None,
    edition: EditionScores | None = None,
) -> str:
    """The national index report as one self-contained HTML page without JavaScript."""
    context = build_context(
        view, rules, lang=lang, history=history, previous=previous, edition=edition
    )
    return _render("html", "report.html.j2", context)


def write_report(
    view: RunView,
    rules: Sequence[RuleInfo],
    out_dir: Path,
    *,
    lang: str = "es",
    history: History | None = None,
    previous: RunView | None = None,
    edition: EditionScores | None = None,
) -> list[Path]:
    """Write index.md and index.html into `out_dir`, each atomically (temp file + rename).

    Both are rendered before either is written, so a rendering error leaves the
    previous report in place. `previous` adds what changed since that run; `edition`
    an earlier hand-scored edition beside this run (see `build_context`).
    """
    context = build_context(
        view, rules, lang=lang, history=history, previous=previous, edition=edition
    )
    markdown = _render("md", "report.md.j2", context)
    html = _render("html", "report.html.j2", context)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        atomic_write_text(out_dir / "index.md", markdown),
        atomic_write_text(out_dir / "index.html", html),
    ]

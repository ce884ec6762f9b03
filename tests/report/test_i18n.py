"""English report: complete catalogue, up-to-date template, translated labels and formats."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from tests.report.report_runs import FakeRule

from odaudit.report import render_html, render_markdown
from odaudit.store.view import RunView

PACKAGE = Path(__file__).parents[2] / "src" / "odaudit" / "report"
LOCALES = PACKAGE / "locales"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalog(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        return {str(m.id): str(m.string) for m in read_po(fh) if m.id}


def test_template_lists_every_string_in_the_code() -> None:
    found = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE),
            method_map=[("**.py", "python"), ("templates/**.j2", "jinja2")],
            options_map={"templates/**.j2": {"extensions": "jinja2.ext.i18n"}},
            keywords={**DEFAULT_KEYWORDS, "N_": None},
        )
    }
    assert found == set(_catalog(LOCALES / "messages.pot"))


def test_english_catalogue_is_complete_and_keeps_placeholders() -> None:
    english = _catalog(LOCALES / "en" / "LC_MESSAGES" / "messages.po")
    assert set(english) == set(_catalog(LOCALES / "messages.pot"))
    for msgid, msgstr in english.items():
        assert msgstr, f"untranslated: {msgid!r}"
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid


def test_markdown_in_english(run: RunView, rules: list[FakeRule]) -> None:
    md = render_markdown(run, rules, lang="en")
    assert md.startswith("# National Open Data Index — Guatemala\n\nMeasured on November 20, 2026")
    assert "**National score:** 41.2 / 100 (insufficient)" in md
    assert (
        "| Institution | Availability | Format | Licence | Freshness | Metadata | Coverage |" in md
    )
    assert "| 1 | **MINFIN** — Ministerio de Finanzas Públicas | 74.1 " in md
    assert "| Planilla de salarios | missing | — |" in md
    for spanish in ("Resumen ejecutivo", "Clasificación nacional", "Lista de trabajo", "Puntaje"):
        assert spanish not in md


def test_html_in_english(run: RunView, rules: list[FakeRule]) -> None:
    html = render_html(run, rules, lang="en")
    assert '<html lang="en">' in html
    assert '<h2 id="h-resumen">Executive summary</h2>' in html
    assert "<title>1. MINFIN — Ministerio de Finanzas Públicas: 74.1 (good)</title>" in html
    assert "Resumen ejecutivo" not in html

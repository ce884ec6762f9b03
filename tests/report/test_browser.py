"""The HTML report in a real browser (Debian chromium through Playwright).

Skipped only when ODAUDIT_SKIP_BROWSER=1: a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.report.report_runs import FakeRule, hostile_previous_run, previous_run

from odaudit.baseline import load_redciudadana
from odaudit.presets import load_preset, score_preset
from odaudit.report import EditionScores, write_report
from odaudit.store.view import RunView

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("ODAUDIT_SKIP_BROWSER") == "1", reason="ODAUDIT_SKIP_BROWSER=1"
    ),
]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield instance
        finally:
            instance.close()


class Visit:
    """A page opened on a report, with everything it tried to do recorded."""

    def __init__(self, browser: Any, path: Path, width: int = 1280) -> None:
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page_errors: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def test_hostile_report_is_inert_in_chromium(
    browser: Any, hostile: RunView, rules: list[FakeRule], tmp_path: Path
) -> None:
    write_report(hostile, rules, tmp_path)
    visit = Visit(browser, tmp_path / "index.html")
    page = visit.page
    assert page.locator("#sec-clasificacion table").is_visible()
    assert page.locator("#sec-clasificacion table tbody tr").count() == 2
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
    assert visit.dialogs == []
    assert visit.page_errors == []
    assert [c for c in visit.console if c.startswith("error")] == []
    assert visit.requests and all(u.startswith("file://") for u in visit.requests)
    # the hostile title is on screen as text
    assert "<script>window.__pwned=1;alert(1)</script>" in page.inner_text("#EVIL-h")
    shot = tmp_path / "hostile.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()


def test_report_fits_a_phone_screen(
    browser: Any, run: RunView, rules: list[FakeRule], tmp_path: Path
) -> None:
    write_report(run, rules, tmp_path)
    visit = Visit(browser, tmp_path / "index.html", width=390)
    page = visit.page
    # wide tables scroll inside their wrapper; the page itself never scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    wrap = page.locator("#sec-clasificacion .table-wrap")
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
    assert page.locator("#MINFIN svg.chart").is_visible()
    assert [c for c in visit.console if c.startswith("error")] == []
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    page.close()


def test_print_layout_renders(
    browser: Any, run: RunView, rules: list[FakeRule], tmp_path: Path
) -> None:
    write_report(run, rules, tmp_path)
    visit = Visit(browser, tmp_path / "index.html")
    page = visit.page
    page.emulate_media(media="print")
    assert page.locator("nav.toc").is_hidden()
    assert page.locator("#sec-mapa table").is_visible()
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")
    page.close()


BASELINE = (
    Path(__file__).parents[1] / "fixtures" / "baseline" / "redciudadana_2021_datosabiertos.json"
)


def _edition(view: RunView) -> EditionScores:
    return EditionScores(
        load_redciudadana(BASELINE), score_preset(view, load_preset("redciudadana-2021"))
    )


def test_changes_and_2021_edition_in_chromium(
    browser: Any, run: RunView, hostile: RunView, rules: list[FakeRule], tmp_path: Path
) -> None:
    write_report(run, rules, tmp_path, previous=previous_run(), edition=_edition(run))
    visit = Visit(browser, tmp_path / "index.html", width=390)
    page = visit.page
    assert page.locator("#sec-cambios").is_visible() and page.locator("#sec-edicion").is_visible()
    assert "▲ +4,1" in page.inner_text("#sec-clasificacion table")
    assert "Planilla de salarios" in page.inner_text("#cambios-MINFIN")
    assert page.locator("#sec-edicion table tbody tr").count() == 31 + 31
    # the wide 2021 table scrolls inside its wrapper; the page never scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("nav.toc a[href='#sec-edicion']")
    assert page.evaluate("location.hash") == "#sec-edicion"
    assert [c for c in visit.console if c.startswith("error")] == [] and visit.page_errors == []
    page.close()

    out = tmp_path / "hostile"
    write_report(hostile, rules, out, previous=hostile_previous_run(), edition=_edition(hostile))
    visit = Visit(browser, out / "index.html")
    page = visit.page
    assert "<script>window.__pwned=1;alert(1)</script>" in page.inner_text("#cambios-EVIL")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
    assert visit.dialogs == [] and visit.page_errors == []
    assert visit.requests and all(u.startswith("file://") for u in visit.requests)
    page.close()

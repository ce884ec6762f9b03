"""The HTML report: structure, numbers, accessibility basics, and hostile content."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import pairwise

from tests.report.report_runs import FakeRule

from odaudit.report import render_html
from odaudit.store.view import RunView

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


class Page(HTMLParser):
    """Every element with its attributes, the text of each heading, and the comments."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[int, str]] = []
        self.comments: list[str] = []
        self.text: list[str] = []
        self._heading: int | None = None
        self._buffer: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._buffer = int(tag[1]), []

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == f"h{self._heading}":
            self.headings.append((self._heading, "".join(self._buffer).strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            self._buffer.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def test_page_is_self_contained_without_script(run: RunView, rules: list[FakeRule]) -> None:
    html = render_html(run, rules)
    page = Page(html)
    assert html.startswith('<!DOCTYPE html>\n<html lang="es">')
    metas = page.all("meta")
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in metas
    assert {"charset": "utf-8"} in metas
    names = {name for name, _ in page.tags}
    assert not names & {"script", "link", "iframe", "object", "embed", "img", "base", "form"}
    assert len(page.all("style")) == 1 and "@media print" in html
    for _, attrs in page.tags:
        assert not [a for a in attrs if a.startswith("on")]
        assert "style" not in attrs  # inline style attributes would need 'unsafe-inline' anyway
        for key in ("src", "srcset", "action", "formaction", "xlink:href"):
            assert key not in attrs


def test_headings_are_in_order(run: RunView, rules: list[FakeRule]) -> None:
    page = Page(render_html(run, rules))
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in pairwise(levels))
    assert [t for lvl, t in page.headings if lvl == 2] == [
        "Resumen ejecutivo",
        "Clasificación nacional",
        "Mapa de calor: instituciones × dimensiones",
        "Instituciones",
        "Metodología",
        "Datos de la ejecución",
    ]
    assert [t for lvl, t in page.headings if lvl == 3] == [
        "MINFIN — Ministerio de Finanzas Públicas",
        "SEGEPLAN — Secretaría de Planificación y Programación de la Presidencia",
        "CONRED — Coordinadora Nacional para la Reducción de Desastres",
    ]


def test_tables_have_scoped_headers(run: RunView, rules: list[FakeRule]) -> None:
    page = Page(render_html(run, rules))
    ths = page.all("th")
    assert ths and all(th.get("scope") in ("col", "row") for th in ths)


def test_institution_anchors_and_charts(run: RunView, rules: list[FakeRule]) -> None:
    html = render_html(run, rules)
    page = Page(html)
    ids = [a["id"] for _, a in page.tags if a.get("id")]
    assert len(ids) == len(set(ids))
    assert {"MINFIN", "SEGEPLAN", "CONRED"} <= set(ids)
    svgs = page.all("svg")
    assert len(svgs) == 1 + 3  # ranking + one dimension chart per institution
    for svg in svgs:
        assert svg["role"] == "img" and svg.get("aria-labelledby")
        for ident in (svg["aria-labelledby"] or "").split():
            assert ident in ids
    assert "<title>1. MINFIN — Ministerio de Finanzas Públicas: 74,1 (bueno)</title>" in html
    assert (
        '<desc id="rk-d">1. MINFIN: 74,1 (bueno); 2. SEGEPLAN: 71,9 (bueno); 3. CONRED: 0,0 (insuficiente)</desc>'
        in html
    )
    # bar lengths are proportional to the score (400 px for 100)
    assert 'width="296.4"' in html  # 74.1 × 4
    assert "<title>Licencia: 83,3 (bueno)</title>" in html


def test_numbers_and_sections(run: RunView, rules: list[FakeRule]) -> None:
    text = " ".join(" ".join(Page(render_html(run, rules)).text).split())
    assert "Puntaje nacional 41,2 / 100 insuficiente" in text
    assert "Instituciones evaluadas 3" in text and "Recursos 7" in text
    assert "Error: 6 Advertencia: 4 Nota: 1" in text
    assert "Instituciones sin fuente de datos (1): CONRED — Coordinadora Nacional" in text
    assert (
        "1 MINFIN Ministerio de Finanzas Públicas 74,1 bueno 3 95,6 80,0 83,3 91,7 96,7 50,0"
        in text
    )
    assert "ckan https://datos.segeplan.gob.gt bloqueada 0 0 HTTP 403" in text
    assert "Planilla de salarios no encontrado —" in text
    assert "LI001 Sin licencia Error Deuda pública El conjunto no declara licencia." in text
    assert "sha256 " + "a" * 64 in text


def test_heatmap_cells_carry_text_and_band_class(run: RunView, rules: list[FakeRule]) -> None:
    html = render_html(run, rules)
    heat = html.split('<table class="heat">')[1].split("</table>")[0]
    assert '<td class="l2" title="SEGEPLAN · Licencia: 50,0">50,0</td>' in heat
    assert '<td class="lna" title="CONRED · Disponibilidad: —">—</td>' in heat
    assert '<td class="l3" title="CONRED · Cobertura: 0,0">0,0</td>' in heat


def test_hostile_content_is_escaped_everywhere(hostile: RunView, rules: list[FakeRule]) -> None:
    html = render_html(hostile, rules)
    page = Page(html)
    assert "<script" not in html.lower()
    assert "<img" not in html.lower() and "<iframe" not in html.lower()
    assert html.count("<svg") == 1 + 2 and html.count("</svg>") == 3
    assert not page.comments
    for _, attrs in page.tags:
        assert not [a for a in attrs if a.startswith("on")]
    hrefs = [a["href"] or "" for a in page.all("a")]
    assert hrefs
    for href in hrefs:
        assert href.startswith(("#", "https://", "http://")), href
    # the hostile text is shown to the reader verbatim
    text = "".join(page.text)
    assert "<script>window.__pwned=1;alert(1)</script>" in text
    assert "javascript:alert(document.cookie)" in text  # the website as text, not as a link
    assert "[haga clic](javascript:alert(1))" in text


def test_lang_attribute_follows_the_language(run: RunView, rules: list[FakeRule]) -> None:
    assert '<html lang="en">' in render_html(run, rules, lang="en")

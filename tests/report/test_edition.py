"""The 2021 Red Ciudadana edition beside this run scored with the redciudadana-2021 preset."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.report.report_runs import MD_TABLE, XSS_IMG, XSS_SCRIPT, FakeRule
from tests.report.test_html import Page
from tests.report.test_markdown import MD, _cells, _Elements, _section, _tables

from odaudit.baseline import BaselineEdition, BaselineEntry, load_redciudadana
from odaudit.models import InstitutionScore, ScoreCard
from odaudit.report import EditionScores, build_context, render_html, render_markdown
from odaudit.store.view import RunView

FIXTURE = (
    Path(__file__).parents[1] / "fixtures" / "baseline" / "redciudadana_2021_datosabiertos.json"
)
SECTION_ES = "## Comparación con el Índice 2021 \\(Red Ciudadana\\)"
UNSEEN = ["Recoleccion_y_produccion_de_datos", "Gobernanza"]


def _card() -> ScoreCard:
    """This run as the preset would score it (by hand, so the numbers are known)."""

    def inst(code: str, score: float, **dims: float) -> InstitutionScore:
        return InstitutionScore(code, code.title(), dims, None, None, score, "", 0)

    return ScoreCard(
        methodology="Red Ciudadana 2021",
        methodology_version="redciudadana-2021/odaudit-1",
        rules_hash="e" * 64,
        national_score=2.3,
        national_band="bajo",
        institutions=[
            inst(
                "MINFIN",
                5.0,
                Disponibilidad_en_linea=3.0,
                Plataformas=8.0,
                Acceso=8.0,
                Periodicidad_de_actualizacion=0.0,
                Licencia=3.0,
                Formatos=5.0,
                Legibilidad=5.0,
            ),
            inst("SEGEPLAN", 2.0, Plataformas=4.0, Acceso=3.0),
            inst("CONRED", 0.0, Plataformas=0.0),
        ],
        datasets=[],
        scale_max=8.0,
        not_observed=list(UNSEEN),
    )


@pytest.fixture
def edition() -> EditionScores:
    return EditionScores(load_redciudadana(FIXTURE), _card())


def test_no_edition_no_section(run: RunView, rules: list[FakeRule]) -> None:
    assert build_context(run, rules).edition is None
    assert "Red Ciudadana" not in render_markdown(run, rules)
    html = render_html(run, rules)
    assert "sec-edicion" not in html and "Red Ciudadana" not in html


def test_composite_side_by_side(
    run: RunView, rules: list[FakeRule], edition: EditionScores
) -> None:
    md = render_markdown(run, rules, edition=edition)
    section = _section(md, SECTION_ES)
    rows = [line for line in section.splitlines() if line.startswith("| **")]
    # both editions first, then this run's only, then those no longer audited (28 of 30)
    assert rows[:4] == [
        "| **MINFIN** — Minfin | 7 | 5 | ▼ -2 | — |",
        "| **SEGEPLAN** — Segeplan | 3 | 2 | ▼ -1 | — |",
        "| **CONRED** — Conred | — | 0 | — | no evaluada en 2021 |",
        "| **CIV** — Ministerio de Comunicaciones, Infraestructura y Vivienda | 4 | — | — "
        "| no auditada en esta medición |",
    ]
    assert len(rows) == 31
    assert sum("no auditada en esta medición" in r for r in rows) == 28
    assert "en una escala de 0 a 8" in section and "redciudadana\\_2021\\_datosabiertos.json" in (
        section
    )
    assert "/work/" not in section  # the importer's folders are not published


def test_indicators_side_by_side(
    run: RunView, rules: list[FakeRule], edition: EditionScores
) -> None:
    section = _section(render_markdown(run, rules, edition=edition), SECTION_ES)
    assert (
        "| Institución | Recolección y producción de datos (no observable) "
        "| Disponibilidad en línea | Plataformas | Acceso | Periodicidad de actualización "
        "| Licencia | Formatos | Legibilidad | Gobernanza (no observable) |"
    ) in section
    assert (
        "| MINFIN | 7 → — | 7 → 3 | 8 → 8 | 7 → 8 | 8 → 0 | 7 → 3 | 7 → 5 | 7 → 5 | 8 → — |"
        in section
    )
    assert "| CONRED | — → — | — → — | — → 0 |" in section
    for table in _tables(section):
        assert len({_cells(row) for row in table}) == 1


def test_note_on_what_a_crawler_cannot_see(
    run: RunView, rules: list[FakeRule], edition: EditionScores
) -> None:
    ctx = build_context(run, rules, edition=edition)
    assert ctx.edition is not None
    assert ctx.edition.not_observed == ["Recolección y producción de datos", "Gobernanza"]
    notes = " ".join(ctx.edition.notes)
    assert "Un rastreador no puede observar Recolección y producción de datos, Gobernanza" in notes
    assert "personas que revisaron más que los portales de datos abiertos" in notes
    assert "Red Ciudadana 2021 redciudadana-2021/odaudit-1" in notes
    assert len(ctx.edition.not_audited) == 28
    assert (
        ctx.edition.not_audited[0]
        == "CIV — Ministerio de Comunicaciones, Infraestructura y Vivienda"
    )
    md = render_markdown(run, rules, edition=edition)
    assert "**No auditadas en esta medición (28):** CIV — Ministerio de Comunicaciones" in md


def test_edition_in_html_and_english(
    run: RunView, rules: list[FakeRule], edition: EditionScores
) -> None:
    html = render_html(run, rules, edition=edition)
    page = Page(html)
    assert "Comparación con el Índice 2021 (Red Ciudadana)" in [t for _, t in page.headings]
    section = html.split('id="sec-edicion"')[1].split("</section>")[0]
    assert '<a href="#MINFIN">MINFIN</a>' in section and '<a href="#CIV">' not in section
    assert '<td class="num"><span class="chg down">▼ -2</span></td>' in section
    assert '<th scope="col" class="unseen">Gobernanza<br>' in section
    text = " ".join(" ".join(page.text).split())
    assert "MINFIN 7 → — 7 → 3 8 → 8" in text
    english = render_markdown(run, rules, lang="en", edition=edition)
    section = _section(english, "## Comparison with the 2021 Index \\(Red Ciudadana\\)")
    assert "A crawler cannot observe Data collection and production, Governance" in section
    assert "| **CONRED** — Conred | — | 0 | — | not assessed in 2021 |" in section
    assert "**Not audited in this measurement (28):**" in section
    assert "| Institution | Data collection and production (not observable) |" in section


def test_hostile_edition_values_stay_text(run: RunView, rules: list[FakeRule]) -> None:
    hostile = BaselineEdition(
        edition="redciudadana-2021",
        title=XSS_SCRIPT,
        year=2021,
        scale_max=8.0,
        source="/tmp/" + MD_TABLE,
        sha256=XSS_IMG,
        entries=[
            BaselineEntry("X<B>", XSS_SCRIPT + " | " + MD_TABLE, "Indicador_2021", 3.0),
            BaselineEntry("X<B>", XSS_SCRIPT, XSS_IMG, 2.0),
        ],
    )
    scores = EditionScores(hostile, _card())
    md = render_markdown(run, rules, edition=scores)
    section = _section(md, SECTION_ES)
    assert "<script" not in section and "<img" not in section
    for table in _tables(section):
        assert len({_cells(row) for row in table}) == 1, table
    parser = _Elements()
    parser.feed(MD.render(md))
    assert not {tag for tag, _ in parser.tags} & {"script", "img", "b", "svg"}
    html = render_html(run, rules, edition=scores)
    assert "<script" not in html.lower() and "<img" not in html and "<B>" not in html
    assert "X&lt;B&gt;" in html and "&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;" in html

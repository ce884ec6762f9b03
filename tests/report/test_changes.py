"""What changed since the previous run: summary line, ranking column, changes section."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from tests.report.report_runs import (
    XSS_SCRIPT,
    FakeRule,
    hostile_previous_run,
    previous_run,
)
from tests.report.test_html import Page
from tests.report.test_markdown import MD, _cells, _Elements, _section, _tables

from odaudit.models import Finding, Severity
from odaudit.report import build_context, render_html, render_markdown
from odaudit.report.changes import MAX_CHANGE_GROUPS, MAX_CHANGE_ITEMS
from odaudit.store.view import DatasetView, RunView

CHANGES_ES = "## Cambios desde la medición anterior"


def _text(html: str) -> str:
    return " ".join(" ".join(Page(html).text).split())


def test_no_previous_run_no_changes(run: RunView, rules: list[FakeRule]) -> None:
    ctx = build_context(run, rules)
    assert ctx.changes is None and all(r.change is None for r in ctx.ranking)
    md = render_markdown(run, rules)
    assert "medición anterior" not in md and "| Cambio |" not in md
    html = render_html(run, rules)
    assert "sec-cambios" not in html and "medición anterior" not in html
    assert ">Cambio</th>" not in html and 'class="chg' not in html


def test_summary_line_has_the_national_change_and_counts(
    run: RunView, rules: list[FakeRule]
) -> None:
    md = render_markdown(run, rules, previous=previous_run())
    summary = _section(md, "## Resumen ejecutivo")
    assert (
        "- **Cambio desde la medición anterior** (ejecución 6, 20 de octubre de 2026): "
        "puntaje nacional 38,0 → 41,2 (▲ +3,2) · **Problemas nuevos:** 1 · "
        "**Problemas corregidos:** 1 · **Conjuntos añadidos:** 1 · **Conjuntos retirados:** 1 · "
        "**Conjuntos clave perdidos:** 1\n"
    ) in summary


def test_ranking_has_a_change_column_in_text(run: RunView, rules: list[FakeRule]) -> None:
    md = render_markdown(run, rules, previous=previous_run())
    ranking = _section(md, "## Clasificación nacional")
    assert "| # | Institución | Puntaje | Cambio | Nivel | Conjuntos |" in ranking
    assert "| 1 | **MINFIN** — Ministerio de Finanzas Públicas | 74,1 `███████░░░` | ▲ +4,1 |" in (
        ranking
    )
    assert "| **SEGEPLAN** — Secretaría" in ranking and "| \\= 0,0 | bueno |" in ranking
    assert all(len({_cells(r) for r in t}) == 1 for t in _tables(ranking))
    html = render_html(run, rules, previous=previous_run())
    assert '<td class="num"><span class="chg up">▲ +4,1</span></td>' in html
    assert '<td class="num"><span class="chg same">= 0,0</span></td>' in html


def test_a_drop_is_a_down_arrow(run: RunView, rules: list[FakeRule]) -> None:
    before = previous_run()
    assert before.scorecard is not None
    before.scorecard.institutions[1].score = 80.0  # SEGEPLAN now 71.9
    before.scorecard.national_score = 45.0
    ctx = build_context(run, rules, previous=before)
    assert ctx.changes is not None
    assert (ctx.changes.national.text, ctx.changes.national.direction) == ("▼ -3,8", "down")
    assert [(r.code, r.change.text if r.change else None) for r in ctx.ranking] == [
        ("MINFIN", "▲ +4,1"),
        ("SEGEPLAN", "▼ -8,1"),
        ("CONRED", "= 0,0"),
    ]


def test_changes_section_per_institution(run: RunView, rules: list[FakeRule]) -> None:
    md = render_markdown(run, rules, previous=previous_run())
    section = _section(md, CHANGES_ES)
    assert section.startswith("\nComparada con la ejecución 6 \\(20 de octubre de 2026\\).")
    rows = [line for line in section.splitlines() if line.startswith("| **")]
    assert rows == [
        "| **MINFIN** — Ministerio de Finanzas Públicas | 70,0 | 74,1 | ▲ +4,1 | 1 | 0 |",
        "| **SEGEPLAN** — Secretaría de Planificación y Programación de la Presidencia"
        " | 71,9 | 71,9 | \\= 0,0 | 0 | 1 |",
        "| **MINECO** — Ministerio de Economía (no auditada en esta medición)"
        " | 10,0 | — | no auditada | 0 | 0 |",
    ]
    minfin = section.split("**MINFIN — Ministerio de Finanzas Públicas**")[1].split("**SEGEPLAN")[0]
    assert minfin.strip().splitlines() == [
        "- Problema nuevo: **AV001** Recurso inaccesible (Error, 1×) — Ejecución presupuestaria 2026",
        "- Conjuntos añadidos: Compras y contrataciones",
        "- Conjuntos retirados: Series históricas 2019",
        "- Conjunto clave perdido: Planilla de salarios (encontrado → no encontrado)",
    ]
    assert (
        "- Problema corregido: **MD001** Descripción corta (Nota, 1×) — Informe de avance de metas"
        in section
    )
    assert "CONRED" not in section  # nothing changed there
    assert "Instituciones sin cambios: 1." in section


def test_changes_section_in_html(run: RunView, rules: list[FakeRule]) -> None:
    html = render_html(run, rules, previous=previous_run())
    page = Page(html)
    h2 = [t for lvl, t in page.headings if lvl == 2]
    assert h2[:4] == [
        "Resumen ejecutivo",
        "Clasificación nacional",
        "Mapa de calor: instituciones × dimensiones",
        "Cambios desde la medición anterior",
    ]
    assert '<li><a href="#sec-cambios">Cambios</a></li>' in html
    ids = [a["id"] for _, a in page.tags if a.get("id")]
    assert len(ids) == len(set(ids)) and "cambios-MINFIN" in ids
    section = html.split('id="sec-cambios"')[1].split("</section>")[0]
    text = _text(section)
    assert "MINFIN Ministerio de Finanzas Públicas 70,0 74,1 ▲ +4,1 1 0" in text
    assert "MINECO Ministerio de Economía (no auditada en esta medición) 10,0 — no auditada" in text
    assert "AV001 Recurso inaccesible Error 1× — Ejecución presupuestaria 2026" in text
    assert "Conjuntos clave perdidos: Planilla de salarios (encontrado → no encontrado)" in text
    assert '<a href="#MINFIN">MINFIN</a>' in section
    assert '<a href="#MINECO">' not in section  # no section to link to
    summary = _text(html.split('id="resumen-cambios"')[1].split("</div>\n</div>")[0])
    assert "Problemas nuevos 1 Problemas corregidos 1" in summary


def test_changes_in_english(run: RunView, rules: list[FakeRule]) -> None:
    md = render_markdown(run, rules, lang="en", previous=previous_run())
    assert "**Change since the previous measurement** (run 6, October 20, 2026): " in md
    assert "national score 38.0 → 41.2 (▲ +3.2) · **New problems:** 1" in md
    section = _section(md, "## Changes since the previous measurement")
    assert "- New problem: **AV001** Recurso inaccesible (Error, 1×)" in section
    assert "- Key dataset lost: Planilla de salarios (found → missing)" in section
    assert "(not audited in this measurement)" in section
    assert "medición" not in section
    html = render_html(run, rules, lang="en", previous=previous_run())
    assert '<a href="#sec-cambios">Changes</a>' in html


def test_another_methodology_compares_problems_not_scores(
    run: RunView, rules: list[FakeRule]
) -> None:
    before = previous_run()
    assert before.scorecard is not None
    before.scorecard.methodology = "Red Ciudadana 2021"
    before.scorecard.scale_max = 8.0
    md = render_markdown(run, rules, previous=before)
    summary = _section(md, "## Resumen ejecutivo")
    assert "puntaje nacional" not in summary and "**Problemas nuevos:** 1" in summary
    section = _section(md, CHANGES_ES)
    assert "no se puntuó con la misma metodología y escala \\(Red Ciudadana 2021\\)" in section
    assert "| **MINFIN** — Ministerio de Finanzas Públicas | — | 74,1 | — | 1 | 0 |" in section
    ctx = build_context(run, rules, previous=before)
    assert {r.change.text for r in ctx.ranking if r.change} == {"—"}


@pytest.mark.parametrize("unscored", ["previous", "current"])
def test_an_unscored_run_compares_problems_only(
    run: RunView, rules: list[FakeRule], unscored: str
) -> None:
    before = previous_run()
    if unscored == "previous":
        before.scorecard = None
    else:
        run.scorecard = None
    md = render_markdown(run, rules, previous=before)
    section = _section(md, CHANGES_ES)
    assert "Una de las dos mediciones no tiene puntajes" in section
    assert "misma metodología" not in section
    after = "74,1" if unscored == "previous" else "—"
    minfin = f"| **MINFIN** — Ministerio de Finanzas Públicas | — | {after} | — | 1 | 0 |"
    assert minfin in section and "**Problemas nuevos:** 1" in md


def test_groups_and_lists_are_capped(run: RunView, rules: list[FakeRule]) -> None:
    minfin = run.institutions[0]
    extra_rules = MAX_CHANGE_GROUPS + 3
    for n in range(extra_rules):
        minfin.findings.append(
            Finding(f"ZZ{n:03d}", Severity.WARNING, f"problema {n}", "MINFIN", evidence={})
        )
    base = minfin.datasets[2].dataset
    for n in range(MAX_CHANGE_ITEMS + 4):
        clone = DatasetView(type(base)(id=f"nuevo-{n:02d}", title=f"Nuevo {n:02d}"), {}, [])
        minfin.datasets.append(clone)
        clone.findings.append(
            Finding("FM001", Severity.WARNING, "Solo PDF.", "MINFIN", clone.dataset.id)
        )
    ctx = build_context(run, rules, previous=previous_run())
    assert ctx.changes is not None
    item = ctx.changes.institutions[0]
    assert item.code == "MINFIN" and item.n_new == 1 + extra_rules + MAX_CHANGE_ITEMS + 4
    assert len(item.new) == MAX_CHANGE_GROUPS and item.new_hidden == extra_rules + 2 - (
        MAX_CHANGE_GROUPS
    )
    # the most severe first, then the most frequent
    assert [g.code for g in item.new[:2]] == ["AV001", "FM001"]
    fm = item.new[1]
    assert (fm.count, fm.datasets, fm.more_datasets) == (
        MAX_CHANGE_ITEMS + 4,
        ["Nuevo 00", "Nuevo 01", "Nuevo 02"],
        MAX_CHANGE_ITEMS + 1,
    )
    assert len(item.added) == MAX_CHANGE_ITEMS and item.added_hidden == 5
    md = render_markdown(run, rules, previous=previous_run())
    section = _section(md, CHANGES_ES)
    assert f"- Problema nuevo: … y {item.new_hidden} reglas más" in section
    assert f"Nuevo 02 y {MAX_CHANGE_ITEMS + 1} más" in section
    assert "- Conjuntos añadidos: Compras y contrataciones, Nuevo 00," in section
    assert "Nuevo 08 y 5 más" in section


@pytest.fixture
def hostile_md(hostile: RunView, rules: list[FakeRule]) -> str:
    return render_markdown(hostile, rules, previous=hostile_previous_run())


def test_hostile_changes_stay_text_in_markdown(hostile_md: str) -> None:
    section = _section(hostile_md, CHANGES_ES)
    assert "<script" not in section and "<img" not in section and "<svg" not in section
    assert "Problema nuevo: **AV001**" in section
    assert "Conjuntos retirados: &lt;img src=x onerror=" in section
    assert "Conjunto clave perdido: a &#124; b &#124; c &#124; x &#124; y &#124; ---" in section
    assert "**&quot;" not in section and '**"&gt;&lt;script&gt;' in section  # gone institution
    for table in _tables(section):
        assert len({_cells(row) for row in table}) == 1, table
    parser = _Elements()
    parser.feed(MD.render(hostile_md))
    assert {tag for tag, _ in parser.tags} <= {
        *("h1", "h2", "h3", "h4", "p", "ul", "li", "strong", "code", "a"),
        *("table", "thead", "tbody", "tr", "th", "td"),
    }


def test_hostile_changes_are_escaped_in_html(hostile: RunView, rules: list[FakeRule]) -> None:
    html = render_html(hostile, rules, previous=hostile_previous_run())
    section = html.split('id="sec-cambios"')[1].split("</section>")[0]
    assert "<script" not in html.lower() and "<img" not in html and "<svg onload" not in section
    assert "&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;" in section
    assert 'id="cambios-EVIL"' in section
    assert "&lt;img src=x onerror=&#34;window.__pwned=1;alert(1)&#34;&gt;" in section
    page = Page(html)
    assert not {name for name, _ in page.tags} & {"script", "img", "iframe", "object"}
    assert all(not k.startswith("on") for _, attrs in page.tags for k in attrs)
    assert re.search(r'href="#&#34;', html) is None  # the gone institution has no link
    assert XSS_SCRIPT not in html


def test_the_changes_do_not_read_the_previous_runs_evidence(
    run: RunView, rules: list[FakeRule]
) -> None:
    """The report reads the run it compares with without evidence (`Store.load_run`)."""
    full = previous_run()
    assert any(f.evidence for i in full.institutions for f in i.all_findings())
    bare = previous_run()
    for inst in bare.institutions:
        inst.findings = [replace(f, evidence={}) for f in inst.findings]
        for dv in inst.datasets:
            dv.findings = [replace(f, evidence={}) for f in dv.findings]
    assert render_markdown(run, rules, previous=bare) == render_markdown(run, rules, previous=full)
    assert render_html(run, rules, previous=bare) == render_html(run, rules, previous=full)

"""The Markdown report: its sections and numbers, and what hostile content cannot do to it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from tests.report.report_runs import XSS_SCRIPT, FakeRule

from odaudit.report import render_markdown
from odaudit.store.view import RunView

MD = MarkdownIt("commonmark").enable("table")  # raw HTML on: anything we leak would render


def _section(text: str, heading: str) -> str:
    """The body under `heading` up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = text.index(heading + "\n")
    rest = text[start + len(heading) + 1 :]
    stop = re.search(rf"^#{{1,{len(level)}}} ", rest, re.M)
    return rest[: stop.start()] if stop else rest


def _tables(text: str) -> list[list[str]]:
    tables: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def test_summary_has_the_national_numbers(run: RunView, rules: list[FakeRule]) -> None:
    md = render_markdown(run, rules)
    assert md.startswith("# Índice Nacional de Datos Abiertos — Guatemala\n")
    assert "Medición del 20 de noviembre de 2026" in md
    summary = _section(md, "## Resumen ejecutivo")
    assert "**Puntaje nacional:** 41,2 / 100 (insuficiente)" in summary
    assert "**Instituciones evaluadas:** 3" in summary
    assert "**Conjuntos de datos:** 4 · **Recursos:** 7" in summary
    assert "**Hallazgos:** 11 (Error: 6; Advertencia: 4; Nota: 1)" in summary
    assert "**Fuentes que fallaron:** 1" in summary
    assert "sin fuente de datos (1):** CONRED — Coordinadora Nacional" in summary


def test_ranking_rows_follow_the_scorecard(run: RunView, rules: list[FakeRule]) -> None:
    ranking = _section(render_markdown(run, rules), "## Clasificación nacional")
    rows = [line for line in ranking.splitlines() if line.startswith("| ") and "**" in line]
    assert [r.split("**")[1] for r in rows] == ["MINFIN", "SEGEPLAN", "CONRED"]
    assert rows[0].startswith("| 1 | **MINFIN** — Ministerio de Finanzas Públicas | 74,1 ")
    assert "| bueno | 3 | 95,6 | 80,0 | 83,3 | 91,7 | 96,7 | 50,0 |" in rows[0]
    # an institution without datasets has no dimension scores, only coverage
    assert rows[2].endswith("| insuficiente | 0 | — | — | — | — | — | 0,0 |")


def test_heatmap_marks_each_cell_with_its_band(run: RunView, rules: list[FakeRule]) -> None:
    heat = _section(render_markdown(run, rules), "## Mapa de calor: instituciones × dimensiones")
    assert "| SEGEPLAN | 🟩 100,0 | 🟨 70,0 | 🟧 50,0 | 🟩 100,0 | 🟩 100,0 | 🟧 50,0 |" in heat
    assert "| CONRED | ⬜ — | ⬜ — | ⬜ — | ⬜ — | ⬜ — | 🟥 0,0 |" in heat


def test_institution_section(run: RunView, rules: list[FakeRule]) -> None:
    md = render_markdown(run, rules)
    minfin = _section(md, "### MINFIN — Ministerio de Finanzas Públicas")
    assert "**Puntaje:** 74,1 / 100 (bueno) · **Puesto:** 1" in minfin
    assert (
        "| ckan | [https://datos.minfin.gob.gt](https://datos.minfin.gob.gt) | respondió | 3 | 6 | — |"
        in minfin
    )
    assert "| Deuda pública | solo PDF | Deuda pública |" in minfin
    assert "| Planilla de salarios | no encontrado | — |" in minfin
    coverage = _section(minfin, "#### Conjuntos de datos clave")
    rows = [line.split(" | ")[1] for line in _tables(coverage)[0][2:]]
    assert rows == ["no encontrado", "solo PDF", "encontrado"]  # gaps first
    assert (
        "- ▲ [Compras y contrataciones](https://datos.minfin.gob.gt/dataset/compras): 100,0"
        in minfin
    )
    assert "- ▼ [Deuda pública](https://datos.minfin.gob.gt/dataset/deuda-publica): 76,8" in minfin
    datasets = _section(minfin, "#### Conjuntos de datos")
    assert (
        "| [Ejecución presupuestaria 2026](https://datos.minfin.gob.gt/dataset/"
        "ejecucion-presupuestaria-2026) | 3 | CSV, XLSX | Creative Commons Atribución 4.0 "
        "| 2026-10-31 | 94,0 |"
    ) in datasets
    segeplan = _section(
        md, "### SEGEPLAN — Secretaría de Planificación y Programación de la Presidencia"
    )
    assert "| bloqueada | 0 | 0 | HTTP 403: the portal refused automated access |" in segeplan
    conred = _section(md, "### CONRED — Coordinadora Nacional para la Reducción de Desastres")
    assert "no tiene ninguna fuente de datos abiertos registrada" in conred
    assert "No se encontró ningún conjunto de datos." in conred


def test_work_list_is_grouped_and_ordered_by_impact(run: RunView, rules: list[FakeRule]) -> None:
    md = render_markdown(run, rules)
    work = _section(
        _section(md, "### MINFIN — Ministerio de Finanzas Públicas"), "#### Lista de trabajo"
    )
    rows = [line for line in work.splitlines() if re.match(r"\| \d+ \|", line)]
    codes = [re.search(r"\*\*(\w+)\*\*", r).group(1) for r in rows]  # type: ignore[union-attr]
    # errors first (LI001 weighs 50 > AV001 40), then warnings (FM001 30×2 > FR002 25), then notes
    assert codes == ["LI001", "AV001", "FM001", "FR002", "MD001"]
    fm = rows[2]
    assert "| 2 | 60,0 |" in fm  # two PDF resources, one item
    assert "declared\\_format=PDF; content\\_type=application/pdf" in fm  # key facts first
    assert (
        "[https://datos.minfin.gob.gt/r/deuda-1.pdf](https://datos.minfin.gob.gt/r/deuda-1.pdf)"
        in fm
    )
    conred = _section(md, "### CONRED — Coordinadora Nacional para la Reducción de Desastres")
    assert "No se encontró: Albergues." in conred and "No se encontró: Alertas." in conred
    # coverage rules weigh nothing in the dimensions (coverage has its own share): no points
    assert "| Publique el conjunto clave. | 1 | — |" in conred


def test_methodology_and_manifest(run: RunView, rules: list[FakeRule]) -> None:
    md = render_markdown(run, rules)
    meth = _section(md, "## Metodología")
    assert "**odaudit Guatemala**, versión **2026.1**" in meth
    assert "\\(60%\\)" in meth and "\\(40%\\)" in meth and "cuenta 50%" in meth
    assert "| Disponibilidad | 30% |" in meth
    assert "| bueno | 70 |" in meth
    # rule summaries are written in English: the Spanish table shows the Spanish title only
    assert "| LI001 | Sin licencia | Licencia | Error | 50 |\n" in meth
    assert "Qué verifica" not in meth and "El conjunto no declara licencia." not in meth
    english = _section(render_markdown(run, rules, lang="en"), "## Methodology")
    assert "| LI001 | Sin licencia | Licence | Error | 50 | El conjunto no declara licencia. |" in (
        english
    )
    assert "| DV001 | Filas irregulares (desactivada) |" in meth  # ignored by the methodology
    manifest = _section(md, "## Datos de la ejecución")
    assert "**Ejecución:** 7 (completa)" in manifest
    assert "**Inicio:** 2026-11-20 08:00:00 UTC · **Fin:** 2026-11-20 09:12:30 UTC" in manifest
    assert "rules/default.yaml (sha256 " + "b" * 64 + ")" in manifest
    assert "odaudit run --institutions institutions.yaml --out reports/2026" in manifest


def test_every_table_keeps_its_column_count(hostile: RunView, rules: list[FakeRule]) -> None:
    md = render_markdown(hostile, rules)
    tables = _tables(md)
    assert len(tables) >= 8
    for table in tables:
        widths = {_cells(row) for row in table}
        assert len(widths) == 1, table
    html = MD.render(md)
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        header = len(re.findall(r"<th[ >]", table.split("</thead>")[0]))
        for body_row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
            assert len(re.findall(r"<td[ >]", body_row)) == header


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def test_hostile_content_stays_text(hostile: RunView, rules: list[FakeRule]) -> None:
    md = render_markdown(hostile, rules)
    assert "<script" not in md and "<img" not in md and "<!--" not in md and "<svg" not in md
    assert "](javascript" not in md.lower() and "](data:" not in md and "](vbscript" not in md
    parser = _Elements()
    parser.feed(MD.render(md))
    allowed = {
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "ul",
        "li",
        "strong",
        "code",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
    assert {tag for tag, _ in parser.tags} <= allowed
    assert not parser.comments
    hrefs = [dict(attrs)["href"] or "" for tag, attrs in parser.tags if tag == "a"]
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    # the hostile texts are still there for the reader, as text
    assert "&lt;script&gt;window.\\_\\_pwned=1;alert\\(1\\)&lt;/script&gt;" in md
    assert XSS_SCRIPT.replace("<", "&lt;") not in md  # never half-escaped


def test_unscored_run_still_renders(run: RunView, rules: list[FakeRule]) -> None:
    run.scorecard = None
    md = render_markdown(run, rules)
    assert "sin puntuar" in md
    assert "| — | **MINFIN** — Ministerio de Finanzas Públicas | — " in md


def test_hosts_that_set_the_pace_are_in_the_manifest(run: RunView, rules: list[FakeRule]) -> None:
    run.manifest.hosts = [
        {"host": "datos.example.gob.gt", "throttled": 3, "crawl_delay": 0.0, "slowed": True},
        {"host": "evil|host`*", "throttled": 0, "crawl_delay": 5.0, "slowed": False},
    ]
    md = render_markdown(run, rules)
    line = next(x for x in md.splitlines() if "Servidores que marcaron el ritmo" in x)
    assert "datos.example.gob.gt: 3 respuestas 429 \\(se bajó el ritmo\\)" in line
    assert "Crawl-delay de robots.txt: 5,0 s" in line
    assert "evil&#124;host\\`\\*" in line  # a hostile name stays text
    en = render_markdown(run, rules, lang="en")
    assert "Servers that set the pace" in en
    assert "3 answers 429 \\(the pace was lowered\\)" in en


def test_no_pace_line_when_no_host_slowed_the_crawl(run: RunView, rules: list[FakeRule]) -> None:
    run.manifest.hosts = []
    assert "Servidores que marcaron el ritmo" not in render_markdown(run, rules)

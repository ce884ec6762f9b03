"""DV: is each downloaded table clean enough to load without hand repair?

These rules read the table reports of `odaudit.validation` (passed to the runner as
`tables`, by resource URL); a resource without a report gets no DV finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from odaudit.checks.context import DatasetContext, ResourceView, label
from odaudit.checks.registry import Hit, rule
from odaudit.models import Severity

_UTF8 = frozenset({"utf-8", "utf_8", "utf-8-sig", "utf_8_sig", "utf8", "ascii"})

Extra = Callable[[Any], tuple[int, list[int], list[str]] | None]


def _reports(ctx: DatasetContext) -> Iterator[tuple[ResourceView, Any]]:
    seen: set[str] = set()
    for view in ctx.resources:
        url = view.resource.url
        report = ctx.tables.get(url) if url else None
        if report is not None and url not in seen:
            seen.add(url)
            yield view, report


def _problems(report: Any, hints: tuple[str, ...]) -> list[Any]:
    return [p for p in getattr(report, "problems", None) or () if p.code_hint in hints]


def _problem_rule(
    *,
    code: str,
    name: str,
    title: str,
    hints: tuple[str, ...],
    noun: str,
    severity: Severity,
    weight: float,
    summary: str,
    fix: str,
    what: str,
    why: str,
    example: str,
    extra: Extra | None = None,
    detail: Callable[[Any, int], str] | None = None,
) -> None:
    """Register a DV rule that reports the engine's problems of the given kinds."""

    def check(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
        for view, report in _reports(ctx):
            found = _problems(report, hints)
            count = sum(int(p.count) for p in found)
            rows = [r for p in found for r in p.rows][:10]
            columns = list(dict.fromkeys(c for p in found for c in p.columns))[:20]
            if not found and extra is not None:
                fallback = extra(report)
                if fallback is None:
                    continue
                count, rows, columns = fallback
            elif not found:
                continue
            said = detail(report, count) if detail is not None else f"{noun} ({count})"
            yield Hit(
                f"El recurso «{label(view.resource)}» tiene {said}.",
                {
                    "url": view.resource.url,
                    "kinds": sorted({p.code_hint for p in found}) or list(hints[:1]),
                    "count": count,
                    "rows": rows,
                    "columns": columns,
                    "details": [str(p.message)[:200] for p in found][:5],
                },
                view.resource.url,
            )

    rule(
        code=code,
        name=name,
        title=title,
        scope="resource",
        severity=severity,
        weight=weight,
        summary=summary,
        fix=fix,
        what=what,
        why=why,
        example=example,
    )(check)


def _encoding(report: Any) -> tuple[int, list[int], list[str]] | None:
    encoding = str(getattr(report, "encoding", "") or "").lower()
    if encoding and encoding not in _UTF8:
        return 1, [], []
    return None


def _footer(report: Any) -> tuple[int, list[int], list[str]] | None:
    rows = list(getattr(report, "footer_rows", None) or ()) + list(
        getattr(report, "total_rows", None) or ()
    )
    return (len(rows), rows[:10], []) if rows else None


_problem_rule(
    code="DV001",
    name="encoding-not-utf8",
    title="Codificación distinta de UTF-8",
    hints=("encoding",),
    noun="una codificación de caracteres distinta de UTF-8",
    severity=Severity.WARNING,
    weight=20,
    summary="A text table (CSV/TSV) is not encoded in UTF-8 (e.g. cp1252) or has undecodable bytes.",
    fix="Guarde el archivo como CSV UTF-8.",
    what="A CSV/TSV file whose detected encoding is not UTF-8 (Windows-1252, ISO-8859-x...), "
    "or whose bytes do not decode cleanly.",
    why="Tools assume UTF-8: accents and ñ turn into mojibake (`GualÃ¡n`) for every user.",
    example="MINEDUC's establishment registry exported as cp1252 with `;`: DV001.",
    extra=_encoding,
    detail=lambda report, count: (
        f"una codificación distinta de UTF-8 ({str(getattr(report, 'encoding', '') or '?')[:30]})"
    ),
)
_problem_rule(
    code="DV002",
    name="title-rows-above-header",
    title="Filas de título sobre el encabezado",
    hints=("title-rows",),
    noun="filas de título o notas encima del encabezado",
    severity=Severity.WARNING,
    weight=20,
    summary="Title, notes or summary rows sit above the real header row.",
    fix="Deje el encabezado en la primera fila; mueva títulos y notas a los metadatos.",
    what="A table whose real header is not on the first row: titles, search-form labels or a "
    "summary table come first.",
    why="Every tool takes row 1 as the header; users must cut rows by hand before loading.",
    example="TSE 2023 results: header at line 6 under a title and a summary table: DV002.",
)
_problem_rule(
    code="DV003",
    name="bad-header",
    title="Encabezado vacío o duplicado",
    hints=("blank-label", "duplicate-label"),
    noun="columnas sin nombre o con nombre repetido",
    severity=Severity.WARNING,
    weight=30,
    summary="Header cells that are blank or repeated.",
    fix="Dé a cada columna un nombre único y no vacío.",
    what="A header with blank cells or duplicate column names.",
    why="Columns without a unique name cannot be addressed by name in any tool.",
    example="`CODIGO;;DISTRITO` (a blank second label): DV003.",
)
_problem_rule(
    code="DV004",
    name="blank-rows",
    title="Filas en blanco",
    hints=("blank-row",),
    noun="filas en blanco dentro de la tabla",
    severity=Severity.INFO,
    weight=10,
    summary="Blank rows inside or after the data.",
    fix="Elimine las filas vacías.",
    what="Rows with no value at all between or after the data rows (including hundreds of "
    "trailing blank rows declared by a spreadsheet).",
    why="Blank rows break row counts and are read as missing records.",
    example="INE Censo 2018 cuadro A5: 659 trailing blank rows: DV004.",
)
_problem_rule(
    code="DV005",
    name="ragged-rows",
    title="Filas con celdas de más o de menos",
    hints=("extra-cell", "missing-cell"),
    noun="filas con un número de celdas distinto del encabezado",
    severity=Severity.WARNING,
    weight=30,
    summary="Rows with more or fewer cells than the header.",
    fix="Revise la exportación: cada fila debe tener tantas celdas como columnas.",
    what="Rows whose number of cells differs from the header's (extra or missing cells).",
    why="Ragged rows shift values into the wrong columns or are dropped by parsers.",
    example="frictionless `invalid.csv`: missing cells in rows 2-3, an extra cell in row 5: DV005.",
)
_problem_rule(
    code="DV006",
    name="type-errors",
    title="Valores que no coinciden con el tipo de la columna",
    hints=("type-error",),
    noun="valores que no coinciden con el tipo de su columna",
    severity=Severity.WARNING,
    weight=30,
    summary="Cells whose value does not match the type inferred for their column.",
    fix="Use un solo tipo por columna (números sin texto, fechas en un solo formato).",
    what="Cells that do not parse as the type most of their column has (a text in a numeric "
    "column, a malformed date).",
    why="One bad cell turns a numeric column into text for every analysis.",
    example="An `id` column with the value `x` in row 12: DV006.",
)
_problem_rule(
    code="DV007",
    name="footer-or-total-rows",
    title="Filas de totales o pie de página",
    hints=("footer-rows",),
    noun="filas de totales o de pie de página mezcladas con los datos",
    severity=Severity.WARNING,
    weight=20,
    summary="Totals rows or footer text (counts, copyright) inside the table.",
    fix="Publique solo registros; los totales y notas van en los metadatos.",
    what="Rows after the data that are totals (`Total`, a `=SUM()` row) or footer text "
    '("135 Establecimientos encontrados", a copyright line).',
    why="Totals rows double-count every sum; footers become bogus records.",
    example="MINEDUC export ending with `135 Establecimientos encontrados` and a copyright: DV007.",
    extra=_footer,
)
_problem_rule(
    code="DV008",
    name="null-markers",
    title="Marcadores de dato faltante",
    hints=("null-marker",),
    noun="marcadores de dato faltante como «--», «-» o «s.d.»",
    severity=Severity.INFO,
    weight=15,
    summary='Placeholder values such as "--", "-", "s.d." used for missing data.',
    fix="Deje vacías las celdas sin dato y documente su significado.",
    what='Cells holding a placeholder for missing data ("--", "-", "s.d.", "N/A") instead of '
    "being empty.",
    why="Placeholders break numeric columns and are ambiguous (zero? unknown?).",
    example="TSE 2023 results: `--` in IMPUGNACIONES (324 cells): DV008.",
)


@rule(
    code="DV009",
    name="table-not-parseable",
    title="Tabla ilegible o vacía",
    scope="resource",
    severity=Severity.ERROR,
    weight=100,
    summary="The downloaded table cannot be parsed, or holds no data rows.",
    fix="Publique un archivo tabular válido con al menos una fila de datos.",
    what="A resource whose table report says it could not be read (corrupt workbook, "
    "undetectable structure) or that it has zero data rows.",
    why="A file that does not open, or opens empty, delivers no data.",
    example="frictionless `empty.csv` (0 bytes): DV009.",
)
def table_not_parseable(ctx: DatasetContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    for view, report in _reports(ctx):
        parseable = bool(getattr(report, "parseable", False))
        rows = int(getattr(report, "n_rows", 0) or 0)
        hinted = _problems(report, ("not-parseable", "empty-table"))
        if parseable and rows > 0 and not hinted:
            continue
        reason = str(getattr(report, "error", "") or "") or (
            "sin filas de datos" if parseable else "no se pudo leer"
        )
        yield Hit(
            f"La tabla del recurso «{label(view.resource)}» no se puede usar: {reason[:200]}.",
            {
                "url": view.resource.url,
                "parseable": parseable,
                "n_rows": rows,
                "format": str(getattr(report, "format", "")),
                "error": reason[:500],
            },
            view.resource.url,
        )

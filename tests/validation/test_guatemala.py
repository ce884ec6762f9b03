"""Real Guatemalan files: what PROVENANCE.md says a correct auditor must find in each."""

from __future__ import annotations

import json

from odaudit.validation import inspect_table

from .conftest import fx

MINEDUC = {
    "gt_mineduc_establecimientos_diversificado_ZACAPA.csv": 135,
    "gt_mineduc_establecimientos_diversificado_ALTA-VERAPAZ.csv": 424,
    "gt_mineduc_establecimientos_diversificado_TOTONICAPAN.csv": 109,
}
TSE = "gt_tse_resultados2023_diputados-distritales_por-mesa_e3d04_el-progreso.csv"


def test_mineduc_exports_title_block_header_footer() -> None:
    for name, establishments in MINEDUC.items():
        r = inspect_table(fx(name))
        assert r.encoding == "cp1252", name
        assert r.delimiter == ";"
        assert r.header_row == 27
        assert r.labels[0] == "CODIGO" and r.n_columns == 20
        assert r.n_rows == establishments, name  # the footer's own count
        title = r.problem("title-rows")
        assert title is not None and title.count == 26
        blank = r.problem("blank-label")
        assert blank is not None and blank.count == 3
        assert r.problem("encoding") is not None
        assert len(r.footer_rows) == 2  # "N Establecimientos encontrados", copyright line
        first_footer = 27 + establishments + 3  # two blank rows, then the count line
        assert r.footer_rows[0] == first_footer, name


def test_mineduc_director_markers_and_empty_columns() -> None:
    r = inspect_table(fx("gt_mineduc_establecimientos_diversificado_ZACAPA.csv"))
    markers = {c.column: c.detail for c in r.null_markers}
    assert markers["DIRECTOR"] == {"--": 1, "---": 1}
    empty = r.problem("empty-column")
    assert empty is not None and empty.columns == ["column 2", "column 19", "column 20"]


def test_tse_bom_summary_block_and_null_markers() -> None:
    r = inspect_table(fx(TSE))
    assert r.bom and r.encoding == "utf-8-sig"
    assert r.header_row == 6
    assert r.n_columns == 42 and r.n_rows == 346
    assert r.labels[6] == "PADRÓN"
    markers = {c.column: c.count for c in r.null_markers}
    assert markers["IMPUGNACIONES"] == 324
    assert markers["INVÁLIDOS"] == 13
    assert markers["TOTAL"] == 9
    assert markers["PAPELETAS-RECIBIDAS"] + markers["PAPELETAS-NO-USADAS"] == 15
    assert r.column_types["FECHA_HORA_PUBLICACIÓN"] == "datetime-dmy"
    assert r.problem("type-error") is None  # "--" is a marker, not a type error
    assert r.problem("encoding") is None


def test_censo_xlsx_trailing_rows_blank_labels_dash_markers() -> None:
    r = inspect_table(fx("gt_ine-censo2018_cuadroA5_poblacion_por_pueblos_redciudadana.xlsx"))
    assert r.format == "xlsx" and r.n_rows == 340
    (sheet,) = r.sheets
    assert sheet.name == "A5_2" and sheet.trailing_blank_rows == 659
    assert sheet.trailing_blank_columns == 14
    assert r.problem("blank-row").count == 659  # type: ignore[union-attr]
    assert r.problem("blank-label").count == 14  # type: ignore[union-attr]
    assert sum(c.count for c in r.null_markers) == 101
    assert {m for c in r.null_markers for m in c.detail} == {"-"}
    spaces = r.problem("label-spaces")
    assert spaces is not None and "Municipio" in spaces.columns


def test_pobreza_sd_markers() -> None:
    r = inspect_table(fx("gt_indice_pobreza_multidimensional_redciudadana.xlsx"))
    assert sum(c.count for c in r.null_markers) == 1020
    assert {m for c in r.null_markers for m in c.detail} == {"s.d."}


def test_formula_workbooks() -> None:
    for name, formulas in [
        ("gt_segeplan_ranking_municipal_redciudadana.xlsx", 340),
        ("gt_acceso_informacion_publica_municipal_redciudadana.xlsx", 340),
        ("gt_maga_ejecucion-presupuestaria_sicoin-derivado.xlsx", 312),
    ]:
        r = inspect_table(fx(name))
        assert r.formulas == formulas, name
        assert r.problem("formulas").count == formulas  # type: ignore[union-attr]


def test_maga_three_sheets_padded_headers() -> None:
    r = inspect_table(fx("gt_maga_ejecucion-presupuestaria_sicoin-derivado.xlsx"))
    assert [s.name for s in r.sheets] == ["UNI EJE", "UniEjeYGru_Gas", "MINISTERIOS"]
    assert sum(s.inspected for s in r.sheets) == 1
    assert "Asignado" in r.problem("label-spaces").columns  # type: ignore[union-attr]


def test_two_sheet_workbook_empty_columns() -> None:
    r = inspect_table(fx("gt_datos_municipales_2hojas_redciudadana.xlsx"))
    assert [s.name for s in r.sheets] == ["final", "tutoriales"]
    empty = r.problem("empty-column")
    assert empty is not None
    assert empty.columns == ["fundacion", "telefono", "email", "web", "twitter", "facebook"]


def test_reports_are_json_serialisable() -> None:
    for name in [TSE, "gt_segeplan_ranking_municipal_redciudadana.xlsx", "empty.csv"]:
        d = inspect_table(fx(name)).to_dict()
        assert json.loads(json.dumps(d))["path"].endswith(name)


def test_maga_unlabelled_sum_totals_row() -> None:
    r = inspect_table(fx("gt_maga_ejecucion-presupuestaria_sicoin-derivado.xlsx"))
    sheets = {s.name: s for s in r.sheets}
    assert sheets["MINISTERIOS"].total_rows == [16]  # =SUM(B2:B15), no label
    assert sheets["UNI EJE"].total_rows == []
    footer = r.problem("footer-rows")
    assert footer is not None and footer.columns == ["MINISTERIOS"]


def test_row_averages_are_not_totals_rows() -> None:
    r = inspect_table(fx("gt_segeplan_ranking_municipal_redciudadana.xlsx"))
    assert r.sheets[0].total_rows == []  # =AVERAGE(E2:G2) on every row
    assert r.problem("footer-rows") is None

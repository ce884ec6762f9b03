"""The newest date inside the data (for FR005): which columns count, over the whole file."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from odaudit.validation import inspect_table
from odaudit.validation.restore import report_from_dict

from .conftest import fx

NOW = datetime(2024, 3, 10, 15, 0)
TSE = "gt_tse_resultados2023_diputados-distritales_por-mesa_e3d04_el-progreso.csv"
MINEDUC = (
    "gt_mineduc_establecimientos_diversificado_ZACAPA.csv",
    "gt_mineduc_establecimientos_diversificado_ALTA-VERAPAZ.csv",
    "gt_mineduc_establecimientos_diversificado_TOTONICAPAN.csv",
)


def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_tse_newest_publication_date() -> None:
    r = inspect_table(fx(TSE), now=NOW)
    assert r.newest_date == "2023-06-26"  # dd/mm/yyyy HH:MM:SS, latest 26/06/2023 05:47:25
    assert r.newest_date_column == "FECHA_HORA_PUBLICACIÓN"


@pytest.mark.parametrize("name", MINEDUC)
def test_mineduc_has_no_date_column(name: str) -> None:
    r = inspect_table(fx(name), now=NOW)
    assert r.parseable and r.n_rows > 100
    assert r.newest_date is None and r.newest_date_column is None


def test_budget_year_and_month_columns(tmp_path: Path) -> None:
    rows = ["Ejercicio fiscal 2023 (cifras en quetzales)", "", "anio,mes,programa,devengado"]
    rows += [f"2022,{m},Salud,{m * 100}" for m in range(1, 13)]
    rows += ["2023,enero,Salud,10", "2023,Febrero,Educación,20", "2023,1,Salud,30"]
    r = inspect_table(_csv(tmp_path, "\n".join(rows) + "\n"), now=NOW)
    # The pair counts, not each column's own maximum (which would be 2023-12).
    assert r.newest_date == "2023-02-28"
    assert r.newest_date_column == "anio + mes"


def test_year_month_current_month_capped_and_future_month_ignored(tmp_path: Path) -> None:
    text = "AÑO,MES,monto\n2024,1,5\n2024,3,6\n2024,4,7\n2031,1,8\n"
    r = inspect_table(_csv(tmp_path, text), now=NOW)
    assert r.newest_date == "2024-03-10"  # March has begun but cannot be newer than today


def test_year_month_hostile_values_are_skipped(tmp_path: Path) -> None:
    text = "anio,mes,x\n2023,13,1\nnan,1,2\n1e400,2,3\n2023,inf,4\n2023,0,5\n2022,12,6\n"
    r = inspect_table(_csv(tmp_path, text), now=NOW)
    assert r.parseable and r.newest_date == "2022-12-31"


def test_year_month_not_used_when_a_date_column_exists(tmp_path: Path) -> None:
    text = "anio,mes,fecha_pago\n2024,2,2023-05-01\n2024,1,2023-06-30\n"
    r = inspect_table(_csv(tmp_path, text), now=NOW)
    assert (r.newest_date, r.newest_date_column) == ("2023-06-30", "fecha_pago")


def test_birth_foundation_expiry_columns_ignored(tmp_path: Path) -> None:
    lines = ["dpi_hash,fecha_nacimiento,Fecha de Fundación,vencimiento_licencia,fecha_registro"]
    for i in range(1, 29):
        lines.append(f"h{i},2023-12-{i:02d},2023-11-{i:02d},2024-01-{i:02d},2019-05-{i:02d}")
    r = inspect_table(_csv(tmp_path, "\n".join(lines) + "\n"), now=NOW)
    assert r.column_types["fecha_nacimiento"] == "date"  # typed, yet not the data's period
    assert (r.newest_date, r.newest_date_column) == ("2019-05-28", "fecha_registro")


def test_future_typo_ignored_but_tomorrow_kept(tmp_path: Path) -> None:
    base = [f"{i},2023-0{1 + i % 9}-15" for i in range(40)]
    typo = _csv(tmp_path, "id,fecha\n" + "\n".join([*base, "99,2203-05-01"]) + "\n", "a.csv")
    assert inspect_table(typo, now=NOW).newest_date == "2023-09-15"
    tomorrow = _csv(tmp_path, "id,fecha\n" + "\n".join([*base, "98,2024-03-11"]) + "\n", "b.csv")
    assert inspect_table(tomorrow, now=NOW).newest_date == "2024-03-11"
    later = _csv(tmp_path, "id,fecha\n" + "\n".join([*base, "97,2024-03-12"]) + "\n", "c.csv")
    assert inspect_table(later, now=NOW).newest_date == "2023-09-15"


def test_day_first_formats_and_invalid_cells(tmp_path: Path) -> None:
    lines = ["id,fecha_corte"] + [f"{i},{1 + i % 28:02d}-0{1 + i % 9}-2022" for i in range(50)]
    lines += ["90,31-02-2023", "91,n/d", "92,5-1-2023"]  # an impossible date, a marker
    r = inspect_table(_csv(tmp_path, "\n".join(lines) + "\n"), now=NOW)
    assert r.column_types["fecha_corte"] == "date-dmy"
    assert r.newest_date == "2023-01-05"
    slash = _csv(tmp_path, "id,f\n1,02/01/2021 10:00:00\n2,3/1/2021 9:05\n", "s.csv")
    assert inspect_table(slash, now=NOW).newest_date == "2021-01-03"


def test_iso_column_with_type_errors_sorting_above_dates(tmp_path: Path) -> None:
    # "31/02/2023" and "s/d" sort after every ISO date as strings: the maximum must skip them.
    lines = ["id,fecha"] + [f"{i},2021-{1 + i % 12:02d}-01" for i in range(60)]
    lines += ["70,31/02/2023", "71,s/d", "72,2021-13-45"]
    r = inspect_table(_csv(tmp_path, "\n".join(lines) + "\n"), now=NOW)
    assert r.newest_date == "2021-12-01"


def test_excel_date_cells(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["municipio", "fecha_nacimiento", "fecha_actualizacion"])
    for i in range(1, 20):
        ws.append([f"m{i}", date(2023, 12, i), datetime(2022, 7, i, 8, 30)])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    r = inspect_table(path, now=NOW)
    assert r.format == "xlsx"
    assert (r.newest_date, r.newest_date_column) == ("2022-07-19", "fecha_actualizacion")


def _big(path: Path, n: int) -> None:
    lines = ["id,fecha,FECHA_NACIMIENTO,nota"]
    for i in range(n):
        day = f"{1 + i % 28:02d}/0{1 + i % 9}/2020 10:00:00"
        lines.append(f'{i},{day},01/01/2023 00:00:00,"nota\n{i}"')
    lines[n // 2] = f"{n},17/11/2021 23:59:59,01/01/2023 00:00:00,medio"  # the newest, mid-file
    lines[-2] = f"{n + 1},01/01/2099 00:00:00,01/01/2023 00:00:00,typo"  # future, near the end
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_split_across_processes_same_answer(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    _big(path, 60_000)
    one = inspect_table(path, workers=1, now=NOW)
    three = inspect_table(path, workers=3, now=NOW)
    assert not any("unavailable" in n for n in three.notes)  # it really ran in processes
    assert one.newest_date == three.newest_date == "2021-11-17"
    assert one.newest_date_column == three.newest_date_column == "fecha"


def test_restore_round_trip(tmp_path: Path) -> None:
    r = inspect_table(fx(TSE), now=NOW)
    back = report_from_dict(json.loads(json.dumps(r.to_dict())))
    assert back.newest_date == "2023-06-26"
    assert back.newest_date_column == "FECHA_HORA_PUBLICACIÓN"
    old = report_from_dict({k: v for k, v in r.to_dict().items() if not k.startswith("newest")})
    assert old.newest_date is None and old.newest_date_column is None  # stored before the field

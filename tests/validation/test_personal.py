"""Personal identifiers on synthetic values (made up here, never real people's data)."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from odaudit.validation import dpi_is_valid, inspect_table, nit_is_valid, scan_personal_data

from .conftest import fx, make_dpi, make_nit


def test_dpi_check_digit_and_place_codes() -> None:
    rng = random.Random(7)
    for _ in range(200):
        assert dpi_is_valid(make_dpi(rng))
        assert not dpi_is_valid(make_dpi(rng, valid=False))
    good = make_dpi(rng)
    assert not dpi_is_valid(good[:9] + "23" + "01")  # department 23 does not exist
    assert not dpi_is_valid(good[:9] + "18" + "06")  # Izabal has 5 municipalities
    assert not dpi_is_valid(good[:9] + "00" + "01")
    assert not dpi_is_valid(good[:12])
    assert not dpi_is_valid("abcdefghijklm")


def test_nit_check_character() -> None:
    rng = random.Random(11)
    for _ in range(200):
        assert nit_is_valid(make_nit(rng))
        assert not nit_is_valid(make_nit(rng, valid=False))
    assert nit_is_valid("576-2")
    assert not nit_is_valid("576-3")
    assert not nit_is_valid("-")


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_counts_per_column_never_values(tmp_path: Path) -> None:
    rng = random.Random(2026)
    rows = []
    for i in range(60):
        rows.append(
            [
                str(i + 1),
                make_dpi(rng, valid=i % 4 != 0),  # 45 valid, 15 with a wrong check digit
                make_nit(rng),
                f"persona{i}@ejemplo.gt",
                f"{rng.choice('234567')}{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}",
                str(rng.randrange(10_000_000, 99_999_999)),  # population-like, not a phone
            ]
        )
    path = _write(
        tmp_path / "pd.csv", ["id", "DPI", "NIT", "correo", "telefono", "poblacion"], rows
    )
    report = inspect_table(path)
    pd = scan_personal_data(report)
    assert pd.found
    by_col = {c.column: c for c in pd.columns}
    assert by_col["DPI"].dpi == 45 and by_col["DPI"].dpi_invalid == 15
    assert by_col["NIT"].nit == 60
    assert by_col["correo"].email == 60
    assert by_col["telefono"].phone == 60
    assert "poblacion" not in by_col and "id" not in by_col
    text = json.dumps(report.to_dict())
    for row in rows:
        for value in row[1:5]:
            assert value not in text


def test_phones_with_country_code_found_without_a_hint(tmp_path: Path) -> None:
    rows = [[str(i), f"+502 {5000 + i} 1234", "ok"] for i in range(30)]
    path = _write(tmp_path / "contacto.csv", ["n", "contacto", "estado"], rows)
    by_col = {c.column: c for c in scan_personal_data(inspect_table(path)).columns}
    assert by_col["contacto"].phone == 30


def test_unhinted_13_digit_codes_with_bad_check_are_not_counted(tmp_path: Path) -> None:
    rng = random.Random(3)
    rows = [[make_dpi(rng, valid=False), "x"] for _ in range(40)]
    path = _write(tmp_path / "codes.csv", ["codigo", "otro"], rows)
    assert not scan_personal_data(inspect_table(path)).found


@pytest.mark.parametrize(
    "name",
    [
        "gt_tse_resultados2023_diputados-distritales_por-mesa_e3d04_el-progreso.csv",
        "gt_ine-censo2018_cuadroA5_poblacion_por_pueblos_redciudadana.xlsx",
    ],
)
def test_real_aggregate_tables_have_no_personal_data(name: str) -> None:
    assert not scan_personal_data(inspect_table(fx(name))).found


def test_mineduc_phone_column_is_counted() -> None:
    r = inspect_table(fx("gt_mineduc_establecimientos_diversificado_ZACAPA.csv"))
    by_col = {c.column: c for c in scan_personal_data(r).columns}
    assert set(by_col) == {"TELEFONO"}
    assert 100 < by_col["TELEFONO"].phone <= 135


def test_scan_personal_data_accepts_a_path(tmp_path: Path) -> None:
    rows = [[str(i), f"usuario{i}@correo.gob.gt"] for i in range(10)]
    path = _write(tmp_path / "mails.csv", ["n", "contacto"], rows)
    pd = scan_personal_data(path)
    assert pd.totals()["email"] == 10


def test_emails_first_appearing_after_the_sample_are_counted(tmp_path: Path) -> None:
    rows = [[str(i), "sin dato"] for i in range(5000)]
    rows += [[str(i), f"alguien{i}@ejemplo.gt"] for i in range(5000, 5007)]
    path = _write(tmp_path / "late.csv", ["n", "observaciones"], rows)
    assert scan_personal_data(path).totals()["email"] == 7

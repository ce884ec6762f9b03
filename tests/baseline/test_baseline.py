"""Importing the hand-scored 2021 Red Ciudadana index as an earlier edition."""

from __future__ import annotations

import json
from pathlib import Path
from statistics import fmean

import pytest

from odaudit.baseline import BaselineError, load_redciudadana
from odaudit.store import Store

FIXTURE = (
    Path(__file__).parents[1] / "fixtures" / "baseline" / "redciudadana_2021_datosabiertos.json"
)


def test_reads_all_30_institutions() -> None:
    edition = load_redciudadana(FIXTURE)
    assert len(edition.institutions()) == 30
    composite = [e.value for e in edition.entries if e.indicator == "Indicador_2021"]
    assert round(fmean(composite), 2) == 3.20  # GUATEMALA.md: mean Indicador_2021 = 3.20
    assert edition.value("MINFIN", "Indicador_2021") == 7
    assert [c for c in edition.institutions() if (edition.value(c, "Indicador_2021") or 0) > 4] == [
        "MINFIN"
    ]
    formatos = fmean(e.value for e in edition.entries if e.indicator == "Formatos")
    assert round(formatos, 2) == 1.87


def test_roundtrip_through_the_store(tmp_path: Path) -> None:
    edition = load_redciudadana(FIXTURE)
    with Store.open(tmp_path / "s.sqlite") as store:
        store.save_baseline(edition)
        store.save_baseline(edition)  # re-import replaces, never duplicates
        [loaded] = store.load_baselines()
    assert loaded.edition == "redciudadana-2021"
    assert len(loaded.entries) == len(edition.entries) == 300
    assert loaded.value("SEPAZ", "Indicador_2021") == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not JSON"),
        ("{}", "expected a list"),
        ('[{"Institucion": "x"}]', "id_institucion"),
        ('[{"id_institucion": "MINFIN"}]', "lacks"),
    ],
)
def test_bad_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=message):
        load_redciudadana(path)


def test_out_of_scale_value(tmp_path: Path) -> None:
    rows = json.loads(FIXTURE.read_text())
    rows[0]["Licencia"] = "9"
    path = tmp_path / "b.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(BaselineError, match="outside"):
        load_redciudadana(path)

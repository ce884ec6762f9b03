"""Configurable synonyms in the key-dataset matcher, with real Guatemalan dataset titles.

Titles come from institutions.yaml (MINFIN's OCDS files) and from Red Ciudadana's
DatosAbiertosCNC `datasets.csv` (see /work/shared/corpus/GUATEMALA.md, evidence key CNC).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from tests.checks._support import INST, good_dataset, resource

from odaudit.checks.coverage import (
    SynonymGroup,
    Synonyms,
    default_synonyms,
    explain_coverage,
    load_synonyms,
    match_coverage,
)
from odaudit.config import ConfigError
from odaudit.models import CoverageStatus, KeyDataset

NO_SYNONYMS = Synonyms()

COMPRAS = KeyDataset(id="compras", title="Compras públicas")
EJECUCION = KeyDataset(id="ejecucion", title="Ejecución presupuestaria")
PERSONAL = KeyDataset(id="personal", title="Personal y remuneraciones", keywords=("empleados",))
ESCUELAS = KeyDataset(id="escuelas", title="Centros educativos")
CLIMA = KeyDataset(id="clima", title="Datos climáticos por estación meteorológica")
INSTITUTION = replace(INST, key_datasets=(COMPRAS, EJECUCION, PERSONAL, ESCUELAS, CLIMA))


def _ds(id: str, title: str, **changes: object) -> object:
    fields: dict[str, object] = {"description": "", "keywords": [], "themes": []}
    return good_dataset(id=id, title=title, **(fields | changes))


def _by_key(datasets: list, synonyms: Synonyms | None = None) -> dict:  # type: ignore[type-arg]
    return {k.item.key_id: k for k in explain_coverage(INSTITUTION, datasets, synonyms)}


@pytest.mark.parametrize(
    ("title", "key_id", "term"),
    [
        ("Contrataciones públicas OCDS Guatecompras, enero 2025", "compras", "contrataciones"),
        ("Gasto público", "ejecucion", "gasto público"),
        ("Registro de servidores públicos", "personal", "servidores públicos"),
        (
            "Establecimientos educativos del nivel diversificado",
            "escuelas",
            "establecimientos educativos",
        ),
        ("PRECIPITACIÓN DIARIA POR ESTACIÓN METEOROLÓGICA", "clima", "precipitación"),
    ],
)
def test_real_titles_match_through_a_synonym(title: str, key_id: str, term: str) -> None:
    ds = _ds("d1", title)
    assert _by_key([ds], NO_SYNONYMS)[key_id].item.status == CoverageStatus.MISSING
    found = _by_key([ds])[key_id]
    assert found.item.status == CoverageStatus.FOUND
    assert found.item.dataset_ids == ["d1"]
    [match] = found.matches
    assert match.term == term and match.via_synonym
    assert match.evidence()["synonym"] is True
    assert match.fields == ("title",)


def test_direct_match_names_the_phrase_and_the_field() -> None:
    ds = _ds("d2", "Datos abiertos", keywords=["EMPLEADOS", "Guatemala"])
    [match] = _by_key([ds])["personal"].matches
    assert (match.phrase, match.term, match.via_synonym) == ("empleados", "empleados", False)
    assert match.fields == ("keywords",)


def test_budget_is_not_budget_execution() -> None:
    """Separate groups: a budget does not count as its execution, nor as procurement."""
    items = _by_key([_ds("p", "Presupuesto General de la Nación")])
    assert items["ejecucion"].item.status == CoverageStatus.MISSING
    assert items["compras"].item.status == CoverageStatus.MISSING


def test_synonym_found_only_as_pdf() -> None:
    pdf = resource(url="https://x.gob.gt/ocds-2025-01.pdf", format="PDF", media_type="")
    ds = _ds("g", "Contrataciones públicas OCDS Guatecompras, enero 2025", resources=[pdf])
    items = match_coverage(INSTITUTION, [ds])
    assert next(i for i in items if i.key_id == "compras").status == CoverageStatus.PDF_ONLY


def test_custom_synonyms_replace_the_packaged_ones(tmp_path: Path) -> None:
    path = tmp_path / "syn.yaml"
    path.write_text("groups:\n  - id: aulas\n    terms: [centros educativos, aulas]\n", "utf-8")
    custom = load_synonyms(path)
    assert custom.groups == (SynonymGroup("aulas", ("centros educativos", "aulas"), 2),)
    items = _by_key([_ds("a", "Aulas por municipio")], custom)
    assert items["escuelas"].item.status == CoverageStatus.FOUND
    assert items["compras"].item.status == CoverageStatus.MISSING


def test_swapping_keeps_the_rest_of_the_phrase() -> None:
    """ "Compras públicas" → "OCDS públicas": a bare "OCDS" is not enough."""
    items = _by_key([_ds("o", "OCDS releases 2024")])
    assert items["compras"].item.status == CoverageStatus.MISSING


def test_packaged_file_loads_and_every_group_has_two_terms() -> None:
    synonyms = default_synonyms()
    ids = [g.id for g in synonyms.groups]
    assert {"compras", "personal", "ejecucion-presupuestaria", "clima"} <= set(ids)
    assert len(ids) == len(set(ids))
    assert all(len(g.terms) >= 2 and g.line > 0 for g in synonyms.groups)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("groups:\n  - id: a\n    terms: [escuelas, 12]\n", 3, "must be a string"),
        (
            "groups:\n  - id: a\n    terms: [escuelas, aulas]\n    weight: 2\n",
            4,
            "unknown key 'weight'",
        ),
        ("grupos: []\n", 1, "unknown key 'grupos'"),
        ("groups:\n  - id: a\n    terms: [escuelas]\n", 3, "at least two terms"),
        ("groups:\n  - id: a\n    terms: [x, y]\n  - id: a\n    terms: [u, v]\n", 4, "duplicate"),
        ("groups:\n  - id: a\n    terms: [escuelas, '¿?']\n", 3, "no words"),
        ("groups:\n  - id: a\n    terms: escuelas\n", 3, "must be a list"),
    ],
)
def test_bad_files_name_the_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "syn.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_synonyms(path)
    problem = next(p for p in caught.value.problems if message in p.message)
    assert problem.line == line and problem.file == str(path)


def test_all_problems_at_once(tmp_path: Path) -> None:
    path = tmp_path / "syn.yaml"
    path.write_text("groups:\n  - id: a\n    terms: [1, 2]\n    extra: x\n", "utf-8")
    with pytest.raises(ConfigError) as caught:
        load_synonyms(path)
    assert len(caught.value.problems) >= 3

"""MD006-MD009: theme, temporal and spatial coverage, data dictionary (light weights)."""

from __future__ import annotations

import pytest
from tests.checks._support import codes, fixture_json, good_dataset, resource, run

from odaudit.checks import get_rule
from odaudit.models import Resource

AR_2017 = "ar_datos.gob.ar_data.json_2017-08-13.json"
BOLSA = "br_legado.dados.gov.br_package_show_bolsa-familia-pagamentos_2023-01-30.json"


def _ar(index: int) -> dict[str, object]:
    dataset: dict[str, object] = fixture_json(AR_2017)["dataset"][index]
    return dataset


def test_real_ar_catalogue_has_themes_but_no_coverage() -> None:
    raw = _ar(0)
    ds = good_dataset(
        title=str(raw["title"]),
        themes=[str(t) for t in raw["theme"]],  # type: ignore[attr-defined]
        temporal=raw.get("temporal"),
        spatial=raw.get("spatial"),
    )
    assert codes(run(ds)) == ["MD007", "MD008"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"themes": []}, "MD006"),
        ({"themes": ["  "]}, "MD006"),
        ({"temporal": None}, "MD007"),
        ({"temporal": " "}, "MD007"),
        ({"spatial": ""}, "MD008"),
        ({"conforms_to": None}, "MD009"),
    ],
)
def test_each_missing_field(changes: dict[str, object], code: str) -> None:
    assert codes(run(good_dataset(**changes))) == [code]


def test_md009_a_dictionary_resource_counts_real_bolsa_familia() -> None:
    raw = fixture_json(BOLSA)["result"]["resources"]
    dictionary = raw[0]  # "Dicionário de Dados", an HTML page on portaltransparencia.gov.br
    res = Resource(url=dictionary["url"], name=dictionary["name"], format=dictionary["format"])
    ds = good_dataset(conforms_to=None, resources=[resource(), res])
    assert "MD009" not in codes(run(ds, {}))
    without = good_dataset(conforms_to=None, resources=[resource()])
    assert codes(run(without, {})) == ["MD009"]


@pytest.mark.parametrize(
    "extras", [{"describedBy": "https://x.gob.gt/dicc.csv"}, {"conformsTo": "https://x/esquema"}]
)
def test_md009_schema_links_in_extras(extras: dict[str, str]) -> None:
    assert run(good_dataset(conforms_to=None, extras=extras), {}) == []


@pytest.mark.parametrize("name", ["Diccionario de datos", "codebook.pdf", "Metadatos del censo"])
def test_md009_dictionary_names(name: str) -> None:
    extra = resource(url="https://x.gob.gt/d.pdf", name=name, format="PDF")
    assert "MD009" not in codes(run(good_dataset(conforms_to=None, resources=[extra]), {}))


def test_new_metadata_rules_weigh_less_than_the_essentials() -> None:
    essentials = min(get_rule(c).weight for c in ("MD001", "MD002", "MD003", "MD004"))
    for code in ("MD006", "MD007", "MD008", "MD009"):
        rule = get_rule(code)
        assert 10 <= rule.weight <= 15 < essentials
        assert rule.severity.value in ("info", "warning")

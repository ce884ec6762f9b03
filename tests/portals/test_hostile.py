"""Seeded mutations of the real captures: every mapper turns any JSON value into a value.

Each case replaces some values of a real package/dataset with nulls, numbers, lists,
objects or odd strings; a mapper that raises anything fails the test.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from tests.portals.conftest import fixture_bytes

from odaudit.models import Dataset
from odaudit.portals import DiscoveryReport
from odaudit.portals.ckan import map_package
from odaudit.portals.dcat_json import json_datasets
from odaudit.portals.opendatasoft import map_ods_dataset
from odaudit.portals.socrata import map_result

_ODD: list[Any] = [
    None,
    0,
    -1,
    1.5,
    1e308,
    True,
    "",
    " ",
    "42 octets",
    [],
    [None],
    {},
    {"a": [1]},
    "\x00",
    "ñ" * 3,
]


def mutate(value: Any, rng: random.Random, rate: float = 0.2) -> Any:
    if rng.random() < rate:
        return rng.choice(_ODD)
    if isinstance(value, dict):
        return {k: mutate(v, rng, rate) for k, v in value.items()}
    if isinstance(value, list):
        return [mutate(v, rng, rate) for v in value]
    return value


def mutate_fields(value: dict[str, Any], rng: random.Random, rate: float = 0.2) -> dict[str, Any]:
    """Mutate below the root: the adapters check the root's own type before mapping."""
    return {k: mutate(v, rng, rate) for k, v in value.items()}


def sample(name: str, *path: str | int) -> Any:
    value: Any = json.loads(fixture_bytes(name))
    for key in path:
        value = value[key]
    return value


def check(dataset: Dataset) -> None:
    assert isinstance(dataset.id, str) and isinstance(dataset.title, str)
    assert all(isinstance(k, str) for k in dataset.keywords + dataset.themes)
    assert all(isinstance(r.url, str) for r in dataset.resources)
    assert all(
        r.size is None or (isinstance(r.size, int) and r.size >= 0) for r in dataset.resources
    )
    assert all(isinstance(v, str) for v in dataset.extras.values())


@pytest.mark.parametrize("seed", range(40))
def test_ckan_package_mutations(seed: int) -> None:
    rng = random.Random(seed)
    package = sample(
        "br_legado.dados.gov.br_package_search_q-all_rows10_2023-01-30.json",
        "result",
        "results",
        seed % 10,
    )
    check(map_package(mutate_fields(package, rng), "https://p.gt"))


@pytest.mark.parametrize("seed", range(40))
def test_data_json_mutations(seed: int) -> None:
    rng = random.Random(seed)
    catalog = sample("ar_datos.gob.ar_data.json_2017-08-13.json")
    catalog = {"dataset": [mutate_fields(d, rng) for d in catalog["dataset"][seed : seed + 3]]}
    for dataset in json_datasets(catalog, "https://p.gt/data.json", DiscoveryReport()):
        check(dataset)


@pytest.mark.parametrize("seed", range(20))
def test_socrata_result_mutations(seed: int) -> None:
    rng = random.Random(seed)
    result = sample(
        "socrata_discovery-api_catalog-v1_mixed-domains_7results.json", "results", seed % 7
    )
    check(map_result(mutate_fields(result, rng), "https://datos.gt"))


@pytest.mark.parametrize("seed", range(20))
def test_ods_dataset_mutations(seed: int) -> None:
    rng = random.Random(seed)
    raw = sample("ods-v1_dataset_etalab-sandbox_test-b.json")
    check(map_ods_dataset(mutate_fields(raw, rng), "https://ods.gt", "v1" if seed % 2 else "v2.1"))

"""EXPECTED.md is machine-readable and consistent with the demo config; the data stays small."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import Any

import yaml

from odaudit.checks import known_codes
from odaudit.demo import demo_institutions_yaml

CODES = known_codes()
DATA = files("odaudit.demo").joinpath("data")


def _expected() -> dict[str, Any]:
    text = DATA.joinpath("EXPECTED.md").read_text(encoding="utf-8")
    block = re.search(r"```ya?ml\n(.*?)```", text, re.S)
    assert block is not None
    data: dict[str, Any] = yaml.safe_load(block.group(1))
    return data


def test_expected_block_covers_every_institution_with_known_codes() -> None:
    expected = _expected()
    institutions = [
        i["code"]
        for i in yaml.safe_load(demo_institutions_yaml("http://127.0.0.1:1"))["institutions"]
    ]
    assert set(expected["expected"]) == set(institutions)
    assert set(expected["not_expected"]) == set(institutions)
    for code in institutions:
        must, must_not = set(expected["expected"][code]), set(expected["not_expected"][code])
        assert must <= CODES and must_not <= CODES, code
        assert not must & must_not, code
    assert expected["expected"]["MINFIN"] == []
    assert len(expected["not_expected"]["MINFIN"]) == len(CODES)
    first = next(iter(expected["expected"]))
    assert expected["expected"][first], "the first institution is audited alone by e2e tests"


def test_expected_order_is_a_consistent_ranking() -> None:
    expected = _expected()
    pairs = [tuple(p.strip() for p in pair.split(">")) for pair in expected["expected_order"]]
    names = set(expected["expected"])
    assert all(len(p) == 2 and set(p) <= names for p in pairs)
    above: dict[str, set[str]] = {}
    for high, low in pairs:
        above.setdefault(low, set()).add(high)
    assert all(low not in above.get(high, set()) for high, low in pairs)  # no A>B and B>A
    assert {low for _, low in pairs if _ == "MINFIN"} == names - {
        "MINFIN",
        "INE",
        "INSIVUMEH",
        "MARN",
    }


def test_routes_only_name_bundled_files() -> None:
    routes = json.loads(DATA.joinpath("routes.json").read_text(encoding="utf-8"))["routes"]
    for path, spec in routes.items():
        target = spec.get("file") or "site" + path
        assert DATA.joinpath(*target.split("/")).is_file(), path


def test_data_dir_is_small() -> None:
    def size(node: Any) -> int:
        return sum(size(c) for c in node.iterdir()) if node.is_dir() else len(node.read_bytes())

    assert size(DATA) < 3 * 1024 * 1024


def test_expected_dataset_counts_match_the_catalogues() -> None:
    counts = _expected()["expected_datasets"]
    packages = json.loads(DATA.joinpath("ckan", "packages.json").read_text(encoding="utf-8"))
    for org in ("minfin", "mineduc", "mspas"):
        assert counts[org.upper()] == sum(p["organization"]["name"] == org for p in packages)
    catalog = json.loads(DATA.joinpath("site", "segeplan", "data.json").read_text(encoding="utf-8"))
    assert counts["SEGEPLAN"] == len(catalog["dataset"])
    page = DATA.joinpath("site", "mem", "datos-abiertos.html").read_text(encoding="utf-8")
    assert counts["MEM"] == page.count("<h2>")
    assert counts["INSIVUMEH"] == counts["INE"] == counts["MARN"] == 0

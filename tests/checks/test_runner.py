"""The runner: clean baseline, methodology overrides, disabled rules, a buggy rule."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.checks._support import Meth, Settings, codes, good_dataset, only, run

from odaudit.checks import all_rules, get_rule, known_codes
from odaudit.checks.registry import _RULES, Hit, Rule
from odaudit.models import Severity

EXPECTED = {
    "AV001", "AV002", "AV003", "AV004", "AV005", "AV006", "AV010", "AV011",
    "FM001", "FM002", "FM003", "FM004", "LI001", "LI002", "LI003",
    "FR001", "FR002", "FR003", "FR004", "MD001", "MD002", "MD003", "MD004", "MD005",
    "CV001", "CV002", "CV003",
    "AV007", "FM005", "LI004", "FR005", "MD006", "MD007", "MD008", "MD009",
}  # fmt: skip


def test_registry_holds_the_contract_codes_sorted() -> None:
    assert known_codes() >= EXPECTED
    listed = [r.code for r in all_rules()]
    assert listed == sorted(listed)
    with pytest.raises(KeyError):
        get_rule("ZZ999")


def test_rule_metadata_is_well_formed() -> None:
    for r in all_rules():
        assert r.name == r.name.lower() and " " not in r.name
        assert r.dimension and r.scope in ("resource", "dataset", "institution", "source")
        assert 0 <= r.weight <= 100
        assert r.title and r.summary and r.fix


def test_clean_dataset_has_no_findings() -> None:
    assert run(good_dataset()) == []


def test_methodology_overrides_severity_and_params() -> None:
    ds = good_dataset(description="Presupuesto 2026 de la nación")  # 29 characters
    assert codes(run(ds)) == ["MD001"]
    assert only(run(ds), "MD001")[0].severity == Severity.WARNING
    meth = Meth(rules={"MD001": Settings(severity=Severity.ERROR, params={"min_length": 10})})
    assert run(ds, meth=meth) == []
    meth = Meth(rules={"MD001": Settings(severity=Severity.ERROR)})
    assert only(run(ds, meth=meth), "MD001")[0].severity == Severity.ERROR


def test_disabled_rules_do_not_run() -> None:
    ds = good_dataset(description="", keywords=[])
    assert codes(run(ds)) == ["MD001", "MD004"]
    assert codes(run(ds, meth=Meth(ignore=("MD",)))) == []
    assert codes(run(ds, meth=Meth(ignore=("MD004",)))) == ["MD001"]


def test_a_crashing_rule_is_contained() -> None:
    def boom(ctx: object, params: object) -> Iterator[Hit]:
        raise RuntimeError("bug")
        yield  # pragma: no cover

    real = get_rule("MD004")
    _RULES["MD004"] = Rule(**{**real.__dict__, "check": boom})
    try:
        ds = good_dataset(description="", keywords=[])
        assert codes(run(ds)) == ["MD001"]
    finally:
        _RULES["MD004"] = real


def test_finding_fields_are_filled() -> None:
    f = run(good_dataset(keywords=[]))[0]
    assert (f.code, f.institution, f.dataset_id, f.resource_url) == (
        "MD004",
        "MINFIN",
        "presupuesto-2026",
        None,
    )
    assert f.fix == get_rule("MD004").fix

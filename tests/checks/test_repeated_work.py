"""Work the checks do once per run, not once per dataset: the rule plan of a methodology,
format and licence lookups, the sniffed format of a probe, the date scan's early exit.
Each shortcut must give the answer the full path gives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.checks._support import Meth, Settings, codes, good_dataset, run

from odaudit.checks import get_rule
from odaudit.checks.datadates import data_date_from_bytes
from odaudit.checks.formats import _lookup, lookup_format
from odaudit.checks.licenses import _resolve, resolve_license
from odaudit.checks.registry import _RULES, Hit, Rule
from odaudit.checks.runner import _plan
from odaudit.checks.sniff import _detect, detect_format
from odaudit.models import Severity


def test_one_methodology_object_keeps_its_plan_across_datasets() -> None:
    meth = Meth(rules={"MD001": Settings(severity=Severity.ERROR, params={"min_length": 40})})
    short = good_dataset(description="Presupuesto 2026 de la nación")  # 29 characters
    assert _plan(meth) is _plan(meth)
    for _ in range(3):
        found = [f for f in run(short, meth=meth) if f.code == "MD001"]
        assert [f.severity for f in found] == [Severity.ERROR]
    assert run(good_dataset(), meth=meth) == []


def test_plan_params_are_read_only() -> None:
    plan = _plan(Meth())
    params = plan.rule_params["MD001"]
    with pytest.raises(TypeError):
        params["min_length"] = 0  # type: ignore[index]
    assert plan.rule_params["MD001"]["min_length"] == get_rule("MD001").params["min_length"]


def test_a_rule_swapped_into_the_registry_reaches_a_planned_methodology() -> None:
    meth = Meth()
    ds = good_dataset(description="", keywords=[])
    assert codes(run(ds, meth=meth)) == ["MD001", "MD004"]

    def silent(ctx: object, params: object) -> Iterator[Hit]:
        return iter(())

    real = get_rule("MD004")
    _RULES["MD004"] = Rule(**{**real.__dict__, "check": silent})
    try:
        assert codes(run(ds, meth=meth)) == ["MD001"]
    finally:
        _RULES["MD004"] = real
    assert codes(run(ds, meth=meth)) == ["MD001", "MD004"]


def test_findings_keep_code_order_across_scopes() -> None:
    ds = good_dataset(description="", keywords=[], license_id="")
    found = [f.code for f in run(ds)]
    assert found == sorted(found)


def test_cached_lookups_agree_with_the_full_lookup() -> None:
    values = ["CSV", "csv", " text/csv; charset=utf-8 ", ".xlsx", "Hoja de cálculo", "nope"]
    values.append("http://publications.europa.eu/resource/authority/file-type/CSV")
    for value in values:
        assert lookup_format(value) == _lookup.__wrapped__(value.strip())  # type: ignore[attr-defined]
        assert lookup_format(value) is lookup_format(value)
    long = "x" * 500 + " csv"
    assert lookup_format(long) == _lookup.__wrapped__(long)  # type: ignore[attr-defined]
    for text in ["CC-BY-4.0", "Creative Commons Atribución 4.0", "odc-odbl", "<p>uso libre</p>"]:
        assert resolve_license(text) == _resolve.__wrapped__(text)  # type: ignore[attr-defined]
    assert resolve_license("<div>" + "términos " * 80 + "</div>") is None


def test_sniffed_format_is_remembered_only_for_the_same_immutable_bytes() -> None:
    data = b"a;b;c\n1;2;3\n4;5;6\n"
    assert detect_format(data) == _detect(data) == "CSV"
    assert detect_format(data) == "CSV"
    tsv = b"a\tb\n1\t2\n3\t4\n"
    assert detect_format(tsv) == "TSV"
    mutable = bytearray(b"%PDF-1.4 rest")
    assert detect_format(mutable) == "PDF"  # type: ignore[arg-type]
    mutable[:4] = b"PK\x03\x04"
    assert detect_format(mutable) != "PDF"  # type: ignore[arg-type]


def test_delimiters_absent_from_the_text_are_not_tried() -> None:
    assert detect_format(b"uno|dos|tres\n1|2|3\n4|5|6\n") == "CSV"
    assert detect_format(b"solo una columna\nvalor\notro valor\n") == "TEXT"


def test_a_file_without_date_like_values_has_no_data_date() -> None:
    assert data_date_from_bytes(b"id,municipio,valor\n1,Mixco,1.5\n2,Villa Nueva,3.0\n") is None
    found = data_date_from_bytes(b"id,fecha\n1,15/03/2024\n2,16/03/2024\n")
    assert found is not None and found[0].date().isoformat() == "2024-03-16"
    found = data_date_from_bytes(b"id,fecha\n1,2024-03-15\n2,2025-01-02T10:00:00Z\n")
    assert found is not None and found[0].year == 2025

"""`odaudit.plaindata`: the store's fast dataclass → JSON-ready conversion."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from enum import Enum
from typing import Any

import pytest

from odaudit.models import (
    Dataset,
    Finding,
    Probe,
    ProbeOutcome,
    Resource,
    Severity,
)
from odaudit.plaindata import as_dict, plain
from odaudit.validation.model import PersonalDataReport, TableProblem, TableReport


def _reference(value: Any) -> Any:
    """What the store wrote before: dataclasses.asdict, then enums as values, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {k: _reference(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_reference(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


SAMPLES = [
    Dataset(
        id="d1",
        title="Presupuesto",
        keywords=["a", "b"],
        resources=[Resource(url="http://x/1.csv", size=3), Resource(url="")],
        extras={"k": "v"},
    ),
    Probe(
        url="http://x/1.csv",
        outcome=ProbeOutcome.TIMEOUT,
        headers={"etag": '"1"'},
        sniff=b"\x00\xff",
        redirects=["http://x/0"],
    ),
    Finding(
        "AV001",
        Severity.ERROR,
        "m",
        "MINFIN",
        evidence={"nested": {"list": [1, ("t", 2)], "sev": Severity.INFO}, "n": None},
    ),
]


@pytest.mark.parametrize("obj", SAMPLES, ids=lambda o: type(o).__name__)
def test_same_data_as_asdict(obj: Any) -> None:
    assert as_dict(obj) == _reference(obj)


def test_table_report_with_nested_records() -> None:
    report = TableReport(
        path="/tmp/x.csv",
        format="CSV",
        problems=[TableProblem(code_hint="DV001", message="m", rows=[1, 2])],
        personal_data=PersonalDataReport(),
    )
    out = report.to_dict()
    assert out["problems"] == [_reference(report.problems[0])]
    assert out["personal_data"] == report.personal_data.to_dict()  # type: ignore[union-attr]
    assert out["valid"] is False


def test_leaves_and_containers() -> None:
    assert plain(b"\x01") == b"\x01"  # bytes are left to the JSON encoder's default
    assert plain(("a", ["b"])) == ["a", ["b"]]
    assert plain(OrderedDict(a=Severity.WARNING)) == {"a": "warning"}
    assert plain({1, 2}) == {1, 2}  # sets too
    with pytest.raises(TypeError):
        as_dict([1])

"""load_config asks odaudit.checks for the rule codes, and copes while it is not there."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from tests.config._support import INST_OK, RULES_OK, problems_of

from odaudit.config import load_config, registry_codes

Write = Callable[..., Path]


def fake_checks(monkeypatch: pytest.MonkeyPatch, **attrs: object) -> None:
    module = types.ModuleType("odaudit.checks")
    for name, value in attrs.items():
        setattr(module, name, value)
    monkeypatch.setitem(sys.modules, "odaudit.checks", module)


def test_registry_codes_are_used(monkeypatch: pytest.MonkeyPatch, write: Write) -> None:
    rules = [
        SimpleNamespace(code="AV001", params={}),
        SimpleNamespace(code="FR002", params={"grace_days": 15}),
    ]
    fake_checks(monkeypatch, known_codes=lambda: {"AV001", "FR002"}, all_rules=lambda: rules)
    inst = write(INST_OK, "i.yaml")
    bad = write(
        RULES_OK + "rules:\n  FR001: {weight: 1}\n  FR002: {params: {grace: 1}}\n", "r.yaml"
    )
    found = problems_of(lambda: load_config(inst, bad))
    assert [p.message for p in found] == [
        "ignore: unknown rule code 'FR001'",
        "rules: unknown rule code 'FR001'",
        "unknown parameter 'grace' in rules.FR002.params",
    ]


def test_without_registry_any_code_shaped_code_passes(
    monkeypatch: pytest.MonkeyPatch, write: Write
) -> None:
    fake_checks(monkeypatch)  # a package without known_codes yet
    assert registry_codes() is None
    _, m = load_config(
        write(INST_OK, "i.yaml"), write(RULES_OK + "rules: {ZZ123: {weight: 1}}\n", "r.yaml")
    )
    assert "ZZ123" in m.rules


def test_registry_that_cannot_load_its_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> set[str]:
        raise ModuleNotFoundError("odaudit.checks.rules.availability")

    fake_checks(monkeypatch, known_codes=broken)
    assert registry_codes() is None

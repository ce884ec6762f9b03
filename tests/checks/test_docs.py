"""Every rule has its doc, a test that names it, and an up-to-date page in docs/rules/."""

from __future__ import annotations

from pathlib import Path

import pytest

from odaudit.checks import all_rules
from odaudit.checks.docgen import write_docs

ROOT = Path(__file__).resolve().parents[2]
TESTS = Path(__file__).resolve().parent
SECTIONS = ("## What it checks", "## Why it matters", "## Example", "## Parameters")


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_has_the_four_doc_sections(rule: object) -> None:
    doc = rule.doc  # type: ignore[attr-defined]
    positions = [doc.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    for name in rule.params:  # type: ignore[attr-defined]
        assert f"`{name}`" in doc


def test_every_rule_has_a_test_that_names_it() -> None:
    corpus = "".join(
        p.read_text("utf-8") for p in TESTS.glob("test_*.py") if p.name != "test_docs.py"
    )
    missing = [r.code for r in all_rules() if f'"{r.code}"' not in corpus]
    assert missing == []


def test_docs_rules_is_up_to_date(tmp_path: Path) -> None:
    write_docs(tmp_path)
    committed = ROOT / "docs" / "rules"
    generated = {p.name: p.read_text("utf-8") for p in tmp_path.iterdir()}
    on_disk = {p.name: p.read_text("utf-8") for p in committed.glob("*.md")}
    stale = sorted(
        n for n in generated.keys() | on_disk.keys() if generated.get(n) != on_disk.get(n)
    )
    assert stale == [], "run: python -m odaudit.checks.docgen docs/rules"

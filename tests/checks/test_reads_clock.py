"""Which rules must run again on an unchanged dataset: those declared `reads_clock`.

A rerun reuses the findings of a dataset whose evidence did not change and runs only the
rules that read the audit's clock or the previous run's content hashes (odaudit.reuse).
This holds the declarations to what the rules do: every other rule gives the same hits
whatever the clock and the history say, on real catalogue records and real tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.checks._support import (
    CSV_BODY,
    CSV_URL,
    FIXTURES,
    INST,
    fixture_json,
    good_dataset,
    ok_probe,
    probe,
    resource,
)

from odaudit.checks import all_rules
from odaudit.checks.context import DatasetContext
from odaudit.checks.registry import Rule
from odaudit.models import Dataset, Probe, ProbeOutcome
from odaudit.portals.ckan import map_package
from odaudit.validation import inspect_table

CLOCKS = (
    datetime(2016, 3, 1, tzinfo=UTC),
    datetime(2026, 6, 1, 12, 0, tzinfo=UTC),
    datetime(2040, 1, 1, tzinfo=UTC),
)
ZACAPA = "gt_mineduc_establecimientos_diversificado_ZACAPA.csv"
TSE = "gt_tse_resultados2023_diputados-distritales_por-mesa_e3d04_el-progreso.csv"


def _corpus_datasets() -> list[Dataset]:
    """Real CKAN records, as the adapter maps them."""
    out = []
    for name in (
        "br_legado.dados.gov.br_package_search_organization-aeb_2023-01-30.json",
        "ar_portal-andino_test-instance_package_show_2019-12-03.json",
        "br_legado.dados.gov.br_package_show_bolsa-familia-pagamentos_2023-01-30.json",
        "fr_dkan_opendata.hautsdefrance.fr_package_show_2019.json",
    ):
        result = fixture_json(name)["result"]
        if isinstance(result, dict):
            result = result.get("results", [result])
        packages = result if isinstance(result, list) else [result]
        out += [map_package(p, "https://portal.example.org") for p in packages]
    return out


def _cases() -> list[tuple[Dataset, dict[str, Probe], dict[str, object]]]:
    """Datasets with their probes and tables: dated and undated, periodic and not, future
    dates, old and recent data, broken links."""
    zacapa = inspect_table(FIXTURES / ZACAPA, declared_format="CSV", workers=1)
    tse = inspect_table(FIXTURES / TSE, declared_format="CSV", workers=1)
    cases: list[tuple[Dataset, dict[str, Probe], dict[str, object]]] = []
    variants = [
        good_dataset(),
        good_dataset(modified="2019-05-23"),
        good_dataset(modified="2031-01-01", issued="2032-02-02"),
        good_dataset(modified=None, frequency="R/P1Y"),
        good_dataset(modified=None, resources=[resource(modified="2024-01-10")]),
        good_dataset(modified="2023-11-30", frequency="mensual"),
        good_dataset(modified="no es una fecha", frequency="irregular"),
        good_dataset(temporal="2030-01-01/2031-12-31", frequency="R/P1D"),
    ]
    for ds in variants:
        cases.append((ds, {CSV_URL: ok_probe()}, {CSV_URL: zacapa}))
        cases.append((ds, {CSV_URL: ok_probe()}, {CSV_URL: tse}))
        dated = replace(ok_probe(), last_modified="Wed, 21 Oct 2015 07:28:00 GMT")
        cases.append((replace(ds, modified=None), {CSV_URL: dated}, {}))
        cases.append(
            (ds, {CSV_URL: probe(ProbeOutcome.HTTP_ERROR, status=404, sniff=b"<html>")}, {})
        )
    for ds in _corpus_datasets():
        probes = {
            r.url: ok_probe(r.url, CSV_BODY if i % 2 else b"%PDF-1.4\n", "text/csv")
            for i, r in enumerate(ds.resources)
            if r.url
        }
        cases.append((ds, probes, {u: zacapa for u in list(probes)[:1]}))
    return cases


def _hits(rule: Rule, ctx: DatasetContext) -> list[tuple[str, str, str | None]]:
    params = rule.params  # the defaults: what the rules do, not what a methodology asks
    return [
        (h.message, repr(sorted(h.evidence.items())), h.resource_url)
        for h in rule.check(ctx, params)
    ]


def _contexts(
    ds: Dataset, probes: dict[str, Probe], tables: dict[str, object]
) -> list[DatasetContext]:
    """One context per clock and per history: no previous hashes, the same, different."""
    hashes = {u: "a" * 64 for u in probes}
    histories: list[dict[str, str]] = [{}, dict(hashes), {u: "b" * 64 for u in probes}]
    rule_params = {r.code: r.params for r in all_rules()}
    return [
        DatasetContext.build(
            INST,
            ds,
            probes,
            now,
            tables,
            content_hashes=hashes,
            previous_hashes=previous,
            rule_params=rule_params,
        )
        for now in CLOCKS
        for previous in histories
    ]


@pytest.fixture(scope="module")
def outcomes() -> dict[str, list[bool]]:
    """Rule code -> for each case, whether its hits changed with the clock or history."""
    rules = [r for r in all_rules() if r.scope in ("resource", "dataset")]
    varied: dict[str, list[bool]] = {r.code: [] for r in rules}
    for ds, probes, tables in _cases():
        contexts = _contexts(ds, probes, tables)
        for r in rules:
            seen = {repr(_hits(r, ctx)) for ctx in contexts}
            varied[r.code].append(len(seen) > 1)
    return varied


def test_only_rules_declaring_the_clock_depend_on_it(outcomes: dict[str, list[bool]]) -> None:
    undeclared = sorted(
        code for code, changed in outcomes.items() if any(changed) and not _rule(code).reads_clock
    )
    assert undeclared == [], f"declare reads_clock=True on {undeclared}"


def test_each_clock_declaration_is_needed(outcomes: dict[str, list[bool]]) -> None:
    """A rule declared to read the clock shows it on at least one case (else the cases are
    too weak to police the others, or the declaration is stale)."""
    declared = [r.code for r in all_rules() if r.reads_clock]
    assert declared, "the freshness rules read the clock"
    assert sorted(c for c in declared if not any(outcomes[c])) == []


class _Unread(Mapping[str, Any]):
    """Tables a rule must not read: the memo already holds what it would work out."""

    def __getitem__(self, url: str) -> Any:
        raise AssertionError(f"read the table of {url} although the memo had it")

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("listed the tables although the memo had what they say")

    def __len__(self) -> int:
        raise AssertionError("counted the tables although the memo had what they say")


@pytest.mark.parametrize("first", CLOCKS)
def test_a_memo_from_any_clock_gives_the_same_hits_at_another(first: datetime) -> None:
    """What the clock rules memoise at one clock, read back from JSON as the store keeps
    it, gives the hits they work out afresh at every other clock, without reading tables."""
    clock_rules = [r for r in all_rules() if r.reads_clock and r.scope == "dataset"]
    memoised = 0
    for ds, probes, tables in _cases():
        memo: dict[str, Any] = {}
        ctx = DatasetContext.build(INST, ds, probes, first, tables, memo=memo)
        for r in clock_rules:
            _hits(r, ctx)
        stored = json.loads(json.dumps(memo))
        assert stored == memo, "memo values must be JSON-shaped"
        memoised += bool(memo)
        for now in CLOCKS:
            fresh = DatasetContext.build(INST, ds, probes, now, tables)
            reused = DatasetContext.build(INST, ds, probes, now, _Unread(), memo=dict(stored))
            for r in clock_rules:
                assert _hits(r, reused) == _hits(r, fresh), (r.code, ds.id, now)
    assert memoised, "the cases hold datasets whose newest data date is memoised"


def _rule(code: str) -> Rule:
    return next(r for r in all_rules() if r.code == code)

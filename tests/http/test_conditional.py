"""Conditional probes: an unchanged resource answers 304 and costs no body."""

from __future__ import annotations

import pytest
from tests.http.conftest import Run

from odaudit.models import ProbeOutcome


@pytest.mark.parametrize("strategy", ["sniff", "head"])
def test_etag_gets_304(run: Run, strategy: str) -> None:
    run.probe_strategy = strategy
    url = run.url("/conditional.csv")
    first, _ = run(lambda f: f.probe(url))
    assert first.status in (200, 206) and first.etag == '"v1"'
    assert bool(first.sniff) is (
        strategy == "sniff"
    )  # HEAD-first reads no body when HEAD says enough
    again, _ = run(lambda f: f.probe(url, etag=first.etag))
    assert (again.status, again.outcome) == (304, ProbeOutcome.OK)
    assert again.sniff == b""
    sent = [h for _, path, h in run.server.requests if path == "/conditional.csv"]
    assert sent[-1].get("If-None-Match") == '"v1"'


def test_last_modified_gets_304(run: Run) -> None:
    url = run.url("/conditional.csv")
    again, _ = run(lambda f: f.probe(url, last_modified="Tue, 01 Oct 2024 10:00:00 GMT"))
    assert (again.status, again.outcome) == (304, ProbeOutcome.OK)


def test_changed_resource_answers_in_full(run: Run) -> None:
    run.probe_strategy = "sniff"
    url = run.url("/conditional.csv")
    probe, _ = run(lambda f: f.probe(url, etag='"v0"'))
    assert probe.status in (200, 206) and probe.sniff

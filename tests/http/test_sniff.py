"""The default probe: one ranged GET, so the checks always see the first bytes."""

from __future__ import annotations

from tests.http.conftest import Run
from tests.http.hostile import CSV

from odaudit.models import ProbeOutcome


def sniffing(run: Run) -> Run:
    run.probe_strategy = "sniff"
    return run


def test_file_is_probed_with_one_ranged_get(run: Run) -> None:
    probe, fetcher = sniffing(run)(lambda f: f.probe(run.url("/file.csv")))
    assert (probe.outcome, probe.method, probe.status) == (ProbeOutcome.OK, "GET", 200)
    assert probe.sniff == CSV[:1024]  # the server ignored Range; only the sniff was kept
    assert (probe.content_length, probe.etag) == (len(CSV), '"v1"')
    assert fetcher.stats.requests == 1
    assert not any(method == "HEAD" for method, _, _ in run.server.requests)


def test_partial_content_gives_the_total_length(run: Run) -> None:
    probe, _ = sniffing(run)(lambda f: f.probe(run.url("/ranged.csv")))
    assert (probe.status, probe.content_length, probe.sniff) == (206, len(CSV), CSV[:1024])


def test_missing_file_keeps_the_error_page(run: Run) -> None:
    probe, _ = sniffing(run)(lambda f: f.probe(run.url("/missing.csv")))
    assert (probe.outcome, probe.status, probe.sniff) == (
        ProbeOutcome.HTTP_ERROR,
        404,
        b"no existe",
    )


def test_redirected_file_is_sniffed_at_its_final_url(run: Run) -> None:
    probe, _ = sniffing(run)(lambda f: f.probe(run.url("/chain/2")))
    assert (probe.final_url, probe.sniff) == (run.url("/chain/0"), CSV[:1024])
    assert len(probe.redirects) == 2

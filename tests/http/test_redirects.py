"""Redirects are followed here, hop by hop, and every hop passes the address policy."""

from __future__ import annotations

import asyncio

import pytest
from tests.http.conftest import Run, Settings
from tests.http.hostile import CSV, CountingServer

from odaudit.http import AddressPolicy, Fetcher, FetchError
from odaudit.models import ProbeOutcome


def test_redirect_chain_with_relative_locations(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/chain/3")))
    assert (probe.outcome, probe.status) == (ProbeOutcome.OK, 200)
    assert probe.redirects == [run.url("/chain/2"), run.url("/chain/1"), run.url("/chain/0")]
    assert probe.final_url == run.url("/chain/0")
    response, _ = run(lambda f: f.get(run.url("/chain/3")))
    assert (response.status, response.body, response.final_url) == (200, CSV, run.url("/chain/0"))


def test_redirect_limit(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/chain/3")), Settings(max_redirects=2))
    assert probe.outcome is ProbeOutcome.TOO_MANY_REDIRECTS
    assert run.server.hits["HEAD /chain/0"] == 0


def test_redirect_loop(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/loop/a")))
    assert probe.outcome is ProbeOutcome.TOO_MANY_REDIRECTS
    assert "loop" in probe.error
    with pytest.raises(FetchError) as caught:
        run(lambda f: f.get(run.url("/loop/a")))
    assert caught.value.outcome is ProbeOutcome.TOO_MANY_REDIRECTS


def test_redirect_to_cloud_metadata_is_refused(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/to-metadata")))
    assert probe.outcome is ProbeOutcome.REFUSED
    assert "169.254.169.254" in probe.error


def test_redirect_to_another_local_port_is_refused_without_connecting(
    run: Run, forbidden: CountingServer
) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/to-other-port")))
    assert probe.outcome is ProbeOutcome.REFUSED
    assert "loopback" in probe.error
    with pytest.raises(FetchError) as caught:
        run(lambda f: f.get(run.url("/to-other-port")))
    assert caught.value.outcome is ProbeOutcome.REFUSED
    assert forbidden.connections == 0
    assert run.server.hits["HEAD /to-other-port"] == 1  # the allowed server was asked


def test_direct_request_to_a_forbidden_origin_never_connects(
    run: Run, forbidden: CountingServer
) -> None:
    probe, _ = run(lambda f: f.probe(f"{forbidden.base}/file.csv"))
    assert probe.outcome is ProbeOutcome.REFUSED
    assert forbidden.connections == 0


def test_redirect_to_file_scheme_is_refused(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/to-file")))
    assert probe.outcome is ProbeOutcome.REFUSED
    assert "file" in probe.error


def test_caller_headers_do_not_follow_a_cross_origin_redirect(
    hostile: CountingServer, forbidden: CountingServer
) -> None:
    async def main() -> None:
        policy = AddressPolicy([hostile.base, forbidden.base])  # both allowed here
        async with Fetcher(Settings(), policy) as fetcher:
            token = {"X-App-Token": "secret"}
            await fetcher.get(f"{hostile.base}/chain/1", headers=token)
            await fetcher.get(f"{hostile.base}/to-other-port", headers=token)

    asyncio.run(main())
    assert [h.get("X-App-Token") for _, _, h in hostile.requests] == ["secret"] * 3
    assert [h.get("X-App-Token") for _, _, h in forbidden.requests] == [None]


def test_unparseable_location_is_a_value(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/bad-location")))
    assert probe.outcome is ProbeOutcome.INVALID_URL
    assert "redirect" in probe.error


def test_location_with_a_bad_a_label_is_a_value_with_headers_too(run: Run) -> None:
    # with caller headers (an adapter's Accept) the hop's origin was compared by re-parsing the
    # target outside any handler: idna's IDNAError escaped get() and aborted the whole source
    with pytest.raises(FetchError) as caught:
        run(lambda f: f.get(run.url("/bad-idna"), headers={"Accept": "application/json"}))
    assert caught.value.outcome is ProbeOutcome.INVALID_URL
    run.probe_strategy = "sniff"  # a ranged GET: headers again
    probe, _ = run(lambda f: f.probe(run.url("/bad-idna")))
    assert probe.outcome is ProbeOutcome.INVALID_URL


def test_scheme_relative_location_is_checked_too(run: Run, forbidden: CountingServer) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/scheme-relative")))
    assert probe.outcome is ProbeOutcome.REFUSED
    assert forbidden.connections == 0

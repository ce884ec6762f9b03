"""Size caps count decoded bytes while streaming; deadlines bound the whole exchange."""

from __future__ import annotations

import asyncio
import time

import pytest
from tests.http.conftest import Run, Settings
from tests.http.hostile import CSV, CountingServer

from odaudit.http import AddressPolicy, Fetcher, FetchError
from odaudit.models import ProbeOutcome


def test_gzip_is_decoded(run: Run) -> None:
    response, fetcher = run(lambda f: f.get(run.url("/gzipped.csv")))
    assert (response.body, response.truncated) == (CSV, False)
    assert fetcher.stats.bytes < len(CSV)  # wire bytes, compressed


def test_gzip_bomb_stops_at_the_decoded_cap(run: Run) -> None:
    cap = 100_000
    response, _ = run(lambda f: f.get(run.url("/bomb.csv"), max_bytes=cap))
    assert response.truncated
    assert len(response.body) == cap
    probe, fetcher = run(lambda f: f.probe(run.url("/bomb-no-head.csv")))
    assert (probe.method, probe.sniff) == ("GET", b"\0" * 1024)
    assert fetcher.stats.bytes < 30_000  # the 20 MiB never had to be inflated


def test_every_gzip_member_is_decoded(run: Run) -> None:
    # the second member used to be dropped silently: half the file, truncated=False
    response, _ = run(lambda f: f.get(run.url("/multi-gzip.csv")))
    assert (response.body, response.truncated) == (CSV, False)
    capped, _ = run(lambda f: f.get(run.url("/multi-gzip.csv"), max_bytes=len(CSV) - 1))
    assert (capped.body, capped.truncated) == (CSV[:-1], True)  # the budget spans members


def test_raw_deflate_is_recognised_whatever_the_first_read_holds(run: Run) -> None:
    # a lone first byte used to fix the choice (zlib header or raw) before it could be told
    response, _ = run(lambda f: f.get(run.url("/raw-deflate-split.csv")))
    assert (response.body, response.truncated) == (CSV, False)


def test_body_over_cap_is_truncated(run: Run) -> None:
    response, fetcher = run(lambda f: f.get(run.url("/unsized.bin")), Settings(max_bytes=5000))
    assert response.truncated
    assert response.body == b"x" * 5000
    assert fetcher.stats.bytes < 200_000  # stopped within a chunk of the cap


def test_body_exactly_at_cap_is_not_truncated(run: Run) -> None:
    response, _ = run(lambda f: f.get(run.url("/gzipped.csv"), max_bytes=len(CSV)))
    assert (response.body, response.truncated) == (CSV, False)


def test_declared_huge_length_is_not_read(run: Run) -> None:
    response, fetcher = run(lambda f: f.get(run.url("/huge.csv")))
    assert (response.status, response.truncated, response.body) == (200, True, b"")
    assert fetcher.stats.bytes == 0
    probe, _ = run(lambda f: f.probe(run.url("/huge.csv")))
    assert (probe.outcome, probe.content_length) == (ProbeOutcome.OK, 10**12)


def test_stacked_encodings_are_refused(run: Run) -> None:
    with pytest.raises(FetchError) as caught:
        run(lambda f: f.get(run.url("/stacked.csv")))
    assert caught.value.outcome is ProbeOutcome.REFUSED
    assert "stacked" in caught.value.message


def test_slow_drip_hits_the_total_deadline(run: Run) -> None:
    # 100 bytes at 1 byte / 0.2 s would take 20 s; each read is fast, only the deadline stops it
    with pytest.raises(FetchError) as caught:
        run(lambda f: f.get(run.url("/drip.csv")), Settings(timeout=0.6), retries=0)
    assert caught.value.outcome is ProbeOutcome.TIMEOUT


def test_a_slow_name_lookup_counts_against_the_total_deadline(hostile: CountingServer) -> None:
    # a hostile DNS server answers slowly (glibc waits seconds per try, and every redirect
    # hop may name a new host); the answer, when it comes, is loopback: never connected
    async def slow(host: str, port: int) -> list[str]:
        await asyncio.sleep(5)
        return ["127.0.0.1"]

    async def main() -> FetchError:
        policy = AddressPolicy([], resolver=slow)
        async with Fetcher(Settings(timeout=0.3), policy, retries=0) as fetcher:
            with pytest.raises(FetchError) as caught:
                await fetcher.get(f"http://slow.example:{hostile.server_port}/file.csv")
            return caught.value

    started = time.monotonic()
    error = asyncio.run(main())
    assert time.monotonic() - started < 2
    assert error.outcome is ProbeOutcome.TIMEOUT
    assert "resolv" in error.message
    assert hostile.connections == 0


def test_slow_drip_is_abandoned_by_the_low_speed_abort_and_not_retried(run: Run) -> None:
    # 5 bytes a second, under 100 bytes per 0.5 s: stopped after one window, well before the
    # 5 s deadline, and not asked for again (the retries would only drip again)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        run(lambda f: f.get(run.url("/drip.csv")), Settings(timeout=5), low_speed=(100, 0.5))
    assert time.monotonic() - started < 2
    assert caught.value.outcome is ProbeOutcome.TIMEOUT
    assert "too slow" in caught.value.message
    assert run.server.hits["GET /drip.csv"] == 1
    run.probe_strategy = "sniff"
    probe, _ = run(
        lambda f: f.probe(run.url("/drip.csv")), Settings(timeout=5), low_speed=(100, 0.5)
    )
    assert (probe.outcome, run.server.hits["GET /drip.csv"]) == (ProbeOutcome.TIMEOUT, 2)


def test_the_low_speed_abort_comes_from_the_crawl_settings(run: Run) -> None:
    # crawl.low_speed_bytes / low_speed_time in institutions.yaml reach the Fetcher
    started = time.monotonic()
    settings = Settings(timeout=5, low_speed_bytes=100, low_speed_time=0.5)
    with pytest.raises(FetchError) as caught:
        run(lambda f: f.get(run.url("/drip.csv")), settings)
    assert time.monotonic() - started < 2
    assert "too slow" in caught.value.message


def test_hang_times_out_and_is_retried(run: Run) -> None:
    with pytest.raises(FetchError) as caught:
        run(lambda f: f.get(run.url("/hang.csv")), Settings(timeout=0.2), retries=1)
    assert caught.value.outcome is ProbeOutcome.TIMEOUT
    assert run.server.hits["GET /hang.csv"] == 2
    assert len(run.sleeps) == 1


def test_download_streams_to_a_capped_file(run: Run, tmp_path: object) -> None:
    from pathlib import Path

    dest = Path(str(tmp_path)) / "sub" / "big.bin"
    # a declared length over the cap still gives the first max_bytes: enough to validate a prefix
    result, _ = run(lambda f: f.download(run.url("/ignores-range.bin"), dest, max_bytes=70_000))
    assert (result.truncated, result.bytes, result.status) == (True, 70_000, 200)
    assert dest.stat().st_size == 70_000
    whole, _ = run(lambda f: f.download(run.url("/gzipped.csv"), dest))
    assert (whole.truncated, dest.read_bytes(), whole.content_type) == (False, CSV, "text/csv")


def test_probe_timeout_retry_can_be_switched_off(run: Run) -> None:
    run.probe_strategy = "sniff"
    probe, _ = run(
        lambda f: f.probe(run.url("/hang.csv")),
        Settings(timeout=0.2),
        probe_retries=1,
        retry_probe_timeouts=False,
    )
    assert probe.outcome is ProbeOutcome.TIMEOUT
    assert run.server.hits["GET /hang.csv"] == 1  # one lane held for one timeout, not two
    again, _ = run(lambda f: f.probe(run.url("/hang.csv")), Settings(timeout=0.2), probe_retries=1)
    assert again.outcome is ProbeOutcome.TIMEOUT
    assert run.server.hits["GET /hang.csv"] == 3  # the default still retries once

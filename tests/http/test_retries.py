"""Retries: only for answers that may change (408/429/5xx, timeouts, resets), with Retry-After."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from tests.http.conftest import Run
from tests.http.hostile import CSV

from odaudit.http import FetchError
from odaudit.http.retry import backoff_delay, parse_retry_after
from odaudit.models import ProbeOutcome


def test_429_retry_after_is_honoured(run: Run) -> None:
    response, fetcher = run(lambda f: f.get(run.url("/retry-after")))
    assert (response.status, response.body) == (200, CSV)
    assert run.sleeps == [7.0]
    assert fetcher.stats.requests == 2


def test_retry_after_is_capped(run: Run) -> None:
    response, _ = run(lambda f: f.get(run.url("/retry-after-long")), retry_cap=30.0)
    assert response.status == 429  # the caller decides what a final 429 means
    assert response.headers["retry-after"] == "3600"
    assert run.sleeps == [30.0, 30.0]
    assert run.server.hits["GET /retry-after-long"] == 3  # 1 + 2 retries


def test_retries_can_be_switched_off(run: Run) -> None:
    response, _ = run(lambda f: f.get(run.url("/retry-after")), retries=0)
    assert response.status == 429
    assert run.sleeps == []


def test_404_is_never_retried(run: Run) -> None:
    response, _ = run(lambda f: f.get(run.url("/missing.csv")))
    assert response.status == 404
    assert run.server.hits["GET /missing.csv"] == 1
    assert run.sleeps == []


def test_connection_reset_is_retried(run: Run) -> None:
    response, fetcher = run(lambda f: f.get(run.url("/flaky.csv")))
    assert (response.status, response.body) == (200, CSV)
    assert run.server.hits["GET /flaky.csv"] == 2
    assert fetcher.stats.errors == 1


def test_reset_without_retries_is_a_network_error(run: Run) -> None:
    with pytest.raises(FetchError) as caught:
        run(lambda f: f.get(run.url("/flaky.csv")), retries=0)
    assert caught.value.outcome is ProbeOutcome.NETWORK_ERROR


def test_backoff_is_exponential_without_retry_after(run: Run) -> None:
    run(lambda f: f.get(run.url("/error.csv")), backoff_base=0.5)
    assert run.sleeps == [0.5, 1.0]


def test_retry_after_forms() -> None:
    now = datetime(2015, 10, 21, 7, 27, 30, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == 30.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now) == 0.0  # in the past
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None
    assert parse_retry_after(None) is None
    assert backoff_delay(0, 0.5, 3600.0, 30.0) == 30.0
    assert backoff_delay(3, 0.5, None, 30.0) == 4.0


def test_every_request_identifies_itself(run: Run) -> None:
    response, _ = run(lambda f: f.get(run.url("/echo"), params={"q": "año"}, headers={"X-A": "1"}))
    sent = json.loads(response.body)
    assert sent["user-agent"] == "odaudit-test/1 (+https://example.org/odaudit)"
    assert sent["accept-encoding"] == "gzip, deflate"
    assert sent["x-a"] == "1"
    assert response.final_url == run.url("/echo?q=a%C3%B1o")
    run(lambda f: f.probe(run.url("/file.csv")))
    agents = {h.get("User-Agent") for _, _, h in run.server.requests}
    assert agents == {"odaudit-test/1 (+https://example.org/odaudit)"}

"""probe(): HEAD first, a ranged GET when HEAD is not enough; every answer becomes evidence."""

from __future__ import annotations

from tests.http.conftest import Run, Settings
from tests.http.hostile import BIG, CSV

from odaudit.models import ProbeOutcome


def test_plain_file_is_ok_from_head_alone(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/file.csv")))
    assert probe.outcome is ProbeOutcome.OK
    assert (probe.method, probe.status) == ("HEAD", 200)
    assert probe.content_type == "text/csv"
    assert probe.content_length == len(CSV)
    assert probe.last_modified == "Tue, 01 Oct 2024 10:00:00 GMT"
    assert probe.etag == '"v1"'
    assert probe.headers["content-type"] == "text/csv; charset=utf-8"
    assert "date" not in probe.headers  # only the headers that matter are kept
    assert probe.sniff == b""
    assert probe.final_url == run.url("/file.csv")
    assert probe.fetched_at.endswith("+00:00")
    assert run.server.hits["GET /file.csv"] == 0


def test_head_405_falls_back_to_ranged_get(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/head405.csv")))
    assert (probe.outcome, probe.method, probe.status) == (ProbeOutcome.OK, "GET", 200)
    assert probe.sniff == CSV[:1024]
    ranges = [h.get("Range") for m, p, h in run.server.requests if m == "GET"]
    assert ranges == ["bytes=0-1023"]


def test_head_403_falls_back_to_get(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/forbidden-head.csv")))
    assert (probe.outcome, probe.method, probe.status) == (ProbeOutcome.OK, "GET", 200)


def test_head_without_length_or_date_gets_a_range(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/ranged.csv")))
    assert (probe.outcome, probe.method, probe.status) == (ProbeOutcome.OK, "GET", 206)
    assert probe.content_length == len(CSV)  # the Content-Range total, not the part
    assert probe.headers["content-range"] == f"bytes 0-1023/{len(CSV)}"
    assert probe.sniff == CSV[:1024]


def test_server_ignoring_range_is_read_only_to_the_sniff(run: Run) -> None:
    probe, fetcher = run(lambda f: f.probe(run.url("/ignores-range.bin")))
    assert (probe.outcome, probe.status) == (ProbeOutcome.OK, 200)
    assert probe.sniff == BIG[:1024]
    assert probe.content_length == len(BIG)
    assert fetcher.stats.bytes < len(BIG) // 4  # stopped within a chunk, not the whole megabyte


def test_small_html_for_a_file_is_looked_at(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/soft404.csv")))
    assert (probe.method, probe.content_type) == ("GET", "text/html")
    assert b"no encontrada" in probe.sniff


def test_html_page_url_is_not_fetched_twice(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/page.html")))
    assert (probe.method, probe.content_type) == ("HEAD", "text/html")


def test_empty_file_416_retried_without_range(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/empty.csv")))
    assert (probe.outcome, probe.status, probe.content_length) == (ProbeOutcome.OK, 200, 0)


def test_404_and_500_are_http_errors_with_status(run: Run) -> None:
    missing, _ = run(lambda f: f.probe(run.url("/missing.csv")))
    assert (missing.outcome, missing.status, missing.method) == (
        ProbeOutcome.HTTP_ERROR,
        404,
        "HEAD",
    )
    broken, _ = run(lambda f: f.probe(run.url("/error.csv")), probe_retries=0)
    assert (broken.outcome, broken.status) == (ProbeOutcome.HTTP_ERROR, 500)


def test_500_is_retried_once_by_default(run: Run) -> None:
    probe, _ = run(lambda f: f.probe(run.url("/error.csv")))
    assert probe.status == 500
    assert run.server.hits["HEAD /error.csv"] == 2  # HEAD, one retry, then the GET fallback
    assert len(run.sleeps) >= 1


def test_bad_urls_are_values_not_exceptions(run: Run) -> None:
    for url, outcome in [
        ("", ProbeOutcome.INVALID_URL),
        ("   ", ProbeOutcome.INVALID_URL),
        ("datos.csv", ProbeOutcome.INVALID_URL),
        ("http://", ProbeOutcome.INVALID_URL),
        ("http://[::1", ProbeOutcome.INVALID_URL),
        ("http://a b.example/x", ProbeOutcome.INVALID_URL),
        ("ftp://ftp.example.org/datos.csv", ProbeOutcome.REFUSED),
        ("file:///etc/passwd", ProbeOutcome.REFUSED),
        ("javascript:alert(1)", ProbeOutcome.REFUSED),
    ]:
        probe, _ = run(lambda f, u=url: f.probe(u))  # type: ignore[misc]
        assert probe.outcome is outcome, (url, probe)
        assert probe.error


def test_timeout_on_head_is_a_timeout_probe(run: Run) -> None:
    settings = Settings(timeout=0.3)
    probe, _ = run(lambda f: f.probe(run.url("/hang.csv")), settings, probe_retries=0)
    assert probe.outcome is ProbeOutcome.TIMEOUT
    assert run.server.hits["GET /hang.csv"] == 0  # a hang is not asked twice

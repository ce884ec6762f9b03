"""RobotsCache: one robots.txt per origin, through the Fetcher; reported, never a crash."""

from __future__ import annotations

import asyncio

from tests.http.conftest import Run, Settings
from tests.http.hostile import CountingServer

from odaudit.http import Fetcher, RobotsCache, RobotsVerdict
from odaudit.http.robots import matching_rule

UA = "odaudit/0.1 (+https://example.org/odaudit)"
ROBOTS = b"""# portal
User-agent: *
Disallow: /privado/
Disallow: /*.xls$
Allow: /privado/publico/

User-agent: odaudit
Disallow: /api/
"""


def ask(run: Run, paths: list[str], **cache: int) -> tuple[list[RobotsVerdict], Fetcher]:
    async def main(f: Fetcher) -> list[RobotsVerdict]:
        robots = RobotsCache(f, **cache)
        return list(
            await asyncio.gather(
                *(robots.verdict(run.url(p) if p[:1] == "/" else p, UA) for p in paths)
            )
        )

    return run(main, retries=0)


def test_disallowed_and_allowed_from_one_fetch_per_origin(run: Run) -> None:
    run.server.robots = (200, ROBOTS, {})
    verdicts, _ = ask(run, ["/api/datos.csv", "/privado/a.csv", "/datos.csv", "/api/b"])
    assert [v.allowed for v in verdicts] == [False, True, True, False]
    # our own group wins over "*": /privado/ is not ours to avoid
    assert verdicts[0].rule == "Disallow: /api/"
    assert verdicts[0].robots_url == run.url("/robots.txt")
    assert run.server.hits["GET /robots.txt"] == 1


def test_allowed_returns_the_bare_answer(run: Run) -> None:
    run.server.robots = (200, b"User-agent: *\nDisallow: /\n", {})

    async def main(f: Fetcher) -> tuple[bool | None, bool | None]:
        robots = RobotsCache(f)
        return await robots.allowed(run.url("/x.csv"), UA), await robots.allowed(
            run.url("/robots.txt"), UA
        )

    (blocked, itself), _ = run(main)
    assert (blocked, itself) == (False, True)


def test_missing_robots_txt_allows_everything(run: Run) -> None:
    verdicts, _ = ask(run, ["/api/datos.csv"])
    assert verdicts[0].allowed is True
    assert "404" in verdicts[0].reason


def test_server_error_is_unknown(run: Run) -> None:
    run.server.robots = (503, b"busy", {})
    verdicts, _ = ask(run, ["/a.csv", "/b.csv"])
    assert [v.allowed for v in verdicts] == [None, None]
    assert verdicts[0].reason == "HTTP 503"
    assert run.server.hits["GET /robots.txt"] == 1  # unknown is cached for the run too


def test_too_many_requests_is_unknown_not_allow_all(run: Run) -> None:
    run.server.robots = (429, b"slow down", {})
    verdicts, _ = ask(run, ["/api/a.csv"])
    assert verdicts[0].allowed is None


def test_the_address_policy_applies(run: Run, forbidden: CountingServer) -> None:
    async def main(f: Fetcher) -> RobotsVerdict:
        return await RobotsCache(f).verdict(forbidden.base + "/a.csv", UA)

    verdict, _ = run(main)
    assert verdict.allowed is None
    assert verdict.robots_url == forbidden.base + "/robots.txt"
    assert verdict.reason.startswith("refused")
    assert forbidden.connections == 0


def test_an_oversized_robots_txt_is_unknown(run: Run) -> None:
    run.server.robots = (200, b"User-agent: *\nDisallow: /api/\n" + b"#" * 4096, {})
    verdicts, _ = ask(run, ["/api/a.csv"], max_bytes=1024)
    assert verdicts[0].allowed is None
    assert "larger than 1024" in verdicts[0].reason


def test_an_unsized_robots_txt_is_read_up_to_the_cap(run: Run) -> None:
    body = b"User-agent: *\nDisallow: /api/\n" + b"Disallow: /x\n" * 1000
    run.server.robots = (200, body, {"X-Unsized": "1"})
    verdicts, _ = ask(run, ["/api/a.csv", "/b.csv"], max_bytes=1024)
    assert [v.allowed for v in verdicts] == [False, True]


def test_hostile_bytes_are_no_rules(run: Run) -> None:
    run.server.robots = (200, bytes(range(256)) * 64 + b"\xff\xfe<html>", {})
    verdicts, _ = ask(run, ["/api/a.csv", "bogus://nowhere", ""])
    assert verdicts[0].allowed is True
    assert verdicts[1] == RobotsVerdict(None, "", reason="not an http(s) URL")
    assert verdicts[2].allowed is None


def test_matching_rule_names_the_longest_blocking_line() -> None:
    text = "User-agent: *\nDisallow: /d/\nDisallow: /d/privado/  # no\nDisallow:\n"
    assert matching_rule(text, "https://x.gt/d/privado/a.csv", "bot") == "Disallow: /d/privado/"
    assert matching_rule(text, "https://x.gt/e.csv", "bot") == ""
    assert matching_rule("User-agent: googlebot\nDisallow: /\n", "https://x.gt/a", "bot") == ""


# ------------------------------------------------------------------ Crawl-delay


def test_crawl_delay_becomes_the_hosts_interval(run: Run) -> None:
    run.server.robots = (200, b"User-agent: *\nCrawl-delay: 3\nDisallow: /privado/\n", {})

    async def main(f: Fetcher) -> RobotsVerdict:
        verdict = await RobotsCache(f).verdict(run.url("/a.csv"), UA)
        for name in ("/a.csv", "/b.csv", "/c.csv"):
            await f.probe(run.url(name))
        return verdict

    verdict, fetcher = run(main, retries=0)
    assert verdict.allowed is True and verdict.crawl_delay == 3.0
    state = fetcher.host_state("127.0.0.1")
    assert (state.crawl_delay, state.interval) == (3.0, 3.0)
    # robots.txt started at 0; each probe starts 3 s after the one before (virtual clock)
    assert run.sleeps == [3.0, 3.0, 3.0]


def test_crawl_delay_is_capped_by_the_settings(run: Run) -> None:
    run.server.robots = (200, b"User-agent: *\nCrawl-delay: 86400\n", {})
    verdicts, fetcher = ask(run, ["/a.csv"])
    assert verdicts[0].crawl_delay == 10.0  # max_crawl_delay of the test settings
    assert fetcher.host_state("127.0.0.1").interval == 10.0


def test_max_crawl_delay_zero_ignores_it(run: Run) -> None:
    run.server.robots = (200, b"User-agent: *\nCrawl-delay: 5\n", {})

    async def main(f: Fetcher) -> RobotsVerdict:
        return await RobotsCache(f).verdict(run.url("/a.csv"), UA)

    verdict, fetcher = run(main, Settings(max_crawl_delay=0.0), retries=0)
    assert verdict.crawl_delay == 0.0
    assert fetcher.host_state("127.0.0.1").interval == 0.0


def test_request_rate_counts_as_a_delay(run: Run) -> None:
    run.server.robots = (200, b"User-agent: *\nRequest-rate: 1/4s\nCrawl-delay: 1\n", {})
    verdicts, _ = ask(run, ["/a.csv"])
    assert verdicts[0].crawl_delay == 4.0  # the longer of the two asks


def test_our_group_sets_the_delay_not_others(run: Run) -> None:
    robots = b"User-agent: googlebot\nCrawl-delay: 9\n\nUser-agent: *\nCrawl-delay: 2\n"
    run.server.robots = (200, robots, {})
    verdicts, _ = ask(run, ["/a.csv"])
    assert verdicts[0].crawl_delay == 2.0


def test_hostile_crawl_delays_are_ignored(run: Run) -> None:
    for value in (b"-5", b"nan", b"inf", b"1e400", b"soon", b""):
        run.server.robots = (200, b"User-agent: *\nCrawl-delay: " + value + b"\n", {})
        verdicts, fetcher = ask(run, ["/a.csv"])
        assert verdicts[0].allowed is True
        assert verdicts[0].crawl_delay == 0.0, value
        assert fetcher.host_state("127.0.0.1").interval == 0.0

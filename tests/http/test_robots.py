"""RobotsCache: one robots.txt per origin, through the Fetcher; reported, never a crash."""

from __future__ import annotations

import asyncio

from tests.http.conftest import Run
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

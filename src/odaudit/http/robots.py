"""robots.txt per origin, read once per run through the Fetcher (so the address policy applies).

Catalogue resources are still checked once, politely, when robots.txt disallows them: the
portal declared them public. The verdict is reported (rule AV008), never obeyed here.
4xx means "no rules" (RFC 9309 2.3.1.3); 429, 5xx and no answer mean "we cannot tell".
A Crawl-delay (or Request-rate) for our user agent becomes the host's minimum interval from
the moment the file is read, capped by the crawl settings (`Fetcher.crawl_delay`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from odaudit.http.fetcher import Fetcher
from odaudit.http.types import FetchError

__all__ = ["ROBOTS_MAX_BYTES", "RobotsCache", "RobotsVerdict", "matching_rule", "requested_delay"]

#: Google reads the first 500 KiB of a robots.txt; we read at most 512 KiB.
ROBOTS_MAX_BYTES = 512 * 1024
_MAX_CANDIDATES = 500  # Disallow patterns tried when naming the matching line
_AGENT_FIELDS = frozenset({"user-agent", "useragent", "user agent"})


@dataclass(frozen=True)
class RobotsVerdict:
    """What an origin's robots.txt says about one URL for one user agent."""

    allowed: bool | None  # None: robots.txt could not be read (5xx, 429, no answer)
    robots_url: str
    rule: str = ""  # the Disallow line that matches, when it can be named
    reason: str = ""  # why the verdict is unknown, or "no robots.txt" for a 4xx
    crawl_delay: float = 0.0  # seconds between requests honoured for this origin (0: none)


@dataclass(frozen=True)
class _Rules:
    parser: Protego | None  # None with `known`: allow all
    text: str
    known: bool
    reason: str = ""
    crawl_delay: float = 0.0


class RobotsCache:
    """One robots.txt fetch per origin (scheme, host, port), shared by concurrent callers."""

    def __init__(self, fetcher: Fetcher, *, max_bytes: int = ROBOTS_MAX_BYTES) -> None:
        self._fetcher = fetcher
        self._max_bytes = max_bytes
        self._origins: dict[str, asyncio.Task[_Rules]] = {}

    async def allowed(self, url: str, user_agent: str) -> bool | None:
        """True or False as robots.txt says; None when it could not be read."""
        return (await self.verdict(url, user_agent)).allowed

    async def verdict(self, url: str, user_agent: str) -> RobotsVerdict:
        """The verdict with its evidence: the robots.txt URL and the matching Disallow line."""
        origin = _origin(url)
        if origin is None:
            return RobotsVerdict(None, "", reason="not an http(s) URL")
        robots_url = f"{origin}/robots.txt"
        task = self._origins.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._load(robots_url))
            self._origins[origin] = task
        rules = await asyncio.shield(task)
        if not rules.known:
            return RobotsVerdict(None, robots_url, reason=rules.reason)
        if rules.parser is None:
            return RobotsVerdict(True, robots_url, reason=rules.reason)
        delay = rules.crawl_delay
        try:
            allowed = bool(rules.parser.can_fetch(url, user_agent))
        except Exception as exc:  # protego on a hostile URL or file
            reason = f"{type(exc).__name__}: {exc}"[:200]
            return RobotsVerdict(None, robots_url, reason=reason, crawl_delay=delay)
        if allowed:
            return RobotsVerdict(True, robots_url, crawl_delay=delay)
        rule = matching_rule(rules.text, url, user_agent)
        return RobotsVerdict(False, robots_url, rule=rule, crawl_delay=delay)

    async def _load(self, robots_url: str) -> _Rules:
        try:
            response = await self._fetcher.get(robots_url, max_bytes=self._max_bytes)
        except FetchError as exc:
            return _Rules(None, "", False, f"{exc.outcome.value}: {exc.message}"[:200])
        except Exception as exc:  # anything else is also "we cannot tell", never a crash
            return _Rules(None, "", False, f"{type(exc).__name__}: {exc}"[:200])
        status = response.status
        if status == 429 or status >= 500:
            return _Rules(None, "", False, f"HTTP {status}")
        if 400 <= status < 500:
            return _Rules(None, "", True, f"no robots.txt (HTTP {status})")
        if not 200 <= status < 300:
            return _Rules(None, "", False, f"HTTP {status}")
        body = response.body
        if response.truncated:
            if not body:
                return _Rules(None, "", False, f"robots.txt larger than {self._max_bytes} bytes")
            body = body[: body.rfind(b"\n") + 1]  # a cut line could widen a rule
        text = body.decode("utf-8", errors="replace").removeprefix("\ufeff")
        try:
            parser = Protego.parse(text)
        except Exception as exc:
            return _Rules(None, "", False, f"unreadable robots.txt: {type(exc).__name__}"[:200])
        asked = requested_delay(parser, self._fetcher.settings.user_agent)
        host = urlsplit(robots_url).hostname or ""
        delay = self._fetcher.crawl_delay(host, asked) if asked > 0 else 0.0
        return _Rules(parser, text, True, crawl_delay=delay)


def requested_delay(parser: Protego, user_agent: str) -> float:
    """Seconds between requests that robots.txt asks of `user_agent`: Crawl-delay, or the
    interval a Request-rate implies, whichever is longer; 0 when it asks for none."""
    try:
        delay = parser.crawl_delay(user_agent)
        rate = parser.request_rate(user_agent)
    except Exception:  # protego on a hostile file
        return 0.0
    seconds = float(delay) if delay is not None and delay == delay else 0.0
    if rate is not None and rate.requests > 0:
        seconds = max(seconds, float(rate.seconds) / rate.requests)
    return seconds if 0 < seconds < float("inf") else 0.0


def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" + (f":{port}" if port is not None else "")


def _score(agent: str, user_agent: str) -> int:
    """How well a group's agent token matches, as protego ranks groups."""
    if agent == "*":
        return 1
    index = user_agent.find(agent)
    while index != -1:
        if index == 0 or not (user_agent[index - 1].isalnum() or user_agent[index - 1] in "-_"):
            return len(agent)
        index = user_agent.find(agent, index + 1)
    return 0


def matching_rule(text: str, url: str, user_agent: str) -> str:
    """The longest Disallow line of our group that blocks `url`; "" when none can be named.

    protego answers yes or no only, so each candidate line is tried alone with protego
    itself: the line named is one that blocks the URL by protego's own matching.
    """
    groups: list[tuple[list[str], list[str]]] = []
    after_agent = False  # consecutive User-agent lines share one group
    for raw in text.splitlines():
        field, sep, value = raw.split("#", 1)[0].partition(":")
        if not sep:
            continue
        field, value = field.strip().lower(), value.strip()
        if field in _AGENT_FIELDS:
            if not after_agent:
                groups.append(([], []))
            groups[-1][0].append(value.lower())
            after_agent = True
            continue
        after_agent = False
        if field == "disallow" and value and groups:
            groups[-1][1].append(value)
    ua = user_agent.strip().lower()
    best = max((_score(a, ua) for g in groups for a in g[0]), default=0)
    if best == 0:
        return ""
    candidates = [p for g in groups if any(_score(a, ua) == best for a in g[0]) for p in g[1]]
    for pattern in sorted(set(candidates[:_MAX_CANDIDATES]), key=len, reverse=True):
        try:
            if not Protego.parse(f"User-agent: *\nDisallow: {pattern}\n").can_fetch(url, "*"):
                return f"Disallow: {pattern}"
        except Exception:  # protego on a hostile pattern
            continue
    return ""

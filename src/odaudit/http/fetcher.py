"""The one HTTP client of the auditor: policy, politeness, redirects, caps, retries.

Requests go straight to one shared httpx transport (no per-request client work:
no cookie jar, no auth flow, no hooks) because a national crawl probes tens of
thousands of URLs and the client layer was most of the CPU spent per URL.
Redirects are followed here, one hop at a time, so the address policy sees
every hop before any connection is made.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal, Self
from urllib.parse import urlsplit

import httpx

from odaudit.http.decode import BodyDecoder, DecodingError
from odaudit.http.limits import HostState, Slots, SlowDown
from odaudit.http.policy import AddressPolicy
from odaudit.http.probe import content_length_of, kept_headers, media_type, needs_get
from odaudit.http.retry import RETRY_STATUSES, backoff_delay, parse_retry_after
from odaudit.http.settings import CrawlSettingsLike, host_concurrency, host_interval
from odaudit.http.types import DownloadResult, FetchError, FetchStats, HttpResponse
from odaudit.http.wire import WireTransport
from odaudit.models import Probe, ProbeOutcome

__all__ = ["Fetcher"]

#: A host name after IDNA, or an IPv6 literal (httpx strips the brackets).
_HOST = re.compile(rb"[A-Za-z0-9._-]+|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(%25[A-Za-z0-9._-]+)?")
#: "sniff": one ranged GET per probe, so the checks always get the first bytes (FM002 needs
#: them even when HEAD looks fine). "head": HEAD first, the ranged GET only when HEAD is unsure.
ProbeStrategy = Literal["sniff", "head"]
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRYABLE = frozenset({ProbeOutcome.TIMEOUT, ProbeOutcome.NETWORK_ERROR})
Sink = Callable[[bytes], object]


@dataclass
class _Answer:
    """One attempt's final (non-redirect) answer."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    redirects: list[str]
    body: bytes = b""
    size: int = 0  # decoded bytes delivered (to `body` or the sink)
    truncated: bool = False
    error: str = ""


@dataclass(frozen=True)
class _Body:
    """How much of a body to read and where: a probe's sniff, a capped GET, a download."""

    limit: int
    whole: bool = False  # a body cut at the limit is reported as truncated
    skip_oversize: bool = False  # a declared Content-Length over the limit is not read at all
    out: IO[bytes] | None = None  # write here instead of keeping it in memory


class _Retryable(FetchError):
    """A FetchError another attempt may cure (timeouts, resets)."""


class Fetcher:
    """Every network request of a run goes through one Fetcher (use `async with`)."""

    def __init__(
        self,
        settings: CrawlSettingsLike,
        policy: AddressPolicy,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        retries: int = 2,
        probe_retries: int = 1,
        retry_probe_timeouts: bool = True,
        retry_cap: float = 30.0,
        backoff_base: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        probe_strategy: ProbeStrategy = "sniff",
        slow_down: SlowDown | None = None,
        clock: Callable[[], float] | None = None,
        low_speed: tuple[int, float] | None = None,
    ) -> None:
        self.probe_strategy = probe_strategy
        # (bytes, seconds): a body slower than that over a whole window is abandoned, and not
        # retried (the drip would start again), so a dripping server holds a lane that long
        # at most rather than the whole deadline once per attempt; from `settings` by default
        self.low_speed = low_speed or (settings.low_speed_bytes, settings.low_speed_time)
        self.settings = settings
        self.policy = policy
        self.stats = FetchStats()
        self.retries = retries
        self.probe_retries = probe_retries
        # A hanging file holds a lane for the whole timeout; an auditor that confirms failures
        # across runs (AV001's confirm_after_runs) need not pay for it twice in one run.
        self.retry_probe_timeouts = retry_probe_timeouts
        self.retry_cap = retry_cap
        self.backoff_base = backoff_base
        self._sleep = sleep
        self._transport = transport or WireTransport(
            max_idle=max(settings.concurrency, 1), pinned=policy.vetted_addresses
        )
        self._headers = {
            "User-Agent": settings.user_agent,
            "Accept-Encoding": "gzip, deflate",
            "Accept": "*/*",
        }
        self._timeouts = {
            "connect": settings.connect_timeout,
            "read": settings.timeout,
            "write": settings.timeout,
            "pool": settings.timeout,
        }
        self._slots = Slots(
            settings.concurrency,
            lambda host: host_concurrency(settings, host),
            lambda host: host_interval(settings, host),
            sleep,
            clock=clock,
            slow_down=slow_down,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    # ------------------------------------------------------------------ public API

    def host_state(self, host: str) -> HostState:
        """How politely `host` is treated now (slowed down after 429s or not)."""
        return self._slots.state(host.lower())

    def host_states(self) -> dict[str, HostState]:
        """Every host contacted so far, by name; `throttled` > 0 marks the ones that said 429."""
        return self._slots.states()

    def crawl_delay(self, host: str, seconds: float) -> float:
        """Honour a robots.txt Crawl-delay for `host`, up to `max_crawl_delay`; returns what applies.

        The cap keeps a hostile or careless robots.txt (Crawl-delay: 86400) from stalling a
        national run; 0 turns Crawl-delay off.
        """
        applied = max(0.0, min(seconds, self.settings.max_crawl_delay))
        self._slots.crawl_delay(host.lower(), applied)
        return applied

    async def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> HttpResponse:
        """GET with the full policy; any HTTP status is returned, no answer raises FetchError."""
        started = time.perf_counter()
        cap = self.settings.max_bytes if max_bytes is None else max_bytes
        answer = await self._retrying(
            self.retries, "GET", url, _Body(cap, whole=True, skip_oversize=True), params, headers
        )
        return HttpResponse(
            url=url,
            final_url=answer.final_url,
            status=answer.status,
            headers=answer.headers,
            content_type=media_type(answer.headers.get("content-type", "")),
            body=answer.body,
            truncated=answer.truncated,
            redirects=answer.redirects,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    async def download(self, url: str, dest: Path, max_bytes: int | None = None) -> DownloadResult:
        """Stream a (capped) copy of `url` into `dest`; HTTP errors returned, no answer raises."""
        cap = self.settings.max_bytes if max_bytes is None else max_bytes
        dest.parent.mkdir(parents=True, exist_ok=True)
        with dest.open("wb") as out:
            answer = await self._retrying(self.retries, "GET", url, _Body(cap, whole=True, out=out))
        return DownloadResult(
            path=dest,
            bytes=answer.size,
            truncated=answer.truncated,
            status=answer.status,
            content_type=media_type(answer.headers.get("content-type", "")),
            final_url=answer.final_url,
            headers=answer.headers,
        )

    async def probe(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Probe:
        """What a resource URL answers, with its first `sniff_bytes`. Never raises.

        See `ProbeStrategy` for whether a HEAD is tried first. With the validators of an
        earlier answer (`etag`, `last_modified`) the request is conditional: an unchanged
        resource answers 304 (status 304, outcome OK, no body) and the caller reuses what
        it stored.
        """
        fetched_at = datetime.now(UTC).isoformat()
        started = time.perf_counter()
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        try:
            probe = await self._probe(url, conditional)
        except FetchError as exc:
            probe = Probe(url=url, outcome=exc.outcome, error=exc.message)
        except Exception as exc:  # hostile input must become evidence, never a crash
            probe = Probe(
                url=url, outcome=ProbeOutcome.NETWORK_ERROR, error=f"{type(exc).__name__}: {exc}"
            )
        probe.fetched_at = fetched_at
        probe.elapsed_ms = (time.perf_counter() - started) * 1000
        return probe

    # ------------------------------------------------------------------ probe

    async def _probe(self, url: str, conditional: Mapping[str, str]) -> Probe:
        head: _Answer | None = None
        if self.probe_strategy == "head":
            try:
                head = await self._retrying(
                    self.probe_retries,
                    "HEAD",
                    url,
                    _Body(0),
                    None,
                    conditional or None,
                    timeouts=self.retry_probe_timeouts,
                )
            except FetchError as exc:
                if exc.outcome is not ProbeOutcome.NETWORK_ERROR:
                    raise
            if head is not None and head.status == 304:
                return self._not_modified(url, "HEAD", head)
            if head is not None and not needs_get(head.status, head.headers, head.final_url):
                return self._to_probe(url, "HEAD", head)
        sniff = self.settings.sniff_bytes
        ranged = {"Range": f"bytes=0-{max(sniff, 1) - 1}", **conditional}
        try:
            got = await self._retrying(
                self.probe_retries,
                "GET",
                url,
                _Body(sniff),
                None,
                ranged,
                timeouts=self.retry_probe_timeouts,
            )
            if got.status == 304:
                return self._not_modified(url, "GET", got)
            if got.status == 416:  # an empty file cannot satisfy any range
                got = await self._retrying(self.probe_retries, "GET", url, _Body(sniff))
        except FetchError as exc:
            if head is None or not 200 <= head.status < 300:
                raise
            probe = self._to_probe(url, "HEAD", head)
            probe.error = f"GET after HEAD failed: {exc.message}"
            return probe
        return self._to_probe(url, "GET", got)

    @classmethod
    def _not_modified(cls, url: str, method: str, answer: _Answer) -> Probe:
        probe = cls._to_probe(url, method, answer)
        probe.outcome = ProbeOutcome.OK
        return probe

    @staticmethod
    def _to_probe(url: str, method: str, answer: _Answer) -> Probe:
        headers = answer.headers
        return Probe(
            url=url,
            outcome=ProbeOutcome.OK if 200 <= answer.status < 300 else ProbeOutcome.HTTP_ERROR,
            final_url=answer.final_url,
            method=method,
            status=answer.status,
            headers=kept_headers(headers),
            content_type=media_type(headers.get("content-type", "")),
            content_length=content_length_of(answer.status, headers),
            last_modified=headers.get("last-modified"),
            etag=headers.get("etag"),
            sniff=answer.body,
            redirects=answer.redirects,
            error=answer.error,
        )

    # ------------------------------------------------------------------ one request

    async def _retrying(
        self,
        retries: int,
        method: str,
        url: str,
        body: _Body,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        timeouts: bool = True,
    ) -> _Answer:
        attempt = 0
        while True:
            if body.out is not None:  # a retry starts the copy again
                body.out.seek(0)
                body.out.truncate()
            try:
                answer = await self._attempt(method, url, body, params, headers)
            except _Retryable as exc:
                if attempt >= retries or (not timeouts and exc.outcome is ProbeOutcome.TIMEOUT):
                    raise FetchError(exc.outcome, exc.url, exc.message) from None
                await self._sleep(backoff_delay(attempt, self.backoff_base, None, self.retry_cap))
                attempt += 1
                continue
            if answer.status not in RETRY_STATUSES or attempt >= retries:
                return answer
            wait = parse_retry_after(answer.headers.get("retry-after"))
            await self._sleep(backoff_delay(attempt, self.backoff_base, wait, self.retry_cap))
            attempt += 1

    def _request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
    ) -> httpx.Request:
        merged = self._headers if not headers else {**self._headers, **headers}
        try:
            request = httpx.Request(method, url, params=params, headers=merged)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, TypeError) as exc:
            raise FetchError(ProbeOutcome.INVALID_URL, url, f"invalid URL: {exc}") from None
        if not _HOST.fullmatch(request.url.raw_host):
            raise FetchError(ProbeOutcome.INVALID_URL, url, "invalid URL: bad host")
        request.extensions["timeout"] = self._timeouts
        return request

    async def _attempt(
        self,
        method: str,
        url: str,
        body: _Body,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
    ) -> _Answer:
        """One attempt, following redirects; the total deadline counts time on the wire only
        (the policy's name lookups, exchanges and bodies; not the wait for a politeness slot)."""
        if not url or not url.strip():
            raise FetchError(ProbeOutcome.INVALID_URL, url, "empty URL")
        scheme = _scheme(url.strip())
        if scheme and scheme not in ("http", "https"):
            raise FetchError(ProbeOutcome.REFUSED, url, f"scheme {scheme!r} is not http or https")
        request = self._request(method, url.strip(), params, headers)
        redirects: list[str] = []
        seen = {str(request.url)}
        budget = self.settings.timeout
        loop = asyncio.get_running_loop()
        while True:
            current = str(request.url)
            started = loop.time()
            try:
                async with asyncio.timeout(max(budget, 0.0)):
                    reason = await self.policy.check(current)
            except TimeoutError:
                raise _Retryable(ProbeOutcome.TIMEOUT, current, "timed out resolving") from None
            finally:
                budget -= loop.time() - started
            if reason:
                raise FetchError(ProbeOutcome.REFUSED, current, reason)
            async with self._slots.hold(request.url.host):
                started = loop.time()
                try:
                    async with asyncio.timeout(max(budget, 0.0)):
                        answer = await self._exchange(request, body)
                except TimeoutError:
                    self.stats.errors += 1
                    raise _Retryable(ProbeOutcome.TIMEOUT, current, "timed out") from None
                finally:
                    budget -= loop.time() - started
            if isinstance(answer, _Answer):
                answer.url = url
                answer.redirects = redirects
                return answer
            target = self._next_hop(current, answer, seen, redirects)
            redirects.append(target)
            seen.add(target)
            # only GET and HEAD are ever sent, so 301/302/303 keep the method; building the
            # request first validates the target (a bad A-label is an INVALID_URL finding)
            previous, request = request, self._request(method, target, None, headers)
            if headers and _origin(previous.url) != _origin(request.url):
                # a caller's headers (API tokens) are for the origin asked, not wherever it points
                headers = {k: v for k, v in headers.items() if k.lower() == "range"}
                request = self._request(method, target, None, headers)

    def _next_hop(self, current: str, location: str, seen: set[str], redirects: list[str]) -> str:
        try:
            target = str(httpx.URL(current).join(location))
        except (httpx.InvalidURL, ValueError, TypeError) as exc:
            raise FetchError(ProbeOutcome.INVALID_URL, current, f"bad redirect: {exc}") from None
        scheme = target.partition(":")[0].lower()
        if scheme not in ("http", "https"):
            raise FetchError(ProbeOutcome.REFUSED, current, f"redirect to scheme {scheme!r}")
        if target in seen:
            raise FetchError(ProbeOutcome.TOO_MANY_REDIRECTS, current, f"redirect loop at {target}")
        if len(redirects) >= self.settings.max_redirects:
            raise FetchError(
                ProbeOutcome.TOO_MANY_REDIRECTS,
                current,
                f"more than {self.settings.max_redirects} redirects",
            )
        return target

    async def _exchange(self, request: httpx.Request, body: _Body) -> _Answer | str:
        """Send one request; a redirect returns its Location, anything else the answer."""
        url = str(request.url)
        self.stats.requests += 1
        try:
            response = await self._transport.handle_async_request(request)
        except httpx.TimeoutException:
            self.stats.errors += 1
            raise _Retryable(ProbeOutcome.TIMEOUT, url, "timed out") from None
        except httpx.TransportError as exc:
            self.stats.errors += 1
            raise _Retryable(ProbeOutcome.NETWORK_ERROR, url, _describe(exc)) from None
        if response.status_code == 429:
            self._slots.throttled(request.url.host)
        else:
            self._slots.answered(request.url.host)
        try:
            headers = {k.lower(): v for k, v in response.headers.items()}
            location = headers.get("location")
            if response.status_code in _REDIRECTS and location:
                return location
            answer = _Answer(url, url, response.status_code, headers, [])
            if request.method != "HEAD" and body.limit > 0:
                await self._read(response, answer, body)
            return answer
        except httpx.TimeoutException:
            self.stats.errors += 1
            raise _Retryable(ProbeOutcome.TIMEOUT, url, "timed out reading the body") from None
        except httpx.TransportError as exc:
            self.stats.errors += 1
            raise _Retryable(ProbeOutcome.NETWORK_ERROR, url, _describe(exc)) from None
        finally:
            await response.aclose()

    async def _read(
        self,
        response: httpx.Response,
        answer: _Answer,
        body: _Body,
    ) -> None:
        """Read the decoded body up to its limit into memory or `body.out`."""
        limit, out = body.limit, body.out
        if body.skip_oversize:
            declared = answer.headers.get("content-length", "").strip()
            if declared.isdigit() and int(declared) > limit:
                answer.truncated = True
                return
        try:
            decoder = BodyDecoder(answer.headers.get("content-encoding", ""))
        except DecodingError as exc:
            raise FetchError(ProbeOutcome.REFUSED, answer.url, str(exc)) from None
        chunks: list[bytes] = []
        size = 0
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        floor, window = self.low_speed
        loop = asyncio.get_running_loop()
        window_start, window_bytes = loop.time(), 0
        try:
            async for raw in stream:
                self.stats.bytes += len(raw)
                window_bytes += len(raw)
                now = loop.time()
                if now - window_start >= window:
                    if window_bytes < floor:
                        raise FetchError(
                            ProbeOutcome.TIMEOUT,
                            answer.url,
                            f"too slow: {window_bytes} bytes in {now - window_start:.1f} s",
                        )
                    window_start, window_bytes = now, 0
                data, more = decoder.feed(raw, limit - size)
                if data:
                    if out is not None:
                        out.write(data)
                    else:
                        chunks.append(data)
                    size += len(data)
                if more:
                    answer.truncated = body.whole
                    break
        except DecodingError as exc:
            raise FetchError(ProbeOutcome.NETWORK_ERROR, answer.url, str(exc)) from None
        answer.body = b"".join(chunks)
        answer.size = size


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def _describe(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"

"""Politeness: how many requests are in flight, overall and per host, and how often.

A host that answers 429 is slowed down rather than hammered: each 429 doubles an extra
minimum interval for that host (from `SlowDown.floor` up to `SlowDown.cap`) and lets
only one request to it be in flight; a run of other answers halves it again. A host whose
robots.txt asks for a Crawl-delay gets that as its minimum interval (see `Slots.crawl_delay`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

__all__ = ["HostState", "Slots", "SlowDown"]


@dataclass(frozen=True)
class SlowDown:
    """How a host that answers 429 is slowed down and how it recovers."""

    floor: float = 0.5  # seconds added between starts after the first 429
    cap: float = 30.0  # the added interval never grows beyond this
    factor: float = 2.0  # each further 429 multiplies it by this
    recover_after: int = 10  # answers in a row without a 429 that divide it by `factor`


@dataclass(frozen=True)
class HostState:
    """One host's politeness right now, for tests and the run summary."""

    host: str
    concurrency: int  # requests allowed in flight now (1 while slowed)
    interval: float  # minimum seconds between starts now
    slowed: bool
    throttled: int  # 429 answers from this host so far
    in_flight: int
    crawl_delay: float = 0.0  # seconds between starts asked by its robots.txt (0: none)


class _Host:
    __slots__ = (
        "concurrency",
        "delay",
        "in_flight",
        "interval",
        "last_start",
        "lock",
        "penalty",
        "streak",
        "throttled",
        "waiter",
    )

    def __init__(self, concurrency: int, interval: float) -> None:
        self.concurrency = concurrency
        self.interval = interval
        self.lock = asyncio.Lock()  # one starter at a time: slot, then interval
        self.in_flight = 0
        self.last_start: float | None = None
        self.waiter: asyncio.Future[None] | None = None  # the lock holder waiting for a slot
        self.penalty = 0.0  # extra interval while slowed; 0 when not slowed
        self.streak = 0  # answers without a 429 since the last one
        self.throttled = 0
        self.delay = 0.0  # robots.txt Crawl-delay, as far as the settings allow

    @property
    def limit(self) -> int:
        return 1 if self.penalty > 0 else self.concurrency

    @property
    def gap(self) -> float:
        return max(self.interval, self.delay, self.penalty)

    def release(self) -> None:
        self.in_flight -= 1
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class Slots:
    """A global semaphore, a slot count per host and a minimum interval between starts to a host."""

    def __init__(
        self,
        concurrency: int,
        host_concurrency: Callable[[str], int],
        host_interval: Callable[[str], float],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        *,
        clock: Callable[[], float] | None = None,
        slow_down: SlowDown | None = None,
    ) -> None:
        self._global = asyncio.Semaphore(max(1, concurrency))
        self._host_concurrency = host_concurrency
        self._host_interval = host_interval
        self._hosts: dict[str, _Host] = {}
        self._sleep = sleep
        self._clock = clock
        self.slow_down = slow_down or SlowDown()

    def _now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = _Host(max(1, self._host_concurrency(host)), self._host_interval(host))
            self._hosts[host] = state
        return state

    def hold(self, host: str) -> _Hold:
        """One request's slot; the host slot is taken first so a busy host does not hog global slots."""
        return _Hold(self, self._host(host))

    def throttled(self, host: str) -> None:
        """The host answered 429: widen its interval and serialise it."""
        state = self._host(host)
        rule = self.slow_down
        state.throttled += 1
        state.streak = 0
        state.penalty = min(rule.cap, max(rule.floor, state.penalty * rule.factor))

    def crawl_delay(self, host: str, seconds: float) -> None:
        """robots.txt asked for `seconds` between requests: the host's gap is at least that."""
        state = self._host(host)
        state.delay = max(0.0, seconds)

    def answered(self, host: str) -> None:
        """The host answered something else than 429: a long enough run eases the slow-down."""
        state = self._hosts.get(host)
        if state is None or state.penalty <= 0:
            return
        state.streak += 1
        rule = self.slow_down
        if state.streak >= max(1, rule.recover_after):
            state.streak = 0
            eased = state.penalty / max(rule.factor, 1.0001)
            state.penalty = eased if eased >= rule.floor else 0.0

    def state(self, host: str) -> HostState:
        """A host not contacted yet reads as its configured limits (and is not remembered)."""
        state = self._hosts.get(host) or _Host(
            max(1, self._host_concurrency(host)), self._host_interval(host)
        )
        return HostState(
            host=host,
            concurrency=state.limit,
            interval=state.gap,
            slowed=state.penalty > 0,
            throttled=state.throttled,
            in_flight=state.in_flight,
            crawl_delay=state.delay,
        )

    def states(self) -> dict[str, HostState]:
        return {host: self.state(host) for host in sorted(self._hosts)}

    async def _start(self, state: _Host) -> None:
        """Wait for a free slot and the host's interval; both are re-read after any wait."""
        async with state.lock:
            while True:
                while state.in_flight >= state.limit:
                    state.waiter = asyncio.get_running_loop().create_future()
                    try:
                        await state.waiter
                    finally:
                        state.waiter = None
                gap = state.gap
                if gap > 0 and state.last_start is not None:
                    wait = state.last_start + gap - self._now()
                    if wait > 0:
                        await self._sleep(wait)
                if state.in_flight < state.limit:
                    break
            state.in_flight += 1
            state.last_start = self._now()


class _Hold:
    """`async with slots.hold(host)`; a plain class because it sits on every request's path."""

    __slots__ = ("_host", "_slots")

    def __init__(self, slots: Slots, host: _Host) -> None:
        self._slots = slots
        self._host = host

    async def __aenter__(self) -> None:
        await self._slots._start(self._host)
        try:
            await self._slots._global.acquire()
        except BaseException:
            self._host.release()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        self._slots._global.release()
        self._host.release()

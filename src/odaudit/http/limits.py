"""Politeness: how many requests are in flight, overall and per host, and how often."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

__all__ = ["Slots"]


class _Host:
    __slots__ = ("gate", "interval", "lock", "next_start")

    def __init__(self, concurrency: int, interval: float) -> None:
        self.gate = asyncio.Semaphore(concurrency)
        self.interval = interval
        self.lock = asyncio.Lock()
        self.next_start = 0.0


class Slots:
    """A global semaphore, a semaphore per host and a minimum interval between starts to a host."""

    def __init__(
        self,
        concurrency: int,
        host_concurrency: Callable[[str], int],
        host_interval: Callable[[str], float],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._global = asyncio.Semaphore(max(1, concurrency))
        self._host_concurrency = host_concurrency
        self._host_interval = host_interval
        self._hosts: dict[str, _Host] = {}
        self._sleep = sleep

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = _Host(self._host_concurrency(host), self._host_interval(host))
            self._hosts[host] = state
        return state

    def hold(self, host: str) -> _Hold:
        """One request's slot; the host slot is taken first so a busy host does not hog global slots."""
        return _Hold(self, self._host(host))


class _Hold:
    """`async with slots.hold(host)`; a plain class because it sits on every request's path."""

    __slots__ = ("_host", "_slots")

    def __init__(self, slots: Slots, host: _Host) -> None:
        self._slots = slots
        self._host = host

    async def __aenter__(self) -> None:
        state = self._host
        await state.gate.acquire()
        try:
            if state.interval > 0:
                async with state.lock:
                    loop = asyncio.get_running_loop()
                    wait = state.next_start - loop.time()
                    if wait > 0:
                        await self._slots._sleep(wait)
                    state.next_start = loop.time() + state.interval
            await self._slots._global.acquire()
        except BaseException:
            state.gate.release()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        self._slots._global.release()
        self._host.gate.release()

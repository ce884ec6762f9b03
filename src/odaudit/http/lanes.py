"""A transport that keeps one single-connection pool ("lane") per keep-alive connection.

httpcore's connection pool rescans every connection (and polls each idle socket)
whenever a request starts or ends, and its idle-limit test counts all connections
for each idle one: O(n^2) work per request. At 50 connections that was most of the
CPU spent per URL. The Fetcher already bounds what is in flight per host, so the
pool only has to hand out an idle connection: a free list per origin does that in
O(1). Each lane is a stock httpx transport limited to one connection, so TLS,
keep-alive expiry, server disconnects and error mapping stay httpx's.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

import httpcore
import httpx

from odaudit.http.netio import AsyncioBackend

__all__ = ["LaneTransport"]

_Origin = tuple[bytes, bytes, int | None]


class _Releasing(httpx.AsyncByteStream):
    """The lane goes back to the free list when its response is closed."""

    def __init__(
        self, inner: httpx.AsyncByteStream, owner: LaneTransport, key: _Origin, lane: _Lane
    ) -> None:
        self._inner = inner
        self._owner = owner
        self._key = key
        self._lane = lane
        self._released = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._inner:
            yield part

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            if not self._released:
                self._released = True
                await self._owner.release(self._key, self._lane)


class _Lane:
    """One httpx transport whose "pool" is a single httpcore connection to one origin."""

    __slots__ = ("connection", "origin", "owner", "transport")

    def __init__(self, owner: LaneTransport, origin: httpcore.Origin) -> None:
        self.owner = owner
        self.origin = origin
        self.transport = httpx.AsyncHTTPTransport(verify=owner.ssl, retries=0)
        self.connection = self._connect()

    def _connect(self) -> httpcore.AsyncHTTPConnection:
        connection = httpcore.AsyncHTTPConnection(
            self.origin,
            ssl_context=self.owner.ssl,
            keepalive_expiry=self.owner.keepalive_expiry,
            network_backend=self.owner.backend,
        )
        # httpx takes no network backend and no bare connection; its pool is swapped for ours
        self.transport._pool = connection  # type: ignore[assignment]
        return connection

    async def ready(self) -> None:
        """Replace the connection if the server closed it or its keep-alive ran out."""
        connection = self.connection
        if connection.is_closed() or connection.has_expired():
            await connection.aclose()
            self.connection = self._connect()


_DEFAULT_PORTS = {b"http": 80, b"https": 443}


class LaneTransport(httpx.AsyncBaseTransport):
    """One keep-alive connection per lane; idle lanes reused per origin, oldest closed first."""

    def __init__(
        self,
        max_idle: int = 64,
        keepalive_expiry: float = 5.0,
        pinned: Callable[[str], list[str] | None] | None = None,
    ) -> None:
        self.backend = AsyncioBackend(pinned)
        self.ssl = httpx.create_ssl_context()  # loading the CA bundle once, not per lane
        self.keepalive_expiry = keepalive_expiry
        self._max_idle = max(1, max_idle)
        self._idle: OrderedDict[int, tuple[_Origin, _Lane]] = OrderedDict()
        self._free: dict[_Origin, list[_Lane]] = {}
        self._busy: set[_Lane] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key: _Origin = (url.raw_scheme, url.raw_host, url.port)
        free = self._free.get(key)
        if free:
            lane = free.pop()
            del self._idle[id(lane)]
            await lane.ready()
        else:
            port = url.port or _DEFAULT_PORTS.get(url.raw_scheme, 80)
            lane = _Lane(self, httpcore.Origin(url.raw_scheme, url.raw_host, port))
        self._busy.add(lane)
        try:
            response = await lane.transport.handle_async_request(request)
        except BaseException:
            await self.release(key, lane)
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _Releasing(response.stream, self, key, lane)
        return response

    async def release(self, key: _Origin, lane: _Lane) -> None:
        self._busy.discard(lane)
        self._free.setdefault(key, []).append(lane)
        self._idle[id(lane)] = (key, lane)
        while len(self._idle) > self._max_idle:
            _, (old_key, old) = self._idle.popitem(last=False)
            self._free[old_key].remove(old)
            if not self._free[old_key]:
                del self._free[old_key]
            await old.transport.aclose()

    async def aclose(self) -> None:
        lanes = [lane for _, lane in self._idle.values()] + list(self._busy)
        self._idle.clear()
        self._free.clear()
        self._busy.clear()
        for lane in lanes:
            await lane.transport.aclose()

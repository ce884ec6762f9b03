"""HTTP/1.1 on asyncio protocols, parsed by llhttp (httptools): the auditor's transport.

httpx's own transport (httpcore's connection state machine and h11's pure-Python parser,
on anyio locks) cost about 0.7 ms of CPU per probed URL at 50 in flight, where the peers
spend 0.2-0.5 ms. The auditor needs little of HTTP: GET and HEAD without bodies, one
request at a time per connection, keep-alive, and response framing (Content-Length,
chunked, close-delimited) parsed strictly. llhttp (Node.js's parser, wrapped by
httptools for uvicorn) does the parsing in C; this module only frames requests, moves
bytes and enforces limits. httpx's Request and Response stay the contract, so the
Fetcher and the tests' mock transports are unchanged.

Limits a hostile server cannot lift: response headers at most `_HEADER_BYTES` and
`_HEADER_COUNT`; body bytes buffered ahead of the reader at most `_HIGH_WATER` (reading
from the socket pauses until the Fetcher takes them); connections go only to the
addresses the policy vetted (`pinned`).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from typing import Any

import httptools
import httpx

__all__ = ["WireTransport"]

_HEADER_BYTES = 64 * 1024
_HEADER_COUNT = 256
_HIGH_WATER = 256 * 1024
_DEFAULT_PORTS = {b"http": 80, b"https": 443}
_NO_BODY_STATUSES = frozenset({204, 304})

_Origin = tuple[bytes, bytes, int]


class _Exchange:
    """One request's answer as llhttp parses it: status, headers, buffered body, errors."""

    __slots__ = (
        "_waiter",
        "buffered",
        "chunks",
        "complete",
        "connection",
        "error",
        "head",
        "head_only",
        "header_bytes",
        "headers",
        "informational",
        "keep_alive",
        "parser",
        "received",
        "status",
        "version",
    )

    def __init__(self, connection: _Connection, head_only: bool) -> None:
        self.connection = connection
        self.head_only = head_only
        self.parser = httptools.HttpResponseParser(self)
        self.parser.set_dangerous_leniencies(lenient_optional_cr_before_lf=True)
        self.status = 0
        self.version = "1.1"
        self.headers: list[tuple[bytes, bytes]] = []
        self.header_bytes = 0
        self.informational = False
        self.head: asyncio.Future[None] = connection.loop.create_future()
        self.chunks: list[bytes] = []
        self.buffered = 0
        self.complete = False
        self.keep_alive = False
        self.received = False  # any byte of an answer arrived
        self.error: Exception | None = None
        self._waiter: asyncio.Future[None] | None = None

    # -------------------------------------------------------------- llhttp callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        self.header_bytes += len(name) + len(value) + 4
        if self.header_bytes > _HEADER_BYTES or len(self.headers) >= _HEADER_COUNT:
            raise httpx.RemoteProtocolError(
                f"response headers over {_HEADER_BYTES // 1024} KiB or {_HEADER_COUNT} lines"
            )
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        if 100 <= status < 200:
            if status == 101:
                raise httpx.RemoteProtocolError("101 Switching Protocols was not asked for")
            self.informational = True  # 100 Continue, 103 Early Hints: the answer follows
            self.headers = []
            return
        self.status = status
        self.version = self.parser.get_http_version()
        self.keep_alive = self._wants_keep_alive()
        if self.head_only or status in _NO_BODY_STATUSES:
            self.complete = True  # llhttp cannot be told a HEAD has no body; it is not read
        if not self.head.done():
            self.head.set_result(None)

    def on_body(self, body: bytes) -> None:
        if self.complete:  # bytes after a bodiless answer: the connection is out of step
            self.keep_alive = False
            return
        self.chunks.append(body)
        self.buffered += len(body)
        if self.buffered > _HIGH_WATER:
            self.connection.pause()
        self._wake()

    def on_message_complete(self) -> None:
        if self.informational:
            self.informational = False
            return
        if not self.complete:
            self.complete = True
            self.keep_alive = self.keep_alive and self.parser.should_keep_alive()
        self._wake()

    # -------------------------------------------------------------- connection events

    def feed(self, data: bytes) -> None:
        self.received = True
        if self.complete and self.head.done():
            self.keep_alive = False  # more than the answer: never reuse this connection
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.fail(httpx.RemoteProtocolError("unexpected protocol upgrade"))
        except httptools.HttpParserCallbackError as exc:
            cause = exc.__context__
            self.fail(cause if isinstance(cause, httpx.HTTPError) else _malformed(exc))
        except httptools.HttpParserError as exc:
            self.fail(_malformed(exc))

    def lost(self, exc: Exception | None) -> None:
        """The server closed the connection (or it broke)."""
        self.keep_alive = False
        if self.complete:
            return
        if self.head.done() and self._close_delimited():
            self.complete = True  # the body ends when the connection does
            self._wake()
            return
        if exc is None:
            if not self.head.done():
                message = "server closed the connection without answering"
            else:
                message = "server closed the connection before the body ended"
            self.fail(httpx.RemoteProtocolError(message))
        else:
            self.fail(httpx.ReadError(f"{type(exc).__name__}: {exc}"))

    def fail(self, error: Exception) -> None:
        if self.error is None and not self.complete:
            self.error = error
        self.keep_alive = False
        if not self.head.done():
            self.head.set_exception(error)
        self._wake()
        self.connection.abort()

    # -------------------------------------------------------------- reader side

    def take(self) -> bytes:
        data = self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks)
        self.chunks = []
        if self.buffered > _HIGH_WATER:
            self.connection.resume()
        self.buffered = 0
        return data

    async def wait(self, timeout: float | None) -> None:
        self._waiter = waiter = self.connection.loop.create_future()
        try:
            async with asyncio.timeout(timeout):
                await waiter
        except TimeoutError:
            raise httpx.ReadTimeout("timed out waiting for the body") from None
        finally:
            self._waiter = None

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _wants_keep_alive(self) -> bool:
        tokens = b",".join(v for k, v in self.headers if k.lower() == b"connection").lower()
        if self.version == "1.0":
            return b"keep-alive" in tokens and not self._close_delimited()
        return b"close" not in tokens

    def _close_delimited(self) -> bool:
        if self.head_only or self.status in _NO_BODY_STATUSES:
            return False
        for name, _ in self.headers:
            lower = name.lower()
            if lower == b"content-length" or lower == b"transfer-encoding":
                return False
        return True


def _malformed(exc: Exception) -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError(f"malformed response: {exc}")


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection; at most one exchange at a time."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.exchange: _Exchange | None = None
        self.closed = False
        self.idle_since = 0.0
        self.used = 0  # exchanges sent, to tell a reused connection from a fresh one
        self._paused = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        exchange = self.exchange
        if exchange is None:  # bytes nobody asked for: the connection cannot be trusted
            self.abort()
            return
        exchange.feed(data)

    def eof_received(self) -> bool:
        return False  # close our side too; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.exchange is not None:
            self.exchange.lost(exc)

    # ours
    def send(self, head: bytes, head_only: bool) -> _Exchange:
        exchange = _Exchange(self, head_only)
        self.exchange = exchange
        self.used += 1
        assert self.transport is not None
        self.transport.write(head)
        return exchange

    def finish(self) -> bool:
        """The exchange is over; True when the connection may carry another."""
        exchange, self.exchange = self.exchange, None
        reusable = (
            exchange is not None
            and exchange.complete
            and exchange.keep_alive
            and exchange.error is None
            and not self.closed
        )
        if reusable:
            self.resume()
            self.idle_since = time.monotonic()
        else:
            self.abort()
        return reusable

    def pause(self) -> None:
        if not self._paused and self.transport is not None:
            self._paused = True
            self.transport.pause_reading()

    def resume(self) -> None:
        if self._paused and self.transport is not None and not self.closed:
            self._paused = False
            self.transport.resume_reading()

    def abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()  # a half-read body is not worth a graceful close


class _Body(httpx.AsyncByteStream):
    """The response body as it arrives; closing it hands the connection back (or drops it)."""

    def __init__(
        self,
        owner: WireTransport,
        key: _Origin,
        connection: _Connection,
        read_timeout: float | None,
    ) -> None:
        self._owner = owner
        self._key = key
        self._connection = connection
        self._exchange = connection.exchange
        self._timeout = read_timeout
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        exchange = self._exchange
        assert exchange is not None
        while True:
            if exchange.chunks:
                yield exchange.take()
            elif exchange.error is not None:
                raise exchange.error
            elif exchange.complete:
                return
            else:
                await exchange.wait(self._timeout)

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._owner.release(self._key, self._connection)


class WireTransport(httpx.AsyncBaseTransport):
    """Keep-alive connections reused per origin; idle ones beyond `max_idle` closed oldest first.

    `pinned(host)` gives the addresses the address policy vetted for `host`; connections go
    to those (first that answers), never to a second DNS answer. An empty list (the name
    resolved to nothing) means no connection at all; None, a host the policy did not resolve.
    """

    def __init__(
        self,
        max_idle: int = 64,
        keepalive_expiry: float = 5.0,
        pinned: Callable[[str], list[str] | None] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.ssl = ssl_context or httpx.create_ssl_context()  # the CA bundle is loaded once
        self.keepalive_expiry = keepalive_expiry
        self._pinned = pinned
        self._max_idle = max(1, max_idle)
        self._idle: OrderedDict[_Connection, _Origin] = OrderedDict()
        self._free: dict[_Origin, list[_Connection]] = {}
        self._busy: set[_Connection] = set()
        self.connections_opened = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.raw_scheme
        if scheme not in _DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"scheme {scheme!r} is not http or https")
        key: _Origin = (scheme, url.raw_host, url.port or _DEFAULT_PORTS[scheme])
        timeouts: dict[str, Any] = request.extensions.get("timeout", {})
        read_timeout = timeouts.get("read")
        head = _serialise(request)
        head_only = request.method == "HEAD"
        while True:
            connection = self._take_idle(key)
            reused = connection is not None
            if connection is None:
                connection = await self._connect(key, timeouts.get("connect"))
            self._busy.add(connection)
            exchange = connection.send(head, head_only)
            try:
                async with asyncio.timeout(read_timeout):
                    await exchange.head
            except TimeoutError:
                self._drop(connection)
                raise httpx.ReadTimeout("timed out waiting for the answer") from None
            except httpx.HTTPError:
                self._drop(connection)
                if reused and not exchange.received:
                    continue  # the server closed an idle connection as we reused it
                raise
            except BaseException:
                self._drop(connection)
                raise
            break
        return httpx.Response(
            exchange.status,
            headers=exchange.headers,
            stream=_Body(self, key, connection, read_timeout),
            extensions={"http_version": b"HTTP/" + exchange.version.encode()},
            request=request,
        )

    def release(self, key: _Origin, connection: _Connection) -> None:
        self._busy.discard(connection)
        if not connection.finish():
            return
        self._free.setdefault(key, []).append(connection)
        self._idle[connection] = key
        while len(self._idle) > self._max_idle:
            old, old_key = self._idle.popitem(last=False)
            self._forget(old_key, old)
            old.abort()

    async def aclose(self) -> None:
        for connection in [*self._idle, *self._busy]:
            connection.abort()
        self._idle.clear()
        self._free.clear()
        self._busy.clear()

    # ------------------------------------------------------------------ connections

    def _take_idle(self, key: _Origin) -> _Connection | None:
        free = self._free.get(key)
        now = time.monotonic()
        while free:
            connection = free.pop()
            del self._idle[connection]
            if not connection.closed and now - connection.idle_since < self.keepalive_expiry:
                return connection
            connection.abort()
        return None

    def _forget(self, key: _Origin, connection: _Connection) -> None:
        free = self._free.get(key)
        if free is not None:
            free.remove(connection)
            if not free:
                del self._free[key]

    def _drop(self, connection: _Connection) -> None:
        self._busy.discard(connection)
        connection.exchange = None
        connection.abort()

    async def _connect(self, key: _Origin, timeout: float | None) -> _Connection:
        scheme, raw_host, port = key
        host = raw_host.decode("ascii")
        pinned = self._pinned(host) if self._pinned else None
        if pinned is not None and not pinned:
            # the policy could not resolve it: a lookup of our own would connect unchecked
            raise httpx.ConnectError(f"{host}: name did not resolve to any address")
        targets = pinned or [host]
        loop = asyncio.get_running_loop()
        tls = scheme == b"https"
        try:
            async with asyncio.timeout(timeout):
                for n, target in enumerate(targets):  # like a resolver's list: first that answers
                    try:
                        _, protocol = await loop.create_connection(
                            lambda: _Connection(loop),
                            target,
                            port,
                            ssl=self.ssl if tls else None,
                            server_hostname=host if tls else None,
                        )
                        break
                    except OSError:
                        if n == len(targets) - 1:
                            raise
        except TimeoutError:
            raise httpx.ConnectTimeout("connect timed out") from None
        except (OSError, UnicodeError, ValueError) as exc:
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        self.connections_opened += 1
        return protocol


def _serialise(request: httpx.Request) -> bytes:
    """The request line and headers, then the body (GET and HEAD have none)."""
    body = request.content if request.method not in ("GET", "HEAD") else b""
    raw = request.headers.raw
    lines = [request.method.encode("ascii"), b" ", request.url.raw_path, b" HTTP/1.1\r\n"]
    for name, value in raw:
        lines += (name, b": ", value, b"\r\n")
    if body:
        lines += (b"Content-Length: ", str(len(body)).encode(), b"\r\n")
    lines.append(b"\r\n")
    head = b"".join(lines)
    # every line break is one we wrote: a CR, LF or NUL inside a value would split the request
    breaks = len(raw) + 2 + (1 if body else 0)
    if head.count(b"\n") != breaks or head.count(b"\r") != breaks or b"\x00" in head:
        raise httpx.LocalProtocolError("CR, LF or NUL inside the request target or a header")
    return head + body if body else head

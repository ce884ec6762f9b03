"""The HTTP/1.1 transport against a raw socket server that answers byte for byte as scripted.

Each test scripts what the server writes on each connection; the server records what it was
sent and how many connections it accepted, so framing, keep-alive reuse and the refusal of
malformed answers are checked on the wire, not through another HTTP library.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from odaudit.http.wire import WireTransport

#: what the server does on one connection: gets the socket and a reader of whole requests
Script = Callable[[socket.socket, Callable[[], bytes]], None]


class RawServer:
    """127.0.0.1 TCP server; connection n runs scripts[min(n, len - 1)]."""

    def __init__(self, *scripts: Script, tls: ssl.SSLContext | None = None) -> None:
        self.scripts = scripts
        self.requests: list[bytes] = []
        self.connections = 0
        self._tls = tls
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str = "/x", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            n = self.connections
            self.connections += 1
            script = self.scripts[min(n, len(self.scripts) - 1)]
            threading.Thread(target=self._run, args=(conn, script), daemon=True).start()

    def _run(self, conn: socket.socket, script: Script) -> None:
        if self._tls is not None:
            try:
                conn = self._tls.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                conn.close()
                return
        buffer = bytearray()

        def read_request() -> bytes:
            while b"\r\n\r\n" not in buffer:
                data = conn.recv(65536)
                if not data:
                    return b""
                buffer.extend(data)
            end = buffer.index(b"\r\n\r\n") + 4
            request = bytes(buffer[:end])
            del buffer[:end]
            self.requests.append(request)
            return request

        try:
            script(conn, read_request)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self._sock.close()


@pytest.fixture()
def serve() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def make(*scripts: Script, tls: ssl.SSLContext | None = None) -> RawServer:
        servers.append(RawServer(*scripts, tls=tls))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def answers(*responses: bytes) -> Script:
    """Answer each request in turn with the next response, then keep the connection open."""

    def script(conn: socket.socket, read_request: Callable[[], bytes]) -> None:
        for response in responses:
            if not read_request():
                return
            conn.sendall(response)
        read_request()  # wait for the client to close

    return script


def closes_after(response: bytes) -> Script:
    def script(conn: socket.socket, read_request: Callable[[], bytes]) -> None:
        if read_request():
            conn.sendall(response)
        conn.shutdown(socket.SHUT_WR)

    return script


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/csv\r\n\r\nhello"


def fetch(
    transport: WireTransport,
    *urls: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    timeout: float = 2.0,
) -> list[tuple[int, dict[str, str], bytes] | Exception]:
    """Send each request in turn; the status, headers and body of each, or what it raised."""

    async def one(url: str) -> tuple[int, dict[str, str], bytes]:
        request = httpx.Request(method, url, headers=headers)
        request.extensions["timeout"] = {"connect": timeout, "read": timeout}
        response = await transport.handle_async_request(request)
        try:
            body = b"".join([part async for part in response.stream])  # type: ignore[union-attr]
        finally:
            await response.aclose()
        return response.status_code, dict(response.headers), body

    async def main() -> list[tuple[int, dict[str, str], bytes] | Exception]:
        results: list[tuple[int, dict[str, str], bytes] | Exception] = []
        for url in urls:
            try:
                results.append(await one(url))
            except httpx.HTTPError as exc:
                results.append(exc)
        await transport.aclose()
        return results

    return asyncio.run(main())


# ------------------------------------------------------------------ framing


def test_content_length_body_and_keep_alive_reuse(serve: Callable[..., RawServer]) -> None:
    server = serve(answers(OK, OK, OK))
    results = fetch(WireTransport(), server.url("/a"), server.url("/b"), server.url("/c"))
    assert [r[0] for r in results if isinstance(r, tuple)] == [200, 200, 200]
    assert all(isinstance(r, tuple) and r[2] == b"hello" for r in results)
    assert server.connections == 1  # one keep-alive connection for all three
    assert server.requests[0].startswith(b"GET /a HTTP/1.1\r\nHost: 127.0.0.1:")


def test_chunked_body_with_trailers(serve: Callable[..., RawServer]) -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n"
    )
    server = serve(answers(chunked, OK))
    first, second = fetch(WireTransport(), server.url(), server.url())
    assert isinstance(first, tuple) and first[2] == b"hello, world"
    assert isinstance(second, tuple) and second[2] == b"hello"
    assert server.connections == 1


def test_body_that_ends_with_the_connection(serve: Callable[..., RawServer]) -> None:
    server = serve(closes_after(b"HTTP/1.0 200 OK\r\nContent-Type: text/csv\r\n\r\na,b\n1,2\n"))
    [result] = fetch(WireTransport(), server.url())
    assert isinstance(result, tuple) and result[2] == b"a,b\n1,2\n"


def test_connection_close_is_not_reused(serve: Callable[..., RawServer]) -> None:
    closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
    server = serve(closes_after(closing))
    results = fetch(WireTransport(), server.url(), server.url())
    assert all(isinstance(r, tuple) and r[2] == b"ok" for r in results)
    assert server.connections == 2


def test_head_with_content_length_has_no_body_and_keeps_the_connection(
    serve: Callable[..., RawServer],
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"
    server = serve(answers(head, OK))
    transport = WireTransport()
    [first] = fetch(transport, server.url(), method="HEAD")
    assert isinstance(first, tuple) and first[0] == 200 and first[2] == b""
    assert first[1]["content-length"] == "1000000"


def test_head_then_get_share_a_connection(serve: Callable[..., RawServer]) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    server = serve(answers(head, OK))

    async def main() -> list[int]:
        transport = WireTransport()
        statuses = []
        for method in ("HEAD", "GET"):
            response = await transport.handle_async_request(httpx.Request(method, server.url()))
            await response.aread()
            statuses.append(response.status_code)
            await response.aclose()
        await transport.aclose()
        return statuses

    assert asyncio.run(main()) == [200, 200]
    assert server.connections == 1


def test_informational_answers_are_skipped(serve: Callable[..., RawServer]) -> None:
    server = serve(
        answers(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n" + OK)
    )
    [result] = fetch(WireTransport(), server.url())
    assert isinstance(result, tuple) and result[0] == 200 and result[2] == b"hello"
    assert "link" not in result[1]


def test_304_and_204_have_no_body(serve: Callable[..., RawServer]) -> None:
    server = serve(
        answers(
            b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n',
            b"HTTP/1.1 204 No Content\r\n\r\n",
            OK,
        )
    )
    results = fetch(WireTransport(), server.url(), server.url(), server.url())
    assert [(r[0], r[2]) for r in results if isinstance(r, tuple)] == [
        (304, b""),
        (204, b""),
        (200, b"hello"),
    ]
    assert server.connections == 1


def test_bare_lf_line_endings_are_read(serve: Callable[..., RawServer]) -> None:
    server = serve(answers(b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok"))
    [result] = fetch(WireTransport(), server.url())
    assert isinstance(result, tuple) and result[2] == b"ok"


def test_large_body_arrives_whole_through_flow_control(serve: Callable[..., RawServer]) -> None:
    big = bytes(range(256)) * 16384  # 4 MiB, sixteen times the read-ahead buffer
    server = serve(answers(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(big) + big, OK))
    first, second = fetch(WireTransport(), server.url(), server.url())
    assert isinstance(first, tuple) and first[2] == big
    assert isinstance(second, tuple) and second[2] == b"hello"


def test_unread_body_drops_the_connection(serve: Callable[..., RawServer]) -> None:
    big = b"x" * (2 * 1024 * 1024)
    server = serve(answers(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(big) + big))

    async def main() -> None:
        transport = WireTransport()
        for _ in range(2):
            response = await transport.handle_async_request(httpx.Request("GET", server.url()))
            async for _part in response.stream:  # type: ignore[union-attr]
                break  # the first bytes only, as a probe's sniff
            await response.aclose()
        await transport.aclose()

    asyncio.run(main())
    assert server.connections == 2  # the half-read connection was not handed out again


# ------------------------------------------------------------------ broken and hostile answers


def test_garbage_is_a_protocol_error(serve: Callable[..., RawServer]) -> None:
    server = serve(answers(b"SSH-2.0-OpenSSH_9.2\r\n\r\n"))
    [result] = fetch(WireTransport(), server.url())
    assert isinstance(result, httpx.RemoteProtocolError)
    assert "malformed response" in str(result)


def test_body_shorter_than_its_length_is_an_error(serve: Callable[..., RawServer]) -> None:
    server = serve(closes_after(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"))
    [result] = fetch(WireTransport(), server.url())
    assert isinstance(result, httpx.RemoteProtocolError)
    assert "before the body ended" in str(result)


def test_close_without_answer_is_an_error(serve: Callable[..., RawServer]) -> None:
    server = serve(closes_after(b""))
    [result] = fetch(WireTransport(), server.url())
    assert isinstance(result, httpx.RemoteProtocolError)
    assert "without answering" in str(result)


def test_endless_headers_are_refused(serve: Callable[..., RawServer]) -> None:
    many = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"y" * 100) for i in range(2000))
    server = serve(answers(b"HTTP/1.1 200 OK\r\n" + many + b"\r\n"))
    [result] = fetch(WireTransport(), server.url())
    assert isinstance(result, httpx.RemoteProtocolError)
    assert "response headers over" in str(result)


def test_switching_protocols_is_refused(serve: Callable[..., RawServer]) -> None:
    server = serve(answers(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"))
    [result] = fetch(WireTransport(), server.url())
    assert isinstance(result, httpx.RemoteProtocolError)


def test_silence_is_a_read_timeout(serve: Callable[..., RawServer]) -> None:
    def silent(conn: socket.socket, read_request: Callable[[], bytes]) -> None:
        read_request()
        time.sleep(1.5)

    server = serve(silent)
    started = time.monotonic()
    [result] = fetch(WireTransport(), server.url(), timeout=0.3)
    assert isinstance(result, httpx.ReadTimeout)
    assert time.monotonic() - started < 1.2


def test_stalled_body_is_a_read_timeout(serve: Callable[..., RawServer]) -> None:
    def stalls(conn: socket.socket, read_request: Callable[[], bytes]) -> None:
        read_request()
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        time.sleep(1.5)

    server = serve(stalls)
    [result] = fetch(WireTransport(), server.url(), timeout=0.3)
    assert isinstance(result, httpx.ReadTimeout)


def test_refused_connection_is_a_connect_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]  # nothing listens there once it is closed
    [result] = fetch(WireTransport(), f"http://127.0.0.1:{port}/x")
    assert isinstance(result, httpx.ConnectError)


def test_header_injection_is_refused_before_sending(serve: Callable[..., RawServer]) -> None:
    server = serve(answers(OK))
    # an ETag stored from a hostile server, sent back in If-None-Match
    [result] = fetch(WireTransport(), server.url(), headers={"If-None-Match": 'x"\r\nEvil: 1'})
    assert isinstance(result, httpx.LocalProtocolError)
    assert server.requests == []


def test_stale_keep_alive_connection_is_replaced(serve: Callable[..., RawServer]) -> None:
    def once_then_close(conn: socket.socket, read_request: Callable[[], bytes]) -> None:
        read_request()
        conn.sendall(OK)  # says keep-alive, then closes before the next request is read
        time.sleep(0.2)

    server = serve(once_then_close, answers(OK))

    async def main() -> list[bytes]:
        transport = WireTransport()
        bodies = []
        for _ in range(2):
            response = await transport.handle_async_request(httpx.Request("GET", server.url()))
            bodies.append(await response.aread())
            await response.aclose()
            await asyncio.sleep(0.1)  # the close may or may not have been seen by now
        await transport.aclose()
        return bodies

    assert asyncio.run(main()) == [b"hello", b"hello"]
    assert server.connections == 2


def test_idle_connection_expires(serve: Callable[..., RawServer]) -> None:
    server = serve(answers(OK, OK))

    async def main() -> None:
        transport = WireTransport(keepalive_expiry=0.05)
        for _ in range(2):
            response = await transport.handle_async_request(httpx.Request("GET", server.url()))
            await response.aread()
            await response.aclose()
            await asyncio.sleep(0.1)
        await transport.aclose()

    asyncio.run(main())
    assert server.connections == 2


def test_pinned_addresses_are_tried_in_order(serve: Callable[..., RawServer]) -> None:
    server = serve(answers(OK))
    dead = socket.create_server(("127.0.0.2", 0)) if _can_bind("127.0.0.2") else None
    pins = ["127.0.0.3", "127.0.0.1"] if dead is None else ["127.0.0.2", "127.0.0.1"]
    if dead is not None:
        dead.close()  # nothing listens there now: connection refused, next address
    transport = WireTransport(pinned=lambda host: pins if host == "portal.invalid" else None)
    [result] = fetch(transport, f"http://portal.invalid:{server.port}/x")
    assert isinstance(result, tuple) and result[2] == b"hello"


def _can_bind(address: str) -> bool:
    try:
        socket.create_server((address, 0)).close()
    except OSError:
        return False
    return True


# ------------------------------------------------------------------ TLS


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def test_https_with_a_trusted_certificate(
    serve: Callable[..., RawServer], certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    server = serve(answers(OK, OK), tls=server_side)
    client_side = ssl.create_default_context(cafile=str(cert))
    results = fetch(
        WireTransport(ssl_context=client_side),
        server.url(scheme="https"),
        server.url(scheme="https"),
    )
    assert all(isinstance(r, tuple) and r[2] == b"hello" for r in results)
    assert server.connections == 1


def test_https_with_an_untrusted_certificate_is_a_connect_error(
    serve: Callable[..., RawServer], certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    server = serve(answers(OK), tls=server_side)
    [result] = fetch(WireTransport(), server.url(scheme="https"))
    assert isinstance(result, httpx.ConnectError)
    assert "CERTIFICATE_VERIFY_FAILED" in str(result)

"""The server itself: loopback only, free port, clean start/stop, hostile requests."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import pytest

from odaudit.demo import DemoServer
from odaudit.demo.files import safe_parts
from odaudit.demo.templating import render


def _raw_request(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_binds_only_127_0_0_1(server: DemoServer) -> None:
    host, port = server.address
    assert host == "127.0.0.1" and port > 0
    assert urlsplit(server.base_url).hostname == "127.0.0.1"
    assert urlsplit(server.base_url).port == port
    # Bound to 0.0.0.0 it would also answer on 127.0.0.2; bound to 127.0.0.1 it must not.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.2", port), timeout=2):
        pass


def test_explicit_port_start_stop_and_context_manager() -> None:
    with DemoServer() as first:
        port = first.address[1]
        first.start()  # idempotent
        assert first.address[1] == port
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    server = DemoServer(port=port)
    server.start()
    try:
        assert server.base_url == f"http://127.0.0.1:{port}"
        assert httpx.get(server.base_url + "/robots.txt", timeout=5).status_code == 200
    finally:
        server.stop()
    server.stop()  # stopping twice is harmless
    with pytest.raises(RuntimeError):
        _ = server.address


def test_path_traversal_is_refused(server: DemoServer) -> None:
    port = server.address[1]
    for target in (
        b"/../routes.json",
        b"/files/../../routes.json",
        b"/%2e%2e/EXPECTED.md",
        b"/.hidden",
    ):
        reply = _raw_request(
            port, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        assert reply.startswith(b"HTTP/1.1 404"), target
    assert safe_parts("site/files/a.csv") == ["site", "files", "a.csv"]
    for bad in ("../x", "a//b", "a/./b", "a\\..\\b", "/abs", ".git/config"):
        assert safe_parts(bad) is None, bad


def test_hostile_requests_do_not_break_the_server(server: DemoServer) -> None:
    port = server.address[1]
    junk = _raw_request(port, b"\x16\x03\x01\x00\xa5garbage\r\n\r\n")
    assert b"400" in junk  # http.server answers a request line it cannot read with 400
    bad_length = _raw_request(
        port,
        b"POST /ckan/api/3/action/status_show HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n"
        b"Connection: close\r\n\r\n",
    )
    assert bad_length.startswith(b"HTTP/1.1 200")
    assert httpx.get(server.base_url + "/robots.txt", timeout=5).status_code == 200


def test_render_placeholders() -> None:
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    text = "{{base}}/x {{year}} {{days_ago:2}} {{date_days_ago:400}} {{other}}"
    assert render(text, "http://127.0.0.1:1", now) == (
        "http://127.0.0.1:1/x 2026 2025-12-31T03:04:05.000000 2024-11-28 {{other}}"
    )


def test_an_internal_error_becomes_a_500(
    server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import odaudit.demo.server as module

    def broken(*args: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(module, "respond", broken)
    response = httpx.get(server.base_url + "/robots.txt", timeout=5)
    assert response.status_code == 500 and response.text == "internal error\n"


def test_default_clock_is_today_and_stable_for_the_run() -> None:
    import time_machine

    frozen = time_machine.travel(datetime(2031, 7, 1, 9, 30, tzinfo=UTC), tick=False)
    with frozen, DemoServer() as server:
        url = server.base_url + "/ckan/api/3/action/package_show?id=saldo-deuda-publica"
        first = httpx.get(url, timeout=5).json()["result"]["metadata_modified"]
        second = httpx.get(url, timeout=5).json()["result"]["metadata_modified"]
    assert first == second == "2031-06-11T09:30:00.000000"  # {{days_ago:20}}

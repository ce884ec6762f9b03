"""A local portal emulator on 127.0.0.1 and a fetcher that talks real HTTP to it.

`PortalServer` answers from a routing table of path → handler(query) so a test can
emulate CKAN paging (route on `start`), data.json, HTML pages and failures with
the real captured bodies in tests/fixtures/portals/.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from odaudit.models import Dataset, ProbeOutcome, Source
from odaudit.portals import DiscoveryReport, get_adapter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "portals"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[dict[str, str]], Reply]


class PortalServer:
    """Routes by path; every request is logged as (path, query) for assertions."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        server = self

        class _H(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                server.log.append((parts.path, query))
                handler = server.routes.get(parts.path)
                reply = handler(query) if handler else Reply(404, b"not found", "text/plain")
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def route(self, path: str, handler: Handler | Reply) -> None:
        self.routes[path] = handler if callable(handler) else (lambda _q, r=handler: r)

    def serve_file(self, path: str, name: str, content_type: str = "application/json") -> None:
        self.route(path, Reply(200, fixture_bytes(name), content_type))

    def calls(self, path: str) -> list[dict[str, str]]:
        return [q for p, q in self.log if p == path]


@pytest.fixture()
def portal() -> Iterator[PortalServer]:
    server = PortalServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


# --------------------------------------------------------------------------- fetcher


@dataclass
class SimpleResponse:
    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    content_type: str
    body: bytes
    truncated: bool = False


class SimpleFetchError(Exception):
    def __init__(self, outcome: ProbeOutcome, url: str, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.url = url
        self.message = message


class SimpleFetcher:
    """The slice of `odaudit.http.Fetcher` the adapters use, over real HTTP with httpx."""

    def __init__(self, max_bytes: int = 50 * 1024 * 1024) -> None:
        self.client = httpx.AsyncClient(follow_redirects=True, timeout=10.0)
        self.max_bytes = max_bytes

    async def get(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> SimpleResponse:
        cap = max_bytes or self.max_bytes
        try:
            async with self.client.stream(
                "GET", url, params=dict(params or {}), headers=dict(headers or {})
            ) as r:
                body = b""
                truncated = False
                async for chunk in r.aiter_bytes():
                    body += chunk
                    if len(body) > cap:
                        body, truncated = body[:cap], True
                        break
        except httpx.TimeoutException as exc:
            raise SimpleFetchError(ProbeOutcome.TIMEOUT, url, str(exc)) from exc
        except httpx.TransportError as exc:
            raise SimpleFetchError(ProbeOutcome.NETWORK_ERROR, url, str(exc)) from exc
        hdrs = {k.lower(): v for k, v in r.headers.items()}
        ctype = hdrs.get("content-type", "").split(";")[0].strip().lower()
        return SimpleResponse(url, str(r.url), r.status_code, hdrs, ctype, body, truncated)

    async def aclose(self) -> None:
        await self.client.aclose()


async def _collect(source: Source, report: DiscoveryReport) -> list[Dataset]:
    fetcher = SimpleFetcher()
    try:
        adapter = get_adapter(source.type)
        return [d async for d in adapter.discover(source, fetcher, report)]
    finally:
        await fetcher.aclose()


def discover(source: Source, report: DiscoveryReport | None = None) -> list[Dataset]:
    """Run an adapter to the end (or its PortalError) and return what it yielded."""
    return asyncio.run(_collect(source, report if report is not None else DiscoveryReport()))


async def agen_first(gen: AsyncIterator[Dataset]) -> Dataset:
    return await gen.__anext__()

"""A local portal emulator on 127.0.0.1, reached through the real `odaudit.http.Fetcher`.

`PortalServer` answers from a routing table of path → handler(query) so a test can
emulate CKAN paging (route on `start`), data.json, HTML pages and failures with
the real captured bodies in tests/fixtures/portals/.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from odaudit.config import CrawlSettings
from odaudit.http import AddressPolicy, Fetcher
from odaudit.models import Dataset, Source
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


async def _no_sleep(_seconds: float) -> None:
    """Retry back-off without waiting: tests are not timed."""


def make_fetcher(url: str, *also: str, retries: int = 1) -> Fetcher:
    """The real `odaudit.http.Fetcher`, allowed to reach the local server behind `url`
    (and the origins in `also`)."""
    parts = urlsplit(url)
    return Fetcher(
        CrawlSettings(timeout=10.0, connect_timeout=5.0),
        AddressPolicy([f"{parts.scheme}://{parts.netloc}", *also]),
        retries=retries,
        sleep=_no_sleep,
    )


async def _collect(source: Source, report: DiscoveryReport, also: tuple[str, ...]) -> list[Dataset]:
    async with make_fetcher(source.url, *also) as fetcher:
        adapter = get_adapter(source.type)
        return [d async for d in adapter.discover(source, fetcher, report)]


def discover(
    source: Source, report: DiscoveryReport | None = None, also: tuple[str, ...] = ()
) -> list[Dataset]:
    """Run an adapter to the end (or its PortalError) and return what it yielded."""
    report = report if report is not None else DiscoveryReport()
    return asyncio.run(_collect(source, report, also))


async def agen_first(gen: AsyncIterator[Dataset]) -> Dataset:
    return await gen.__anext__()

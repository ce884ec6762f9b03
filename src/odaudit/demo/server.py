"""The demo portals' HTTP server: threaded, loopback only, started and stopped by the caller."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from odaudit.demo.reply import Reply
from odaudit.demo.site import respond

__all__ = ["HOST", "DemoServer"]

#: The only address the demo ever binds: nothing outside this machine can reach it.
HOST = "127.0.0.1"
_MAX_POST_BYTES = 64 * 1024


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False
    base_url: str
    clock: Callable[[], datetime]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Silent: a client that hangs up mid-reply is not the library's to report."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes
    server_version = "odaudit-demo/1"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: library code prints nothing."""

    def do_GET(self) -> None:
        self._answer("GET")

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_POST(self) -> None:
        self._answer("POST")

    def _params(self, query: str, method: str) -> dict[str, str]:
        params = dict(parse_qsl(query, keep_blank_values=True))
        if method != "POST":
            return params
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        raw = self.rfile.read(min(max(length, 0), _MAX_POST_BYTES))
        if "json" in (self.headers.get("Content-Type") or ""):
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            if isinstance(body, dict):
                params.update({str(k): str(v) for k, v in body.items()})
        else:
            params.update(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
        return params

    def _answer(self, method: str) -> None:
        try:
            parts = urlsplit(self.path)
            params = self._params(parts.query, method)
            path = unquote(parts.path)
            reply = respond(method, path, params, self.server.base_url, self.server.clock())
        except Exception:  # whatever a client sends, it gets an answer, never a dead thread
            reply = Reply(500, b"internal error\n", {"Content-Type": "text/plain"})
        self._send(method, reply)

    def _send(self, method: str, reply: Reply) -> None:
        status, body = reply.status, reply.body
        headers = dict(reply.headers)
        if method == "HEAD" and reply.head_status is not None:
            status, body = reply.head_status, b""
            headers = {"Allow": "GET", "Content-Type": "text/plain"}
        elif status == 200 and self._not_modified(headers):
            status, body = 304, b""
        self.log_request(status)
        self.send_response_only(status)
        self.send_header("Server", headers.pop("Server", self.version_string()))
        self.send_header("Date", self.date_time_string())
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD" and status != 304:
            self.wfile.write(body)

    def _not_modified(self, headers: dict[str, str]) -> bool:
        etag = headers.get("ETag")
        wanted = self.headers.get("If-None-Match")
        if etag and wanted:
            return etag in [t.strip().removeprefix("W/") for t in wanted.split(",")]
        since = self.headers.get("If-Modified-Since")
        modified = headers.get("Last-Modified")
        return bool(since and modified and since == modified)


class DemoServer:
    """The demo portals on http://127.0.0.1:PORT (port 0: a free port), in a daemon thread.

    The demo's dates are relative to `clock()`; by default the clock stops at start(), so
    every answer of one run tells the same story (same timestamps, same ETags).
    """

    def __init__(self, port: int = 0, *, clock: Callable[[], datetime] | None = None) -> None:
        self._port = port
        self._clock = clock
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) actually bound; only valid while started."""
        if self._server is None:
            raise RuntimeError("DemoServer is not running")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        if self._server is not None:
            return
        server = _Server((HOST, self._port), _Handler)
        port = int(server.server_address[1])
        server.base_url = f"http://{HOST}:{port}"
        if self._clock is None:
            started = _utcnow()
            server.clock = lambda: started
        else:
            server.clock = self._clock
        self._server = server
        self.base_url = server.base_url
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.name = f"odaudit-demo:{port}"
        self._thread.start()

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

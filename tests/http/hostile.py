"""A threaded HTTP server on 127.0.0.1 that misbehaves on purpose, one path per trick."""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CSV = b"id,nombre,valor\n" + b"".join(b"%d,Fila %d,%d.5\n" % (i, i, i) for i in range(200))
BOMB = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)  # ~20 KiB on the wire
BIG = b"x" * (1024 * 1024)


class CountingServer(ThreadingHTTPServer):
    """Counts every TCP connection it accepts (to prove a refused address got none)."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.connections = 0
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.other_port = 0  # a second server's port, for the redirect to it
        self.active = 0  # requests being answered by /busy now, and the most at once
        self.peak = 0
        #: what /robots.txt answers: (status, body, headers); None: 404
        self.robots: tuple[int, bytes, dict[str, str]] | None = None

    def get_request(self) -> tuple[socket.socket, object]:
        request = super().get_request()
        with self.lock:
            self.connections += 1
        return request

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class Handler(BaseHTTPRequestHandler):
    server: CountingServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.hits[f"{self.command} {path}"] += 1
            self.server.requests.append((self.command, self.path, dict(self.headers.items())))
        route = ROUTES.get(path)
        if route is None and path.startswith("/chain/"):
            route = chain
        if route is None:
            self._send(404, b"not found", "text/plain")
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            route(self)

    # helpers
    @property
    def head(self) -> bool:
        return self.command == "HEAD"

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/csv",
        headers: dict[str, str] | None = None,
        length: bool = True,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not self.head:
            self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self._send(status, b"", "text/plain", {"Location": location})

    def hits(self) -> int:
        return self.server.hits[f"{self.command} {self.path.split('?', 1)[0]}"]


def file_csv(h: Handler) -> None:
    h._send(
        200,
        CSV,
        "text/csv; charset=utf-8",
        {"Last-Modified": "Tue, 01 Oct 2024 10:00:00 GMT", "ETag": '"v1"'},
    )


def conditional(h: Handler) -> None:
    """ETag "v1": a matching If-None-Match (or the same If-Modified-Since) gets 304."""
    validators = {"ETag": '"v1"', "Last-Modified": "Tue, 01 Oct 2024 10:00:00 GMT"}
    if h.headers.get("If-None-Match") == '"v1"' or (
        h.headers.get("If-Modified-Since") == validators["Last-Modified"]
    ):
        h.send_response(304)
        for name, value in validators.items():
            h.send_header(name, value)
        h.end_headers()
        return
    h._send(200, CSV, "text/csv", validators)


def head405(h: Handler) -> None:
    if h.head:
        h._send(405, b"", "text/plain", {"Allow": "GET"})
    else:
        h._send(200, CSV)


def ranged(h: Handler) -> None:
    """HEAD gives neither length nor date; GET honours Range."""
    if h.head:
        h._send(200, b"", "text/csv", length=False)
        return
    rng = h.headers.get("Range", "")
    if rng.startswith("bytes=0-"):
        end = min(int(rng.split("-")[1]), len(CSV) - 1)
        h._send(206, CSV[: end + 1], "text/csv", {"Content-Range": f"bytes 0-{end}/{len(CSV)}"})
    else:
        h._send(200, CSV)


def ignores_range(h: Handler) -> None:
    if h.head:
        h._send(200, b"", "application/octet-stream", length=False)
    else:
        h._send(200, BIG, "application/octet-stream")


def soft404(h: Handler) -> None:
    page = b"<!doctype html><html><body><h1>P\xc3\xa1gina no encontrada</h1></body></html>"
    h._send(200, page, "text/html; charset=utf-8")


def missing(h: Handler) -> None:
    h._send(404, b"no existe", "text/plain")


def server_error(h: Handler) -> None:
    h._send(500, b"error", "text/plain")


def chain(h: Handler) -> None:
    n = int(h.path.split("?", 1)[0].rsplit("/", 1)[1])
    if n == 0:
        h._send(200, CSV)
    else:
        h.redirect(f"../chain/{n - 1}", 301 if n % 2 else 307)  # relative Location


def loop_a(h: Handler) -> None:
    h.redirect("/loop/b")


def loop_b(h: Handler) -> None:
    h.redirect(f"{h.server.base}/loop/a")


def to_metadata(h: Handler) -> None:
    h.redirect("http://169.254.169.254/latest/meta-data/")


def to_other_port(h: Handler) -> None:
    h.redirect(f"http://127.0.0.1:{h.server.other_port}/secret")


def bad_location(h: Handler) -> None:
    h.redirect("http://[::1")


def bad_idna(h: Handler) -> None:
    h.redirect("http://xn--zz/")  # ASCII, so a join accepts it; not a valid A-label


def scheme_relative(h: Handler) -> None:
    h.redirect(f"//127.0.0.1:{h.server.other_port}/secret")


def to_file(h: Handler) -> None:
    h.redirect("file:///etc/passwd")


def drip(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/csv")
    h.send_header("Content-Length", "100")
    h.end_headers()
    if h.head:
        return
    for _ in range(100):
        if h.server.stop.wait(0.2):
            return
        h.wfile.write(b"x")
        h.wfile.flush()


def hang(h: Handler) -> None:
    h.server.stop.wait(30)


def bomb(h: Handler) -> None:
    h._send(200, BOMB, "text/csv", {"Content-Encoding": "gzip"})


def bomb_no_head(h: Handler) -> None:
    if h.head:
        h._send(405, b"", "text/plain")
    else:
        bomb(h)


def unsized(h: Handler) -> None:
    """A megabyte delimited by closing the connection: no Content-Length to go by."""
    h._send(200, BIG, "application/octet-stream", length=False)


def gzipped(h: Handler) -> None:
    h._send(200, gzip.compress(CSV), "text/csv", {"Content-Encoding": "gzip"})


def stacked(h: Handler) -> None:
    h._send(200, gzip.compress(gzip.compress(CSV)), "text/csv", {"Content-Encoding": "gzip, gzip"})


def multi_gzip(h: Handler) -> None:
    """Two gzip members back to back (RFC 1952 2.2), as pigz or appended logs make them."""
    half = len(CSV) // 2
    body = gzip.compress(CSV[:half]) + gzip.compress(CSV[half:])
    h._send(200, body, "text/csv", {"Content-Encoding": "gzip"})


def raw_deflate_split(h: Handler) -> None:
    """Deflate without the zlib header, its first byte alone on the wire."""
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    body = packer.compress(CSV) + packer.flush()
    h.send_response(200)
    h.send_header("Content-Type", "text/csv")
    h.send_header("Content-Length", str(len(body)))
    h.send_header("Content-Encoding", "deflate")
    h.end_headers()
    if h.head:
        return
    h.wfile.write(body[:1])
    h.wfile.flush()
    h.server.stop.wait(0.2)
    h.wfile.write(body[1:])


def huge(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/csv")
    h.send_header("Content-Length", str(10**12))
    h.end_headers()
    if not h.head:
        h.wfile.write(CSV)


def retry_after(h: Handler) -> None:
    """429 with Retry-After on the first GET, 200 after."""
    if h.hits() == 1:
        h._send(429, b"slow down", "text/plain", {"Retry-After": "7"})
    else:
        h._send(200, CSV)


def retry_after_long(h: Handler) -> None:
    h._send(429, b"slow down", "text/plain", {"Retry-After": "3600"})


def retry_after_date(h: Handler) -> None:
    h._send(503, b"later", "text/plain", {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})


def busy(h: Handler) -> None:
    """429 to the first three requests, 200 after; each answer takes a moment, to show overlap."""
    server = h.server
    n = h.hits()
    with server.lock:
        server.active += 1
        server.peak = max(server.peak, server.active)
    try:
        server.stop.wait(0.02)
    finally:
        # Left before answering: once the client has its answer it may send the next request,
        # and that one must not be counted as overlapping this one.
        with server.lock:
            server.active -= 1
    if n <= 3:
        h._send(429, b"slow down", "text/plain")
    else:
        h._send(200, CSV)


def robots_txt(h: Handler) -> None:
    answer = h.server.robots
    if answer is None:
        h._send(404, b"not found", "text/plain")
        return
    status, body, headers = answer
    sized = "X-Unsized" not in headers  # without it the body ends when the connection closes
    h._send(status, body, "text/plain", headers, length=sized)


def flaky(h: Handler) -> None:
    """Drops the connection without an answer the first time."""
    if h.hits() == 1:
        h.connection.shutdown(socket.SHUT_RDWR)
        return
    h._send(200, CSV)


def echo(h: Handler) -> None:
    body = json.dumps({k.lower(): v for k, v in h.headers.items()}).encode()
    h._send(200, body, "application/json")


def forbidden_head(h: Handler) -> None:
    if h.head:
        h._send(403, b"", "text/plain")
    else:
        h._send(200, CSV)


def empty(h: Handler) -> None:
    if h.headers.get("Range"):
        h._send(416, b"", "text/plain", {"Content-Range": "bytes */0"})
    elif h.head:
        h._send(200, b"", "text/csv", length=False)
    else:
        h._send(200, b"", "text/csv")


ROUTES: dict[str, Callable[[Handler], None]] = {
    "/file.csv": file_csv,
    "/head405.csv": head405,
    "/ranged.csv": ranged,
    "/ignores-range.bin": ignores_range,
    "/soft404.csv": soft404,
    "/page.html": soft404,
    "/missing.csv": missing,
    "/error.csv": server_error,
    "/loop/a": loop_a,
    "/loop/b": loop_b,
    "/to-metadata": to_metadata,
    "/to-other-port": to_other_port,
    "/to-file": to_file,
    "/bad-location": bad_location,
    "/bad-idna": bad_idna,
    "/scheme-relative": scheme_relative,
    "/drip.csv": drip,
    "/hang.csv": hang,
    "/bomb.csv": bomb,
    "/bomb-no-head.csv": bomb_no_head,
    "/unsized.bin": unsized,
    "/gzipped.csv": gzipped,
    "/stacked.csv": stacked,
    "/multi-gzip.csv": multi_gzip,
    "/raw-deflate-split.csv": raw_deflate_split,
    "/huge.csv": huge,
    "/retry-after": retry_after,
    "/retry-after-long": retry_after_long,
    "/retry-after-date": retry_after_date,
    "/flaky.csv": flaky,
    "/busy": busy,
    "/robots.txt": robots_txt,
    "/echo": echo,
    "/forbidden-head.csv": forbidden_head,
    "/empty.csv": empty,
    "/conditional.csv": conditional,
}


def start() -> tuple[CountingServer, threading.Thread]:
    server = CountingServer(Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return server, thread


def stop(server: CountingServer, thread: threading.Thread) -> None:
    server.stop.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    time.sleep(0)  # let daemon handler threads see the stop event

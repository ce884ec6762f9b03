"""A small, slow CKAN portal on 127.0.0.1 for pipeline tests (threaded http.server)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BODY = "id,municipio,valor\n" + "".join(f"{i},Municipio {i},{i}.5\n" for i in range(20))


class SlowPortal:
    """`datasets` CKAN datasets with 2 resources each; every file answers after `delay` s.

    Resource i of dataset d answers 404 when (d + i) % 7 == 0, so scores are not all 100.
    With `hold`, every file waits for that event instead (at most `delay` s) and
    `released` records, per file answered, whether the event was set by then. `on_file`
    is called after each file is answered.
    """

    def __init__(
        self,
        datasets: int = 40,
        delay: float = 0.05,
        robots: str | None = None,
        *,
        code: str = "MINFIN",
        name: str = "Ministerio de Finanzas Públicas",
        hold: threading.Event | None = None,
        on_file: Callable[[], None] | None = None,
    ) -> None:
        self.datasets = datasets
        self.delay = delay
        self.robots = robots  # what /robots.txt answers (404 when None)
        self.code, self.name = code, name  # the institution `config` names
        self.hold = hold
        self.released: list[bool] = []
        self.on_file = on_file
        self.log: list[tuple[float, str]] = []  # (monotonic time, path) of every request
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                self._answer(head=True)

            def do_GET(self) -> None:
                self._answer(head=False)

            def _answer(self, head: bool) -> None:
                parts = urlsplit(self.path)
                portal.log.append((time.monotonic(), parts.path))
                if parts.path == "/robots.txt" and portal.robots is not None:
                    self._send(200, "text/plain", portal.robots.encode(), head)
                    return
                if parts.path == "/api/3/action/package_search":
                    q = parse_qs(parts.query)
                    start = int(q.get("start", ["0"])[0])
                    rows = int(q.get("rows", ["10"])[0])
                    results = [
                        portal.dataset(d) for d in range(start, min(start + rows, portal.datasets))
                    ]
                    body = json.dumps(
                        {"success": True, "result": {"count": portal.datasets, "results": results}}
                    ).encode()
                    self._send(200, "application/json", body, head)
                    return
                if parts.path.startswith("/files/"):
                    if portal.hold is None:
                        time.sleep(portal.delay)
                    else:
                        portal.released.append(portal.hold.wait(portal.delay))
                    d, i = (int(x) for x in parts.path.rsplit("/", 1)[1].split(".")[0].split("-"))
                    if (d + i) % 7 == 0:
                        self._send(404, "text/plain", b"no existe", head)
                    else:
                        self._send(200, "text/csv", BODY.encode(), head)
                    if portal.on_file is not None:
                        portal.on_file()
                    return
                self._send(404, "text/plain", b"?", head)

            def _send(self, status: int, ctype: str, body: bytes, head: bool) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Last-Modified", "Mon, 02 Nov 2026 10:00:00 GMT")
                self.end_headers()
                if not head:
                    self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def dataset(self, d: int) -> dict[str, object]:
        return {
            "id": f"ds-{d:03d}",
            "name": f"conjunto-{d:03d}",
            "title": f"Presupuesto municipal {d}",
            "notes": "Ejecución presupuestaria mensual por municipio, con su metodología.",
            "license_id": "cc-by",
            "metadata_modified": "2026-11-01T10:00:00",
            "maintainer_email": "datos@example.org",
            "organization": {"name": "minfin", "title": "Ministerio de Finanzas"},
            "tags": [{"name": "presupuesto"}],
            "extras": [{"key": "frequency", "value": "monthly"}],
            "resources": [
                {"id": f"r{d}-{i}", "format": "CSV", "url": f"{self.base_url}/files/{d}-{i}.csv"}
                for i in range(2)
            ],
        }

    def __enter__(self) -> SlowPortal:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def config(self) -> str:
        return (
            f'allow_origins: ["{self.base_url}"]\n'
            "crawl: {timeout: 5, per_host_concurrency: 2, validate: false}\n"
            "institutions:\n"
            f"{self.institution()}"
            "  - code: SAT\n"
            "    name: Superintendencia de Administración Tributaria\n"
            "    sources: []\n"
        )

    def institution(self) -> str:
        """This portal's entry under `institutions:` (as `code`)."""
        return (
            f"  - code: {self.code}\n"
            f"    name: {self.name}\n"
            f"    sources: [{{type: ckan, url: '{self.base_url}', rows: 10}}]\n"
            "    key_datasets: [{id: presupuesto, title: Presupuesto, keywords: [presupuesto]}]\n"
        )

"""A simulated national portal for the end-to-end benchmark (bench only; needs aiohttp).

A CKAN Action API (package_search with rows/start, rows capped at 1000) over N
generated datasets whose resources are served by the same server under /files/,
with a fixed latency per request and an error mix per block of 100 resources:
90 ok CSV (~1 KB), 4 × 404, 2 × 500, 2 × 301 → ok, 1 × HEAD 405 / GET ok, 1 hang
(no answer for --hang seconds). Conditional requests are honoured (ETag and
Last-Modified → 304), so an unchanged rerun can be measured.

usage: python simportal.py --port 8790 --datasets 10000 --resources 3 --latency 0.05
       [--no-hangs | --healthy (every file ok)]
       [--host localhost]  (the files' host name: a second host for the per-host limits)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from aiohttp import web

BLOCK = [("ok", 90), ("404", 4), ("500", 2), ("301", 2), ("head405", 1), ("hang", 1)]
KINDS = [k for k, n in BLOCK for _ in range(n)]
BODY = (
    "id,municipio,valor\n" + "".join(f"{i},Municipio {i},{i * 1.5}\n" for i in range(30))
).encode()
ETAG = '"v1"'
LAST_MODIFIED = "Mon, 02 Nov 2026 10:00:00 GMT"


def set_mix(*, no_hangs: bool, healthy: bool) -> None:
    """Serve the hang slots as ok files (`no_hangs`), or every file as ok (`healthy`)."""
    if no_hangs:
        KINDS[:] = ["ok" if k == "hang" else k for k in KINDS]
    if healthy:
        KINDS[:] = ["ok"] * len(KINDS)


def kind_of(i: int) -> str:
    return KINDS[(i * 37) % len(KINDS)]


def make_dataset(i: int, n_res: int, base: str) -> dict:
    res = [
        {
            "id": f"r{i}-{r}",
            "name": f"Recurso {r}",
            "format": "CSV",
            "mimetype": "text/csv",
            "url": f"{base}/files/{i * n_res + r}.csv",
            "last_modified": "2026-11-01T10:00:00",
        }
        for r in range(n_res)
    ]
    return {
        "id": f"ds-{i:06d}",
        "name": f"conjunto-{i:06d}",
        "title": f"Conjunto de datos {i}: presupuesto municipal",
        "notes": "Ejecución presupuestaria mensual por municipio, con metodología y cobertura.",
        "license_id": "cc-by",
        "license_title": "Creative Commons Attribution",
        "metadata_modified": "2026-11-01T10:00:00",
        "maintainer": "Unidad de datos",
        "maintainer_email": "datos@example.org",
        "organization": {"name": "minfin", "title": "Ministerio de Finanzas"},
        "tags": [{"name": "presupuesto"}],
        "extras": [{"key": "frequency", "value": "monthly"}],
        "resources": res,
        "state": "active",
        "private": False,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8790)
    ap.add_argument("--datasets", type=int, default=10000)
    ap.add_argument("--resources", type=int, default=3)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--hang", type=float, default=30.0)
    ap.add_argument("--no-hangs", action="store_true", help="serve the hang slots as ok files")
    ap.add_argument("--healthy", action="store_true", help="serve every file as ok")
    ap.add_argument("--host", default="127.0.0.1", help="the host name the file URLs use")
    a = ap.parse_args()
    set_mix(no_hangs=a.no_hangs, healthy=a.healthy)
    base = f"http://{a.host}:{a.port}"
    blobs = [
        json.dumps(make_dataset(i, a.resources, base), ensure_ascii=False).encode()
        for i in range(a.datasets)
    ]
    # "last_file": when the last file request arrived (time.time()), to time one portal of many
    stats: dict = {"requests": 0, "not_modified": 0, "t0": time.monotonic(), "last_file": 0.0}

    async def action(request: web.Request) -> web.Response:
        stats["requests"] += 1
        await asyncio.sleep(a.latency)
        name = request.match_info["name"]
        if name != "package_search":
            return web.json_response({"success": False}, status=400)
        rows = min(int(request.query.get("rows", 10)), 1000)
        start = int(request.query.get("start", 0))
        body = (
            b'{"success": true, "result": {"count": %d, "results": [' % len(blobs)
            + b", ".join(blobs[start : start + rows])
            + b"]}}"
        )
        return web.Response(body=body, content_type="application/json")

    async def files(request: web.Request) -> web.StreamResponse:
        stats["requests"] += 1
        stats["last_file"] = time.time()
        i = int(request.match_info["i"])
        kind = kind_of(i)
        await asyncio.sleep(a.latency)
        if kind == "hang":
            await asyncio.sleep(a.hang)
        if kind == "404":
            return web.Response(status=404, text="no existe")
        if kind == "500":
            return web.Response(status=500, text="error")
        if kind == "301" and not request.query.get("moved"):
            raise web.HTTPMovedPermanently(f"/files/{i}.csv?moved=1")
        if kind == "head405" and request.method == "HEAD":
            return web.Response(status=405)
        if (
            request.headers.get("If-None-Match") == ETAG
            or request.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            stats["not_modified"] += 1
            return web.Response(status=304, headers={"ETag": ETAG})
        headers = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
        return web.Response(body=BODY, content_type="text/csv", headers=headers)

    async def get_stats(request: web.Request) -> web.Response:
        return web.json_response({**stats, "elapsed_s": time.monotonic() - stats["t0"]})

    async def reset(request: web.Request) -> web.Response:
        stats.update({"requests": 0, "not_modified": 0, "t0": time.monotonic(), "last_file": 0.0})
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_route("*", "/api/3/action/{name}", action)
    app.router.add_route("*", "/files/{i:\\d+}.csv", files)
    app.router.add_get("/__stats", get_stats)
    app.router.add_get("/__reset", reset)
    print(json.dumps({"datasets": a.datasets, "resources": a.datasets * a.resources}), flush=True)
    web.run_app(app, host="127.0.0.1", port=a.port, access_log=None, print=None, backlog=2048)


if __name__ == "__main__":
    main()

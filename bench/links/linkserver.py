# Copied unchanged (below this header) from /work/shared/peers/linkserver.py, the shared link-checker
# workload that the peer figures in /work/shared/peers/README.md were measured on. Needs aiohttp.
# ruff: noqa
# fmt: off
# usage: python linkserver.py --port 8765 --latency 0.05 --n 2000   (serves /index.html?n=N linking /r/0../r/N-1 on 127.0.0.1 only)
"""Fake resource host for link-checker benchmarks.

Every /r/<i> answers after an artificial latency.  Kinds repeat in blocks of
200 URLs (so /index.html?n=200 has exactly the same mix as n=2000):
  per block: 163 ok (200, ~1 KB CSV), 16 404, 5 500, 8 301->/t/<i> (200),
             5 "head405" (HEAD -> 405, GET -> 200), 2 "large" (200, 4 MiB CSV
             body, streamed), 1 "hang" (no answer for --hang seconds).
Control endpoints (no latency): /__stats, /__reset, /__config?latency=S&lcheader=0|1
(lcheader=1 adds a 'LinkChecker' response header, which lifts LinkChecker's
per-host politeness throttle - real servers never send it).
"""
import argparse
import asyncio
import json
import random
import resource
import time

from aiohttp import web

BLOCK = 200
MIX = [("hang", 1), ("500", 5), ("404", 16), ("301", 8), ("head405", 5), ("large", 2)]
SMALL_BODY = ("id,nombre,valor\n" + "".join(f"{k},Año Núñez {k},{k * 1.5}\n" for k in range(40))).encode()
LARGE_SIZE = 4 * 1024 * 1024
CHUNK = 64 * 1024
LARGE_CHUNK = (b"1,abc,2.5\n" * (CHUNK // 10 + 1))[:CHUNK]


def build_pattern(seed=42):
    rng = random.Random(seed)
    pattern = ["ok"] * BLOCK
    free = list(range(BLOCK))
    rng.shuffle(free)
    for kind, count in MIX:
        for _ in range(count):
            pattern[free.pop()] = kind
    return pattern


PATTERN = build_pattern()


def kind_of(i):
    return PATTERN[i % BLOCK]


def expected(n):
    """Expected counts for the first n URLs."""
    counts = {}
    for i in range(n):
        counts[kind_of(i)] = counts.get(kind_of(i), 0) + 1
    return counts


class State:
    def __init__(self, latency, hang):
        self.latency = latency
        self.hang = hang
        self.lcheader = False
        self.reset()

    def reset(self):
        self.methods = {}
        self.by_kind = {}
        self.body_bytes = 0
        self.t0 = time.monotonic()
        self.cpu0 = time.process_time()
        self.max_inflight = 0
        self.inflight = 0


def make_app(state, port):
    base = f"http://127.0.0.1:{port}"

    def hdrs():
        return {"LinkChecker": "1"} if state.lcheader else {}

    def count(request, kind):
        state.methods[request.method] = state.methods.get(request.method, 0) + 1
        state.by_kind[kind] = state.by_kind.get(kind, 0) + 1

    async def index(request):
        n = int(request.query.get("n", "2000"))
        links = "\n".join(f'<li><a href="{base}/r/{i}">resource {i}</a></li>' for i in range(n))
        html = f"<!doctype html><html><head><meta charset='utf-8'><title>portal</title></head><body><ul>\n{links}\n</ul></body></html>"
        return web.Response(text=html, content_type="text/html", headers=hdrs())

    async def robots(request):
        return web.Response(text="User-agent: *\nAllow: /\n", content_type="text/plain", headers=hdrs())

    async def small_ok(request):
        if request.method == "GET":
            state.body_bytes += len(SMALL_BODY)
        return web.Response(body=SMALL_BODY, content_type="text/csv", headers=hdrs())

    async def resource_(request):
        i = int(request.match_info["i"])
        kind = kind_of(i)
        count(request, kind)
        state.inflight += 1
        state.max_inflight = max(state.max_inflight, state.inflight)
        try:
            await asyncio.sleep(state.latency)
            if kind == "ok":
                return await small_ok(request)
            if kind == "404":
                return web.Response(status=404, text="not found", headers=hdrs())
            if kind == "500":
                return web.Response(status=500, text="server error", headers=hdrs())
            if kind == "301":
                raise web.HTTPMovedPermanently(location=f"{base}/t/{i}", headers=hdrs())
            if kind == "head405":
                if request.method == "HEAD":
                    return web.Response(status=405, headers={"Allow": "GET", **hdrs()})
                return await small_ok(request)
            if kind == "large":
                resp = web.StreamResponse(status=200, headers=hdrs())
                resp.content_type = "text/csv"
                resp.content_length = LARGE_SIZE
                await resp.prepare(request)
                if request.method == "GET":
                    sent = 0
                    try:
                        while sent < LARGE_SIZE:
                            await resp.write(LARGE_CHUNK)
                            sent += CHUNK
                            state.body_bytes += CHUNK
                    except ConnectionError:
                        return resp
                await resp.write_eof()
                return resp
            if kind == "hang":
                await asyncio.sleep(state.hang)
                return await small_ok(request)
            raise AssertionError(kind)
        finally:
            state.inflight -= 1

    async def target(request):
        count(request, "redirect-target")
        await asyncio.sleep(state.latency)
        return await small_ok(request)

    async def stats(request):
        return web.json_response({
            "methods": state.methods, "by_kind": state.by_kind, "body_bytes": state.body_bytes,
            "elapsed_s": time.monotonic() - state.t0, "server_cpu_s": time.process_time() - state.cpu0,
            "max_inflight": state.max_inflight, "latency": state.latency, "lcheader": state.lcheader})

    async def reset(request):
        state.reset()
        return web.json_response({"ok": True})

    async def config(request):
        if "latency" in request.query:
            state.latency = float(request.query["latency"])
        if "lcheader" in request.query:
            state.lcheader = request.query["lcheader"] == "1"
        return web.json_response({"latency": state.latency, "lcheader": state.lcheader})

    app = web.Application()
    app.router.add_get("/index.html", index)
    app.router.add_get("/robots.txt", robots)
    app.router.add_route("*", "/r/{i}", resource_)
    app.router.add_route("*", "/t/{i}", target)
    app.router.add_get("/__stats", stats)
    app.router.add_get("/__reset", reset)
    app.router.add_get("/__config", config)
    return app


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--hang", type=float, default=120.0)
    ap.add_argument("--n", type=int, default=2000, help="only used to print the expected mix")
    a = ap.parse_args()
    print(json.dumps({"expected_mix": expected(a.n)}), flush=True)
    state = State(a.latency, a.hang)
    web.run_app(make_app(state, a.port), host="127.0.0.1", port=a.port, access_log=None,
                backlog=1024, print=None, handler_cancellation=True)


if __name__ == "__main__":
    main()

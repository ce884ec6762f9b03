# Copied from shared/peers/fakeckan.py (the peer workload odaudit is measured against); unchanged below this line.
# usage: python fakeckan.py --port 8766 --n 2000 --latency 0.05   (tiny fake CKAN action API on 127.0.0.1)
"""Fake CKAN serving generated datasets (CKAN 2.9+ package dicts, 1-8
resources each, ~3-4 KB of JSON) through the action API, GET or POST, under
/api/3/action/ and /api/action/:
  package_list, package_search (rows capped at 1000 like ckan.search.rows_max,
  start, sorted by name), package_show?id=, status_show.
Every action answers after --latency seconds.  /__stats and /__reset count requests."""
import argparse
import asyncio
import json
import random
import time
import uuid

from aiohttp import web

FORMATS = [("CSV", "text/csv"), ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           ("JSON", "application/json"), ("PDF", "application/pdf"), ("ZIP", "application/zip"),
           ("XML", "application/xml"), ("HTML", "text/html")]
ORGS = ["ayuntamiento-de-zaragoza", "junta-de-andalucia", "generalitat-de-catalunya", "ine", "aemet",
        "gobierno-de-navarra", "ayuntamiento-de-madrid", "cabildo-de-tenerife"]
TAGS = ["transporte", "medio-ambiente", "educación", "sanidad", "presupuestos", "población", "turismo", "energía",
        "calidad-del-aire", "movilidad", "contratos", "subvenciones"]


def make_dataset(rng, i):
    org = rng.choice(ORGS)
    name = f"dataset-{i:06d}-{rng.choice(TAGS)}"
    did = str(uuid.UUID(int=rng.getrandbits(128)))
    created = f"20{rng.randrange(15, 25)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T10:00:00.000000"
    resources = []
    for r in range(rng.randrange(1, 9)):
        fmt, mime = rng.choice(FORMATS)
        resources.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128))), "package_id": did, "position": r,
            "name": f"Recurso {r} de {name} (año {rng.randrange(2015, 2025)})",
            "description": "Datos publicados por el organismo; actualización periódica según la normativa vigente.",
            "format": fmt, "mimetype": mime, "url": f"https://datos.example.org/{org}/{name}/recurso-{r}.{fmt.lower()}",
            "size": rng.randrange(1000, 500_000_000) if rng.random() < 0.6 else None,
            "created": created, "last_modified": created if rng.random() < 0.5 else None,
            "metadata_modified": created, "url_type": None, "state": "active", "hash": "", "cache_url": None,
            "datastore_active": rng.random() < 0.2, "resource_type": None,
        })
    return {
        "id": did, "name": name, "title": f"Conjunto de datos {i}: {rng.choice(TAGS).capitalize()} en {org.replace('-', ' ').title()}",
        "notes": "Descripción del conjunto de datos con información sobre metodología, cobertura geográfica y "
                 "periodicidad de actualización. " * rng.randrange(1, 4),
        "author": None, "author_email": None, "maintainer": "Unidad de datos abiertos", "maintainer_email": "datos@example.org",
        "license_id": rng.choice(["cc-by", "cc-by-4.0", "odc-odbl", "other-open"]), "license_title": "Creative Commons Attribution",
        "metadata_created": created, "metadata_modified": created, "state": "active", "private": False, "type": "dataset",
        "version": None, "url": None, "isopen": True, "num_resources": len(resources),
        "organization": {"id": org, "name": org, "title": org.replace("-", " ").title(), "type": "organization",
                         "description": "", "image_url": "", "created": "2015-01-01T00:00:00", "is_organization": True,
                         "approval_status": "approved", "state": "active"},
        "owner_org": org, "groups": [],
        "tags": [{"name": t, "display_name": t, "id": t, "state": "active", "vocabulary_id": None}
                 for t in rng.sample(TAGS, rng.randrange(1, 5))],
        "num_tags": 0,
        "extras": [{"key": "frequency", "value": rng.choice(["annual", "monthly", "daily", "irregular"])},
                   {"key": "spatial", "value": "España"}, {"key": "language", "value": "es"}],
        "resources": resources, "relationships_as_object": [], "relationships_as_subject": [],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8766)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--rows-max", type=int, default=1000)
    a = ap.parse_args()
    rng = random.Random(7)
    datasets = [make_dataset(rng, i) for i in range(a.n)]
    datasets.sort(key=lambda d: d["name"])
    blobs = [json.dumps(d, ensure_ascii=False).encode() for d in datasets]
    by_name = {d["name"]: b for d, b in zip(datasets, blobs)}
    by_name.update({d["id"]: b for d, b in zip(datasets, blobs)})
    names = [d["name"] for d in datasets]
    stats = {"actions": {}, "bytes": 0, "t0": time.monotonic()}
    head = b'{"help": "http://127.0.0.1/api/3/action/help_show", "success": true, "result": '

    def ok(result_bytes):
        body = head + result_bytes + b"}"
        stats["bytes"] += len(body)
        return web.Response(body=body, content_type="application/json", charset="utf-8")

    async def params(request):
        p = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            try:
                p.update(await request.json())
            except (json.JSONDecodeError, ValueError):
                p.update(dict(await request.post()))
        return p

    async def action(request):
        name = request.match_info["name"]
        stats["actions"][name] = stats["actions"].get(name, 0) + 1
        p = await params(request)
        await asyncio.sleep(a.latency)
        if name == "package_list":
            off, lim = int(p.get("offset", 0)), p.get("limit")
            sel = names[off: off + int(lim)] if lim is not None else names[off:]
            return ok(json.dumps(sel).encode())
        if name == "package_search":
            rows = min(int(p.get("rows", 10)), a.rows_max)
            start = int(p.get("start", 0))
            page = blobs[start: start + rows]
            res = b'{"count": %d, "facets": {}, "search_facets": {}, "sort": "name asc", "results": [' % len(blobs)
            return ok(res + b", ".join(page) + b"]}")
        if name == "package_show":
            b = by_name.get(p.get("id"))
            if b is None:
                return web.json_response({"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}}, status=404)
            return ok(b)
        if name == "status_show":
            return ok(b'{"ckan_version": "2.10.4", "site_title": "fake", "extensions": []}')
        return web.json_response({"success": False, "error": {"__type": "Not Found Error", "message": "action"}}, status=400)

    async def get_stats(request):
        return web.json_response({"actions": stats["actions"], "bytes": stats["bytes"],
                                  "elapsed_s": time.monotonic() - stats["t0"]})

    async def reset(request):
        stats.update({"actions": {}, "bytes": 0, "t0": time.monotonic()})
        return web.json_response({"ok": True})

    app = web.Application(client_max_size=1 << 20)
    for prefix in ("/api/3/action/", "/api/action/"):
        app.router.add_route("*", prefix + "{name}", action)
    app.router.add_get("/__stats", get_stats)
    app.router.add_get("/__reset", reset)
    print(json.dumps({"datasets": len(blobs), "resources": sum(d["num_resources"] for d in datasets),
                      "json_mb": sum(map(len, blobs)) / 1e6}), flush=True)
    web.run_app(app, host="127.0.0.1", port=a.port, access_log=None, print=None, backlog=1024)


if __name__ == "__main__":
    main()

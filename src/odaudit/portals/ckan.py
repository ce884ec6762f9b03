"""CKAN Action API adapter: `package_search` pages (or `group_package_show`) → `Dataset`s.

Real portals overlap pages, miscount, cap `rows`, wrap errors in `success:false`
envelopes, and (DKAN) answer with a list where CKAN has an object; every one of
those is handled here as data, not as a crash.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, quote, unquote

from odaudit.models import Dataset, Institution, Resource, Source
from odaudit.portals.base import DiscoveryReport, JsonFetcher, PortalError
from odaudit.portals.fetching import fetch_json
from odaudit.portals.values import as_int, as_list, opt_text, text, to_extra

__all__ = [
    "CkanAdapter",
    "OrgInfo",
    "OrgMapping",
    "OrgMatch",
    "api_base",
    "list_organizations",
    "map_package",
    "match_organizations",
    "scope",
]

_DEFAULT_ROWS = 1000
_MAP_CHUNK = 100  # packages mapped between turns of the event loop while a page is prefetched
_MAX_BAD_PAGES = 2  # consecutive pages lost before giving up the rest of the catalogue
_API = re.compile(r"/api(?:/\d+)?(?:/action(?:/.*)?)?/?$")
_PAGE = re.compile(r"/(dataset|organization|group)(?:/([^/]+))?/?$")


def api_base(url: str) -> str:
    """The portal root of a URL written as the API, a dataset list, or an org/group page."""
    return scope(url)[0]


def scope(url: str) -> tuple[str, str, str]:
    """(portal root, organization, group) named by a portal URL such as
    `.../organization/minfin`, `.../group/salud` or `.../dataset/?groups=cooperacion`."""
    path, _, query = url.split("#", 1)[0].partition("?")
    base = _API.sub("", path.rstrip("/")).rstrip("/")
    org = group = ""
    page = _PAGE.search(base)
    if page is not None:
        base = base[: page.start()].rstrip("/")
        if page.group(1) == "organization" and page.group(2):
            org = unquote(page.group(2))
        elif page.group(1) == "group" and page.group(2):
            group = unquote(page.group(2))
    params = parse_qs(query)
    org = org or (params.get("organization") or [""])[0]
    group = group or (params.get("groups") or [""])[0]
    return base, org, group


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=8192)
def _key(name: str) -> str:
    """A field name folded for matching ("Frecuencia de actualización" → frecuencia_de_...).
    Cached: the same few dozen names recur on every package of a portal."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return _NON_ALNUM.sub("_", folded).strip("_")


_FREQUENCY = ("frequen", "frecuen", "periodic", "accrual")
_TEMPORAL = ("cobertura_temporal", "temporal_coverage", "temporal")
_STARTS = ("from", "start", "inicio", "desde", "begin")
_ENDS = ("to", "end", "fin", "hasta")
_SPATIAL_TEXT = ("spatial_text", "cobertura_geo", "geografic", "espacial", "spatial")


def _extras(package: dict[str, Any]) -> dict[str, str]:
    raw = package.get("extras")
    out: dict[str, str] = {}
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict) and text(item.get("key")):
                out[text(item.get("key"))] = to_extra(item.get("value"))
    elif isinstance(raw, dict):
        out = {str(k): to_extra(v) for k, v in raw.items()}
    return out


Fields = list[tuple[str, str]]
Folded = list[tuple[str, Any]]
#: a tuple, not `str | int | float`: isinstance on a union is several times slower
_SCALAR = (str, int, float)
_TEXTUAL = (str, int)


def _folded(package: dict[str, Any]) -> Folded:
    """Every top-level field as (folded name, raw value), folded once per package."""
    return [(_key(k if type(k) is str else str(k)), v) for k, v in package.items()]


def _fields(package: Folded, extras: Folded) -> Fields:
    """Top-level scalar fields, then extras, as (folded name, text); empty texts left out."""
    out = [(k, t) for k, v in package if isinstance(v, _SCALAR) and (t := text(v))]
    out += [(k, t) for k, v in extras if (t := v.strip())]
    return out


def _pick(candidates: Fields, hints: tuple[str, ...]) -> str | None:
    """A top-level (ckanext-scheming) field or an extra whose name says what it is."""
    for hint in hints:
        for key, value in candidates:
            if hint in key:
                return value
    return None


def _extra(extras: Folded, *names: str) -> str | None:
    for name in names:
        for key, value in extras:
            if key == name and value.strip():
                return str(value.strip())
    return None


def _temporal(package: Folded, extras: Folded, fields: Fields) -> str | None:
    """One coverage field, else a start/end pair joined ISO-style as "start/end"."""
    # every name looked at below contains "temporal": the others need not be collected;
    # an extra overrides a top-level field of the same folded name, even when empty
    named = {k: text(v) for k, v in package if "temporal" in k and isinstance(v, _TEXTUAL)}
    named.update({k: v.strip() for k, v in extras if "temporal" in k})
    for name in ("temporal", "cobertura_temporal", "temporal_coverage"):
        if named.get(name):
            return named[name]
    start = next((v for k, v in named.items() if k.endswith(_STARTS) and v), "")
    end = next((v for k, v in named.items() if k.endswith(_ENDS) and v), "")
    if start or end:
        return f"{start}/{end}"
    return _pick(fields, _TEMPORAL)


def _names(value: Any, *fields: str) -> list[str]:
    if not isinstance(value, list):
        return as_list(value)
    out: list[str] = []
    for item in value:
        if isinstance(item, dict):
            name = next((text(item.get(f)) for f in fields if text(item.get(f))), "")
        else:
            name = text(item)
        if name:
            out.append(name)
    return out


def _resource(raw: dict[str, Any]) -> Resource:
    return Resource(
        url=text(raw.get("url")),
        id=text(raw.get("id")),
        name=text(raw.get("name")),
        description=text(raw.get("description")),
        format=text(raw.get("format")),
        media_type=text(raw.get("mimetype")),
        size=as_int(raw.get("size")),
        modified=opt_text(raw.get("last_modified")) or opt_text(raw.get("metadata_modified")),
        license=text(raw.get("license")),
    )


def _record_fields(package: dict[str, Any], portal_page: str) -> dict[str, str]:
    out = {k: text(package.get(k)) for k in ("metadata_created", "metadata_modified", "name")}
    out["portal_page"] = portal_page
    return {k: v for k, v in out.items() if v}


def map_package(package: dict[str, Any], base: str) -> Dataset:
    """One CKAN package dict as a `Dataset`, values kept as the portal wrote them."""
    extras = _extras(package)
    org = package.get("organization")
    org_title = ""
    if isinstance(org, dict):
        org_title = text(org.get("title")) or text(org.get("name"))
    name = text(package.get("name"))
    url = text(package.get("url"))
    portal_page = f"{base}/dataset/{quote(name)}" if name else ""
    landing = url if url.lower().startswith(("http://", "https://")) else portal_page
    resources = package.get("resources")
    folded = _folded(package)
    folded_extras = [(_key(k), v) for k, v in extras.items()]
    fields = _fields(folded, folded_extras)
    conforms = _pick(fields, ("conforms", "data_dictionary", "diccionario", "describedby"))
    return Dataset(
        id=text(package.get("id")) or name,
        title=text(package.get("title")) or name,
        source_type="ckan",
        landing_page=landing,
        description=text(package.get("notes")),
        publisher=org_title,
        organization=org_title,
        contact_name=text(package.get("maintainer")) or text(package.get("author")),
        contact_email=text(package.get("maintainer_email")) or text(package.get("author_email")),
        keywords=_names(package.get("tags"), "display_name", "name"),
        themes=_names(package.get("groups"), "title", "display_name", "name"),
        license_id=text(package.get("license_id")),
        license_title=text(package.get("license_title")),
        license_url=text(package.get("license_url")),
        # a harvested (DCAT) record carries the publisher's dates; metadata_* is the copy's
        issued=_extra(folded_extras, "issued", "dcat_issued")
        or opt_text(package.get("metadata_created")),
        modified=_extra(folded_extras, "modified", "dcat_modified")
        or opt_text(package.get("metadata_modified")),
        frequency=_pick(fields, _FREQUENCY),
        temporal=_temporal(folded, folded_extras, fields),
        spatial=_pick(fields, _SPATIAL_TEXT),
        conforms_to=conforms,
        resources=[_resource(r) for r in resources if isinstance(r, dict)]
        if isinstance(resources, list)
        else [],
        extras=extras | _record_fields(package, portal_page),
    )


def _unwrap(payload: Any, url: str) -> tuple[list[Any], int | None]:
    """(packages, count) of an Action API answer; count None when the portal gives none."""
    if not isinstance(payload, dict):
        if isinstance(payload, list):
            return payload, None
        raise PortalError("not_catalog", "the answer is not a CKAN API envelope", {"url": url})
    if payload.get("success") is False:
        error = payload.get("error")
        detail = to_extra(error)[:300] if error is not None else ""
        raise PortalError(
            "http_error", f"the API answered success:false {detail}".strip(), {"url": url}
        )
    if "result" not in payload:
        raise PortalError("not_catalog", "no `result` in the API answer", {"url": url})
    result = payload["result"]
    if isinstance(result, list):
        return result, None
    if isinstance(result, dict):
        results = result.get("results")
        count = result.get("count")
        return (
            results if isinstance(results, list) else [],
            count if isinstance(count, int) and not isinstance(count, bool) else None,
        )
    raise PortalError("not_catalog", "`result` is neither a list nor an object", {"url": url})


async def _search_page(
    fetcher: JsonFetcher, url: str, report: DiscoveryReport, params: dict[str, str | int]
) -> tuple[list[Any], int | None]:
    payload = await fetch_json(fetcher, url, report, params)
    return _unwrap(payload, url)


def _observed(task: asyncio.Future[Any]) -> None:
    """Mark a dropped prefetch's error as seen, so asyncio does not log it as lost."""
    if not task.cancelled():
        task.exception()


def _search_missing(exc: PortalError) -> bool:
    """package_search itself is absent or broken, as on Solr-less CKAN and some DKAN."""
    status = exc.evidence.get("status")
    return exc.kind == "not_catalog" or (
        exc.kind == "http_error" and status in (400, 404, 405, 409, 500, 501, 502, 503)
    )


def _org_name(package: Any) -> str:
    org = package.get("organization") if isinstance(package, dict) else None
    return text(org.get("name")) if isinstance(org, dict) else ""


def _skip_reason(package: dict[str, Any]) -> str | None:
    if package.get("private") is True:
        return "private"
    state = text(package.get("state")).lower()
    if state and state != "active":
        return state
    return None


class CkanAdapter:
    """Streams a CKAN (or DKAN) catalogue page by page, de-duplicated by id."""

    type = "ckan"

    async def discover(
        self, source: Source, fetcher: JsonFetcher, report: DiscoveryReport
    ) -> AsyncIterator[Dataset]:
        base, url_org, url_group = scope(source.url)
        seen: set[str] = set()
        group = text(source.options.get("group")) or url_group
        if group:
            url = f"{base}/api/3/action/group_package_show"
            limit = as_int(source.options.get("rows")) or _DEFAULT_ROWS
            payload = await fetch_json(fetcher, url, report, {"id": group, "limit": limit})
            report.pages += 1
            packages, _ = _unwrap(payload, url)
            for dataset in self._accept(packages, base, seen, report):
                yield dataset
            return
        organization = source.organization or url_org
        async for dataset in self._search(source, base, organization, fetcher, report, seen):
            yield dataset

    async def _search(
        self,
        source: Source,
        base: str,
        organization: str,
        fetcher: JsonFetcher,
        report: DiscoveryReport,
        seen: set[str],
    ) -> AsyncIterator[Dataset]:
        url = f"{base}/api/3/action/package_search"
        rows = as_int(source.options.get("rows")) or _DEFAULT_ROWS
        params: dict[str, str | int] = {"q": text(source.options.get("q")) or "*:*"}
        fq = [text(source.options.get("fq"))] if text(source.options.get("fq")) else []
        if organization:
            fq.append(f"organization:{organization}")
        if fq:
            params["fq"] = " ".join(fq)
        start, bad = 0, 0
        previous: list[str] = []
        ahead: asyncio.Task[tuple[list[Any], int | None]] | None = None
        try:
            while True:
                try:
                    if ahead is None:
                        page = params | {"rows": rows, "start": start}
                        packages, count = await _search_page(fetcher, url, report, page)
                    else:  # asked for while the previous page was mapped
                        fetched, ahead = ahead, None
                        packages, count = await fetched
                except PortalError as exc:
                    if start == 0 and not seen:
                        if not _search_missing(exc):
                            raise
                        try:  # a CKAN without search (no Solr) or a DKAN: list packages instead
                            async for dataset in self._package_list(
                                base, organization, rows, fetcher, report, seen
                            ):
                                yield dataset
                        except PortalError:
                            raise exc from None
                        return
                    report.problems.append(exc)
                    bad += 1
                    if bad >= _MAX_BAD_PAGES or exc.kind in ("blocked", "unreachable"):
                        return
                    start += rows
                    continue
                bad = 0
                report.pages += 1
                ids = [text(p.get("id")) if isinstance(p, dict) else "" for p in packages]
                if start > 0 and ids == previous:
                    return  # a portal that ignores `start` serves the same page forever
                previous = ids
                last = not packages or (
                    len(packages) < rows and (count is None or start + len(packages) >= count)
                )
                if len(packages) < rows and not last:
                    rows = len(packages)  # the portal caps rows below what we asked
                start += len(packages)
                last = last or (count is not None and start >= count)
                if not last:
                    # the next page travels while this one is mapped
                    page = params | {"rows": rows, "start": start}
                    ahead = asyncio.ensure_future(_search_page(fetcher, url, report, page))
                    ahead.add_done_callback(_observed)
                for chunk in range(0, len(packages), _MAP_CHUNK):
                    batch = packages[chunk : chunk + _MAP_CHUNK]
                    for dataset in self._accept(batch, base, seen, report):
                        yield dataset
                    if ahead is not None:
                        await asyncio.sleep(0)  # let the prefetch send and read
                if last:
                    return
        finally:
            if ahead is not None:  # the consumer stopped early: drop the page in flight
                ahead.cancel()

    async def _package_list(
        self,
        base: str,
        organization: str,
        rows: int,
        fetcher: JsonFetcher,
        report: DiscoveryReport,
        seen: set[str],
    ) -> AsyncIterator[Dataset]:
        url = f"{base}/api/3/action/current_package_list_with_resources"
        offset = 0
        previous: list[str] = []
        while True:
            try:
                payload = await fetch_json(fetcher, url, report, {"limit": rows, "offset": offset})
                packages, _ = _unwrap(payload, url)
            except PortalError as exc:
                if offset == 0:
                    raise
                report.problems.append(exc)
                return
            report.pages += 1
            ids = [text(p.get("id")) if isinstance(p, dict) else "" for p in packages]
            if not packages or ids == previous:
                return
            previous = ids
            if organization:
                packages = [p for p in packages if _org_name(p) == organization]
            for dataset in self._accept(packages, base, seen, report):
                yield dataset
            offset += len(ids)

    @staticmethod
    def _accept(
        packages: list[Any], base: str, seen: set[str], report: DiscoveryReport
    ) -> list[Dataset]:
        out: list[Dataset] = []
        for package in packages:
            if not isinstance(package, dict):
                report.skip("not_a_package")
                continue
            reason = _skip_reason(package)
            if reason is not None:
                report.skip(reason)
                continue
            dataset = map_package(package, base)
            if not dataset.id:
                report.skip("no_id")
                continue
            if dataset.id in seen:
                report.skip("duplicate")
                continue
            seen.add(dataset.id)
            out.append(dataset)
        return out


# --------------------------------------------------------------------------- organizations

_ORG_PAGE = 25  # CKAN caps all_fields lists at 25 (group_and_organization_list_all_fields_max)
_MAX_ORG_PAGES = 200
_MAX_ORG_SHOWS = 300  # names-only portals: one organization_show per name, up to this many


@dataclass(frozen=True)
class OrgInfo:
    """A CKAN organization as listed by the portal."""

    name: str
    title: str
    package_count: int | None = None  # public datasets; None when the portal does not say
    id: str = ""


def _org_info(raw: Any) -> OrgInfo | None:
    if isinstance(raw, str):
        return OrgInfo(name=raw.strip(), title="") if raw.strip() else None
    if not isinstance(raw, dict):
        return None
    name = text(raw.get("name"))
    title = text(raw.get("title")) or text(raw.get("display_name"))
    if not name and not title:
        return None
    count = as_int(raw.get("package_count"))
    return OrgInfo(name=name or title, title=title, package_count=count, id=text(raw.get("id")))


async def _organization_show(
    base: str, name: str, fetcher: JsonFetcher, report: DiscoveryReport
) -> OrgInfo:
    url = f"{base}/api/3/action/organization_show"
    payload = await fetch_json(fetcher, url, report, {"id": name, "include_datasets": "false"})
    if not isinstance(payload, dict) or payload.get("success") is False:
        _unwrap(payload, url)  # raises the envelope's error
    result = payload.get("result") if isinstance(payload, dict) else None
    info = _org_info(result)
    if info is None:
        raise PortalError("not_catalog", "organization_show gave no organization", {"url": url})
    return info


async def _organization_pages(
    base: str, fetcher: JsonFetcher, report: DiscoveryReport
) -> list[OrgInfo]:
    url = f"{base}/api/3/action/organization_list"
    out: dict[str, OrgInfo] = {}
    offset = 0
    for _ in range(_MAX_ORG_PAGES):
        params: dict[str, str | int] = {"all_fields": "true", "limit": _ORG_PAGE, "offset": offset}
        try:
            items, _ = _unwrap(await fetch_json(fetcher, url, report, params), url)
        except PortalError as exc:
            if offset == 0:
                raise
            report.problems.append(exc)  # keep what the earlier pages gave
            break
        report.pages += 1
        new = 0
        for raw in items:
            info = _org_info(raw)
            if info is None:
                report.skip("not_an_organization")
            elif info.name not in out:
                out[info.name] = info
                new += 1
        if not items or not new:
            break  # the end, or a portal that ignores offset
        offset += len(items)  # the cap may be below what we asked
    return list(out.values())


async def list_organizations(
    base_url: str, fetcher: JsonFetcher, report: DiscoveryReport | None = None
) -> list[OrgInfo]:
    """A portal's organizations with their dataset counts, sorted by name.

    `organization_list?all_fields=true` paged with limit/offset; a URL naming one
    organization (`.../organization/minfin`) reads just that one with `organization_show`,
    and so does a portal that answers with bare names. Raises `PortalError` when the
    portal refuses or does not answer as CKAN.
    """
    report = report if report is not None else DiscoveryReport()
    base, org, _ = scope(base_url)
    if org:
        return [await _organization_show(base, org, fetcher, report)]
    orgs = await _organization_pages(base, fetcher, report)
    detailed: list[OrgInfo] = []
    for info in orgs:
        if info.title or info.package_count is not None or len(detailed) >= _MAX_ORG_SHOWS:
            detailed.append(info)
            continue
        try:
            detailed.append(await _organization_show(base, info.name, fetcher, report))
        except PortalError as exc:
            report.problems.append(exc)
            if exc.kind in ("blocked", "unreachable"):
                detailed.extend(o for o in orgs if o.name not in {d.name for d in detailed})
                break
            detailed.append(info)
    return sorted(detailed, key=lambda o: o.name)


@dataclass(frozen=True)
class OrgMatch:
    """Which institution an organization seems to be, and why."""

    org: OrgInfo
    institution: str | None  # institution code
    how: str = ""  # configured | code | name | ""


@dataclass(frozen=True)
class OrgMapping:
    matches: list[OrgMatch]
    unmatched: list[Institution]  # institutions no organization was matched to


_FILLER = frozenset({"de", "del", "la", "las", "el", "los", "y", "e", "en", "para", "a", "al"})


def _tokens(value: str) -> list[str]:
    return [t for t in _key(value).split("_") if t]


def _compact(value: str) -> str:
    return "".join(_tokens(value))


def _configured(inst: Institution, base: str) -> set[str]:
    return {
        s.organization or scope(s.url)[1]
        for s in inst.sources
        if s.type == "ckan" and api_base(s.url) == base and (s.organization or scope(s.url)[1])
    }


def _match_one(org: OrgInfo, institutions: Sequence[Institution], base: str) -> OrgMatch:
    for inst in institutions:
        if org.name in _configured(inst, base):
            return OrgMatch(org, inst.code, "configured")
    words = set(_tokens(org.name)) | set(_tokens(org.title))
    compact_name = _compact(org.name)
    for inst in institutions:
        code = _compact(inst.code)
        if code and (code == compact_name or code in words):
            return OrgMatch(org, inst.code, "code")
    best: tuple[int, Institution] | None = None
    for inst in institutions:
        wanted = set(_tokens(inst.name)) - _FILLER
        if wanted and wanted <= words and (best is None or len(wanted) > best[0]):
            best = (len(wanted), inst)
    if best is not None:
        return OrgMatch(org, best[1].code, "name")
    return OrgMatch(org, None)


def match_organizations(
    orgs: Sequence[OrgInfo], institutions: Sequence[Institution], base_url: str = ""
) -> OrgMapping:
    """Guess the institution behind each organization (accent- and case-insensitive).

    An organization already written as a CKAN source's `organization:` for this portal is
    `configured`; otherwise its name or a word of its title equal to an institution code
    is `code`; otherwise a title holding every word of an institution's name is `name`.
    """
    base = api_base(base_url) if base_url else ""
    matches = [_match_one(org, institutions, base) for org in orgs]
    found = {m.institution for m in matches if m.institution}
    return OrgMapping(matches, [i for i in institutions if i.code not in found])

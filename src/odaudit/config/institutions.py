"""Load and validate institutions.yaml: who is audited, where they publish, what they owe.

Top-level keys (all but `institutions` optional)::

    contact: https://...     contact URL (or mailto:) put in the User-Agent
    allow_origins: [...]     origins (scheme://host:port) on private/loopback addresses that may be fetched
    crawl: {...}             CrawlSettings fields (timeout, connect_timeout, concurrency,
                             per_host_concurrency, per_host_interval, max_redirects, max_bytes,
                             sniff_bytes) and `hosts: {host: {per_host_concurrency, per_host_interval}}`
    institutions: [...]      see `_institution`, `_source` and `_key_dataset`
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from yaml.nodes import Node, SequenceNode

from odaudit.config.nodes import Doc, Fields, is_http_url, line_of, parse_file
from odaudit.config.problems import ConfigError
from odaudit.config.settings import DEFAULT_CONTACT, AuditConfig, CrawlSettings, HostSettings
from odaudit.models import Institution, KeyDataset, Source

__all__ = ["CONFIDENCE", "SOURCE_TYPES", "load_institutions", "read_institutions"]

SOURCE_TYPES = ("ckan", "dcat", "html", "socrata", "opendatasoft", "files")
CONFIDENCE = ("verified-in-source", "inferred", "unknown")
_CODE = re.compile(r"^[A-Z0-9_-]+$")
_HOST = re.compile(r"^[a-z0-9.-]+(:[0-9]{1,5})?$")

_TOP = ("contact", "allow_origins", "crawl", "institutions")
_CRAWL = (
    "timeout", "connect_timeout", "concurrency", "per_host_concurrency", "per_host_interval",
    "max_redirects", "max_bytes", "sniff_bytes", "hosts",
)  # fmt: skip
_HOST_KEYS = ("per_host_concurrency", "per_host_interval")
_INSTITUTION = ("code", "name", "sector", "website", "notes", "sources", "key_datasets")
_SOURCE_COMMON = ("type", "url", "organization", "verified", "evidence", "confidence")
#: Adapter-specific keys, kept in Source.options.
_SOURCE_EXTRA: dict[str, tuple[str, ...]] = {
    "ckan": ("rows", "group"),
    "dcat": (),
    "html": ("depth", "max_pages"),
    "socrata": ("domain",),
    "opendatasoft": ("domain",),
    "files": ("urls", "datasets"),
}
_KEY_DATASET = ("id", "title", "keywords", "frequency")
_FILES_DATASET = ("id", "title", "urls")


def load_institutions(path: str | Path) -> AuditConfig:
    """Load institutions.yaml; raises ConfigError with every problem found."""
    doc, config = read_institutions(Path(path))
    if doc.problems:
        raise ConfigError(doc.sorted_problems())
    assert config is not None
    return config


def read_institutions(path: Path) -> tuple[Doc, AuditConfig | None]:
    """Parse and validate without raising: the problems are in `doc.problems`."""
    doc = parse_file(path)
    if doc.root is None:
        return doc, None
    top = doc.mapping(doc.root, "the institutions file")
    if top is None:
        return doc, None
    top.keys(_TOP, required=("institutions",))
    contact = _contact(top)
    origins = _origins(top)
    crawl_node = top.node_of("crawl")
    crawl = (
        _crawl(doc, crawl_node, contact)
        if crawl_node is not None
        else CrawlSettings(contact=contact)
    )
    institutions: list[Institution] = []
    seen: dict[str, int | None] = {}
    inst_node = top.node_of("institutions")
    for item in (doc.sequence(inst_node, "institutions") or []) if inst_node is not None else []:
        code, inst = _institution(doc, item)
        if code in seen:
            hint = f"first used on line {seen[code]}; codes must be unique"
            doc.add(item, f"duplicate institution code '{code}'", hint)
            continue
        if code:
            seen[code] = line_of(item)
        if inst is not None:
            institutions.append(inst)
    config = AuditConfig(
        institutions=institutions,
        allow_origins=origins,
        crawl=crawl,
        path=path,
        sha256=hashlib.sha256(doc.data).hexdigest(),
    )
    return doc, config


def _contact(top: Fields) -> str:
    contact = top.string("contact", DEFAULT_CONTACT, nonempty=True)
    ok = (
        is_http_url(contact) or re.fullmatch(r"mailto:[^@\s]+@[^@\s]+", contact)
    ) and contact.isascii()
    if not ok or any(c in contact for c in "()\r\n"):
        top.doc.add(
            top.node_of("contact"),
            f"contact {contact!r} is not an http(s) URL or mailto: address",
            "portal admins read it in the User-Agent, e.g. https://github.com/odaudit/odaudit",
        )
        return DEFAULT_CONTACT
    return contact


def _origins(top: Fields) -> list[str]:
    out: list[str] = []
    for value, node in top.strings("allow_origins"):
        try:
            parts = urlsplit(value)
            ok = (
                parts.scheme in ("http", "https")
                and bool(parts.hostname)
                and parts.path in ("", "/")
                and not parts.query
                and not parts.fragment
                and parts.username is None
            )
            _ = parts.port  # raises on a bad port
        except ValueError:
            ok = False
        if not ok:
            top.doc.add(
                node,
                f"allow_origins: {value!r} is not an origin",
                "write scheme://host:port, e.g. http://127.0.0.1:8765",
            )
            continue
        out.append(value.rstrip("/"))
    return out


def _crawl(doc: Doc, node: Node, contact: str) -> CrawlSettings:
    f = doc.mapping(node, "crawl")
    if f is None:
        return CrawlSettings(contact=contact)
    f.keys(_CRAWL)
    d = CrawlSettings()
    timeout = f.number("timeout", d.timeout, above=0)
    connect = f.number("connect_timeout", d.connect_timeout, above=0)
    max_bytes = f.integer("max_bytes", d.max_bytes, minimum=1)
    sniff = f.integer("sniff_bytes", d.sniff_bytes, minimum=1)
    if sniff > max_bytes:
        doc.add(
            f.node_of("sniff_bytes"),
            f"crawl.sniff_bytes ({sniff}) is larger than crawl.max_bytes ({max_bytes})",
            "lower sniff_bytes or raise max_bytes",
        )
    hosts: dict[str, HostSettings] = {}
    hosts_node = f.node_of("hosts")
    hf = doc.mapping(hosts_node, "crawl.hosts") if hosts_node is not None else None
    for host, (key_node, value_node) in (hf.fields if hf else {}).items():
        if not _HOST.match(host.lower()):
            doc.add(
                key_node,
                f"crawl.hosts: {host!r} is not a host name",
                "write the bare host, e.g. datos.minfin.gob.gt (no scheme, no path)",
            )
            continue
        h = doc.mapping(value_node, f"crawl.hosts.{host}")
        if h is None:
            continue
        h.keys(_HOST_KEYS)
        conc = (
            h.integer("per_host_concurrency", 0, minimum=1)
            if h.has("per_host_concurrency")
            else None
        )
        interval = (
            h.number("per_host_interval", 0.0, minimum=0) if h.has("per_host_interval") else None
        )
        hosts[host.lower()] = HostSettings(per_host_concurrency=conc, per_host_interval=interval)
    return CrawlSettings(
        timeout=timeout,
        connect_timeout=connect,
        concurrency=f.integer("concurrency", d.concurrency, minimum=1),
        per_host_concurrency=f.integer("per_host_concurrency", d.per_host_concurrency, minimum=1),
        per_host_interval=f.number("per_host_interval", d.per_host_interval, minimum=0),
        max_redirects=f.integer("max_redirects", d.max_redirects, minimum=0),
        max_bytes=max_bytes,
        sniff_bytes=sniff,
        contact=contact,
        hosts=hosts,
    )


def _url(f: Fields, key: str, *, required: bool = False) -> str:
    if not f.has(key):
        return ""
    value = f.string(key, nonempty=required)
    if value and not is_http_url(value):
        f.doc.add(
            f.node_of(key),
            f"{f.what}: {key} {value!r} is not an http(s) URL",
            "write a full URL starting with https:// or http://",
        )
        return ""
    return value


def _institution(doc: Doc, node: Node) -> tuple[str, Institution | None]:
    """One `institutions:` item.

    Keys: code (required, unique, [A-Z0-9_-]+), name (required), sector, website (URL), notes,
    sources (list, may be empty: the institution is then scored as publishing nothing),
    key_datasets (list of what it is expected to publish, for the coverage rules).
    """
    f = doc.mapping(node, "institution")
    if f is None:
        return "", None
    code = f.string("code", nonempty=True)
    if code:
        f.what = f"institution {code}"
    f.keys(_INSTITUTION, required=("code", "name"))
    if code and not _CODE.match(code):
        doc.add(
            f.node_of("code"),
            f"institution code {code!r} may hold only A-Z, 0-9, '_' and '-'",
            f"e.g. {re.sub(r'[^A-Z0-9_-]', '', code.upper()) or 'MINFIN'}",
        )
    name = f.string("name", nonempty=True)
    sources: list[Source] = []
    src_node = f.node_of("sources")
    for item in (doc.sequence(src_node, f"{f.what}.sources") or []) if src_node is not None else []:
        source = _source(doc, item, f.what)
        if source is None:
            continue
        if any(s.type == source.type and s.url == source.url for s in sources):
            doc.add(
                item,
                f"{f.what}: the {source.type} source {source.url} is listed twice",
                "remove one",
            )
            continue
        sources.append(source)
    keys: list[KeyDataset] = []
    key_lines: dict[str, int | None] = {}
    kd_node = f.node_of("key_datasets")
    for item in (
        (doc.sequence(kd_node, f"{f.what}.key_datasets") or []) if kd_node is not None else []
    ):
        kd = _key_dataset(doc, item, f.what)
        if kd is None:
            continue
        if kd.id in key_lines:
            doc.add(
                item,
                f"{f.what}: duplicate key dataset id '{kd.id}'",
                f"first used on line {key_lines[kd.id]}",
            )
            continue
        key_lines[kd.id] = line_of(item)
        keys.append(kd)
    if not code or not name:
        return code, None
    return code, Institution(
        code=code,
        name=name,
        sector=f.string("sector"),
        sources=tuple(sources),
        key_datasets=tuple(keys),
        website=_url(f, "website"),
        notes=f.string("notes"),
    )


def _source(doc: Doc, node: Node, owner: str) -> Source | None:
    """One `sources:` item.

    Keys: type (ckan | dcat | html | socrata | opendatasoft | files), url (http(s); for files it
    defaults to the first of `urls`), organization, verified (bool), evidence (where the URL
    comes from), confidence (verified-in-source | inferred | unknown), plus adapter options kept
    in Source.options: ckan rows (int, default 1000) and group; html depth (int >= 0, default 1)
    and max_pages (int, default 50); socrata/opendatasoft domain; files urls (required list of
    URLs) and datasets (list of {id, title, urls}). `confidence` is kept in options too.
    """
    f = doc.mapping(node, f"{owner}: source")
    if f is None:
        return None
    kind = f.string("type", nonempty=True)
    if kind and kind not in SOURCE_TYPES:
        doc.add(
            f.node_of("type"),
            f"unknown source type {kind!r}",
            "use one of: " + ", ".join(SOURCE_TYPES),
        )
        kind = ""
    extra = _SOURCE_EXTRA.get(kind, ())

    def explain(key: str) -> str | None:
        owners = [t for t, keys in _SOURCE_EXTRA.items() if key in keys]
        return (
            f"'{key}' applies to sources of type {' / '.join(owners)} only"
            if owners and kind
            else None
        )

    f.keys(
        (*_SOURCE_COMMON, *extra),
        required=("type",) if kind == "files" else ("type", "url"),
        explain=explain,
    )
    url = _url(f, "url", required=True)
    options: dict[str, Any] = {}
    confidence = f.opt_string("confidence")
    if confidence is not None:
        if confidence not in CONFIDENCE:
            doc.add(
                f.node_of("confidence"),
                f"unknown confidence {confidence!r}",
                "use one of: " + ", ".join(CONFIDENCE),
            )
        else:
            options["confidence"] = confidence
    if kind == "ckan":
        options["rows"] = f.integer("rows", 1000, minimum=1, maximum=1000)
        if f.has("group"):
            options["group"] = f.string("group", nonempty=True)
    elif kind == "html":
        options["depth"] = f.integer("depth", 1, minimum=0)
        options["max_pages"] = f.integer("max_pages", 50, minimum=1)
    elif kind in ("socrata", "opendatasoft") and f.has("domain"):
        options["domain"] = f.string("domain", nonempty=True)
    elif kind == "files":
        urls = _url_list(f, "urls")
        if not f.has("urls"):
            doc.add(
                f.node, f"{owner}: a files source needs 'urls'", "list the file URLs under 'urls:'"
            )
        elif isinstance(f.node_of("urls"), SequenceNode) and not f.node_of("urls").value:  # type: ignore[union-attr]
            doc.add(f.node_of("urls"), f"{owner}: 'urls' is empty", "list at least one file URL")
        options["urls"] = urls
        options["datasets"] = _files_datasets(doc, f, owner)
        url = url or (urls[0] if urls else "")
    if not kind or not url:
        return None
    return Source(
        type=kind,
        url=url,
        organization=f.opt_string("organization"),
        options=options,
        verified=f.boolean("verified"),
        evidence=f.string("evidence"),
        line=line_of(node) or 0,
    )


def _url_list(f: Fields, key: str) -> list[str]:
    out: list[str] = []
    for value, node in f.strings(key):
        if is_http_url(value):
            out.append(value)
        else:
            f.doc.add(
                node,
                f"{f.what}: {key} {value!r} is not an http(s) URL",
                "write a full URL starting with https:// or http://",
            )
    return out


def _files_datasets(doc: Doc, f: Fields, owner: str) -> list[dict[str, Any]]:
    node = f.node_of("datasets")
    out: list[dict[str, Any]] = []
    for item in (doc.sequence(node, f"{owner}: files datasets") or []) if node is not None else []:
        d = doc.mapping(item, f"{owner}: files dataset")
        if d is None:
            continue
        d.keys(_FILES_DATASET, required=("id", "title", "urls"))
        ds_id, title, urls = (
            d.string("id", nonempty=True),
            d.string("title", nonempty=True),
            _url_list(d, "urls"),
        )
        if any(o["id"] == ds_id for o in out):
            doc.add(
                d.node_of("id"),
                f"{owner}: duplicate files dataset id {ds_id!r}",
                "ids must be unique within the source",
            )
        elif ds_id and title:
            out.append({"id": ds_id, "title": title, "urls": urls})
    return out


def _key_dataset(doc: Doc, node: Node, owner: str) -> KeyDataset | None:
    """One `key_datasets:` item: id (required, unique in the institution), title (required),
    keywords (list of str, Spanish, used to match discovered datasets), frequency (kept raw)."""
    f = doc.mapping(node, f"{owner}: key dataset")
    if f is None:
        return None
    f.keys(_KEY_DATASET, required=("id", "title"))
    kd_id, title = f.string("id", nonempty=True), f.string("title", nonempty=True)
    keywords = tuple(v for v, _ in f.strings("keywords"))
    frequency = f.opt_string("frequency")
    if not kd_id or not title:
        return None
    return KeyDataset(id=kd_id, title=title, keywords=keywords, frequency=frequency)

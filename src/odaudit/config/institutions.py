"""Load and validate institutions.yaml: who is audited, where they publish, what they owe.

Top-level keys (all but `institutions` optional)::

    contact: https://...     contact URL (or mailto:) put in the User-Agent
    allow_origins: [...]     origins (scheme://host:port) on private/loopback addresses that may be fetched
    crawl: {...}             CrawlSettings fields (timeout, connect_timeout, concurrency,
                             per_host_concurrency, per_host_interval, max_redirects, max_bytes,
                             sniff_bytes) and `hosts: {host: {per_host_concurrency, per_host_interval}}`
    institutions: [...]      see `_institution`, `source_entry.read_source` and `_key_dataset`
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from yaml.nodes import Node

from odaudit.config.crawl_settings import read_contact, read_crawl, read_origins
from odaudit.config.nodes import Doc, line_of, parse_file
from odaudit.config.problems import ConfigError
from odaudit.config.settings import AuditConfig, CrawlSettings
from odaudit.config.source_entry import read_source, read_url
from odaudit.models import Institution, KeyDataset, Source

__all__ = ["load_institutions", "read_institutions"]

_CODE = re.compile(r"^[A-Z0-9_-]+$")
_TOP = ("contact", "allow_origins", "crawl", "institutions")
_INSTITUTION = ("code", "name", "sector", "website", "notes", "sources", "key_datasets")
_KEY_DATASET = ("id", "title", "keywords", "frequency")


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
    contact = read_contact(top)
    origins = read_origins(top)
    crawl_node = top.node_of("crawl")
    crawl = (
        read_crawl(doc, crawl_node, contact)
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
        source = read_source(doc, item, f.what)
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
        website=read_url(f, "website"),
        notes=f.string("notes"),
    )


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

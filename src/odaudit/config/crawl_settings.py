"""Read the crawl-wide part of institutions.yaml: contact, allow_origins and `crawl:`."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from yaml.nodes import Node

from odaudit.config.nodes import Doc, Fields, is_http_url
from odaudit.config.settings import DEFAULT_CONTACT, CrawlSettings, HostSettings

__all__ = ["read_contact", "read_crawl", "read_origins"]

_HOST = re.compile(r"^[a-z0-9.-]+(:[0-9]{1,5})?$")
_CRAWL = (
    "timeout", "connect_timeout", "low_speed_bytes", "low_speed_time", "concurrency", "per_host_concurrency", "per_host_interval",
    "max_redirects", "max_bytes", "sniff_bytes", "hosts", "validate", "validate_max_bytes",
    "cache_max_age", "max_crawl_delay",
)  # fmt: skip
_HOST_KEYS = ("per_host_concurrency", "per_host_interval")


def read_contact(top: Fields) -> str:
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


def read_origins(top: Fields) -> list[str]:
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


def read_crawl(doc: Doc, node: Node, contact: str) -> CrawlSettings:
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
        low_speed_bytes=f.integer("low_speed_bytes", d.low_speed_bytes, minimum=0),
        low_speed_time=f.number("low_speed_time", d.low_speed_time, above=0),
        concurrency=f.integer("concurrency", d.concurrency, minimum=1),
        per_host_concurrency=f.integer("per_host_concurrency", d.per_host_concurrency, minimum=1),
        per_host_interval=f.number("per_host_interval", d.per_host_interval, minimum=0),
        max_redirects=f.integer("max_redirects", d.max_redirects, minimum=0),
        max_bytes=max_bytes,
        sniff_bytes=sniff,
        validate=f.boolean("validate") is not False,
        validate_max_bytes=f.integer("validate_max_bytes", d.validate_max_bytes, minimum=1),
        cache_max_age=f.number("cache_max_age", d.cache_max_age, minimum=0),
        max_crawl_delay=f.number("max_crawl_delay", d.max_crawl_delay, minimum=0),
        contact=contact,
        hosts=hosts,
    )

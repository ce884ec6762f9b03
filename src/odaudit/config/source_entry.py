"""Read one `sources:` entry of institutions.yaml into a `Source`."""

from __future__ import annotations

from typing import Any

from yaml.nodes import Node, SequenceNode

from odaudit.config.nodes import Doc, Fields, is_http_url, line_of
from odaudit.models import Source

__all__ = ["CONFIDENCE", "SOURCE_TYPES", "read_source", "read_url"]

SOURCE_TYPES = ("ckan", "dcat", "html", "socrata", "opendatasoft", "files")
CONFIDENCE = ("verified-in-source", "inferred", "unknown")
_SOURCE_COMMON = ("type", "url", "organization", "verified", "evidence", "confidence")
#: Adapter-specific keys, kept in Source.options.
_SOURCE_EXTRA: dict[str, tuple[str, ...]] = {
    "ckan": ("rows", "group", "q", "fq"),
    "dcat": ("format", "max_pages"),
    "html": ("depth", "max_pages"),
    "socrata": ("domain", "catalog_url", "views", "rows"),
    "opendatasoft": ("domain", "api", "rows"),
    "files": ("urls", "datasets", "publisher"),
}
_RDF_FORMATS = ("xml", "turtle", "json-ld", "nt", "n3")
_ODS_APIS = ("v2.1", "v1")
_FILES_DATASET = ("id", "title", "urls")


def read_url(f: Fields, key: str, *, required: bool = False) -> str:
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


def read_source(doc: Doc, node: Node, owner: str) -> Source | None:
    """One `sources:` item.

    Keys: type (ckan | dcat | html | socrata | opendatasoft | files), url (http(s); for files it
    defaults to the first of `urls`), organization, verified (bool), evidence (where the URL
    comes from), confidence (verified-in-source | inferred | unknown), plus adapter options kept
    in Source.options: ckan rows (int, default 1000) and group; html depth (int >= 0, default 1)
    and max_pages (int, default 50); socrata/opendatasoft domain; files urls (required list of
    URLs) and datasets (list of {id, title, urls}).
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
    url = read_url(f, "url", required=True)
    options: dict[str, Any] = {}
    confidence = f.opt_string("confidence") or ""
    if confidence and confidence not in CONFIDENCE:
        doc.add(
            f.node_of("confidence"),
            f"unknown confidence {confidence!r}",
            "use one of: " + ", ".join(CONFIDENCE),
        )
        confidence = ""
    if kind == "ckan":
        options["rows"] = f.integer("rows", 1000, minimum=1, maximum=1000)
        for key in ("group", "q", "fq"):
            if f.has(key):
                options[key] = f.string(key, nonempty=True)
    elif kind == "dcat":
        if f.has("format"):
            options["format"] = _choice(doc, f, "format", _RDF_FORMATS)
        options["max_pages"] = f.integer("max_pages", 50, minimum=1)
    elif kind == "html":
        options["depth"] = f.integer("depth", 1, minimum=0)
        options["max_pages"] = f.integer("max_pages", 50, minimum=1)
    elif kind in ("socrata", "opendatasoft"):
        if f.has("domain"):
            options["domain"] = f.string("domain", nonempty=True)
        if f.has("rows"):
            options["rows"] = f.integer("rows", 100, minimum=1)
        if kind == "socrata":
            if f.has("catalog_url"):
                options["catalog_url"] = read_url(f, "catalog_url")
            if f.has("views"):
                options["views"] = f.boolean("views")
        elif f.has("api"):
            options["api"] = _choice(doc, f, "api", _ODS_APIS)
    elif kind == "files":
        if f.has("publisher"):
            options["publisher"] = f.string("publisher", nonempty=True)
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
        confidence=confidence,
        line=line_of(node) or 0,
    )


def _choice(doc: Doc, f: Fields, key: str, allowed: tuple[str, ...]) -> str:
    value = f.string(key, nonempty=True)
    if value and value not in allowed:
        doc.add(
            f.node_of(key),
            f"{f.what}: {key} {value!r} is not known",
            "use one of: " + ", ".join(allowed),
        )
    return value


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

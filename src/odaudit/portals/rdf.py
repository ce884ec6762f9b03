"""DCAT-AP in RDF (RDF/XML, Turtle, N-Triples, JSON-LD) → `Dataset`s, with rdflib.

Parsing is defensive: XML with entity declarations is refused (no expansion
bombs, no external entities), and JSON-LD remote `@context` references are
stripped before rdflib sees them, so parsing never reaches the network.
"""

from __future__ import annotations

import json
import re
import warnings
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, Namespace
from rdflib.term import Node

from odaudit.models import Dataset, Resource
from odaudit.portals.base import PortalError
from odaudit.portals.values import as_int

__all__ = ["HYDRA", "map_graph", "next_pages", "parse_graph", "rdf_format"]

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SCHEMA = Namespace("http://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
LOCN = Namespace("http://www.w3.org/ns/locn#")

_BY_TYPE = {
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "text/n3": "n3",
}
_BY_EXTENSION = {
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
    ".ttl": "turtle",
    ".jsonld": "json-ld",
    ".nt": "nt",
    ".n3": "n3",
}
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_LANGS = ("es", "", "en")


def rdf_format(content_type: str, url: str, body: bytes, declared: str = "") -> str | None:
    """The rdflib format of a catalogue answer, or None when it is not RDF."""
    if declared:
        return declared
    if content_type in _BY_TYPE:
        return _BY_TYPE[content_type]
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    for ext, fmt in _BY_EXTENSION.items():
        if path.endswith(ext):
            return fmt
    head = body.lstrip()[:200]
    if head.startswith(b"<?xml") or head.startswith(b"<rdf:RDF"):
        return "xml"
    if head.startswith((b"@prefix", b"@base", b"PREFIX")):
        return "turtle"
    return None


def _strip_remote_contexts(value: Any) -> Any:
    """Drop `@context` entries that name a URL: rdflib would fetch them itself."""
    if isinstance(value, list):
        return [_strip_remote_contexts(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "@context":
            kept = [c for c in (item if isinstance(item, list) else [item]) if isinstance(c, dict)]
            kept = [{k: v for k, v in c.items() if k != "@import"} for c in kept]
            if kept:
                out[key] = kept if len(kept) > 1 else kept[0]
            continue
        out[key] = _strip_remote_contexts(item)
    return out


def parse_graph(body: bytes, fmt: str, base: str) -> Graph:
    """Parse without network access; any failure is `PortalError` malformed."""
    graph = Graph()
    try:
        # the whole body: a prolog may hold any amount of comments or spaces before its DOCTYPE
        if fmt == "xml" and _ENTITY.search(body):
            raise PortalError(
                "malformed", "XML declares entities; refused for safety", {"url": base}
            )
        if fmt == "json-ld":
            doc = _strip_remote_contexts(json.loads(body))
            with warnings.catch_warnings():  # rdflib's own ConjunctiveGraph deprecation
                warnings.simplefilter("ignore", DeprecationWarning)
                graph.parse(data=json.dumps(doc), format="json-ld", publicID=base)
        else:
            graph.parse(data=body, format=fmt, publicID=base)
    except PortalError:
        raise
    except Exception as exc:  # rdflib raises many unrelated types on hostile input
        raise PortalError(
            "malformed",
            f"unparseable {fmt}: {type(exc).__name__}: {str(exc)[:200]}",
            {"url": base, "format": fmt},
        ) from exc
    return graph


def _literal(graph: Graph, subject: Node, predicate: URIRef) -> str:
    """The best literal (Spanish, untagged, English, any) of a property."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    for lang in _LANGS:
        for value in values:
            if (value.language or "") == lang:
                return str(value).strip()
    return str(values[0]).strip() if values else ""


def _label(graph: Graph, node: Node | None) -> str:
    """A literal, an IRI, or a described node's name/label."""
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node).strip()
    for predicate in (FOAF.name, SKOS.prefLabel, VCARD.fn, RDFS.label, DCTERMS.title):
        found = _literal(graph, node, predicate)
        if found:
            return found
    if isinstance(node, URIRef):
        return str(node)
    value = graph.value(node, RDF.value)
    return _label(graph, value) if value is not None and value != node else ""


def _ref(graph: Graph, subject: Node, predicate: URIRef) -> str:
    """An IRI or literal value as a string (URLs given as literals are common)."""
    for value in graph.objects(subject, predicate):
        if isinstance(value, URIRef | Literal):
            return str(value).strip()
    return ""


def _duration(graph: Graph, node: Node) -> str:
    parts = []
    for unit, code in ((TIME.years, "Y"), (TIME.months, "M"), (TIME.weeks, "W"), (TIME.days, "D")):
        amount = graph.value(node, unit)
        if isinstance(amount, Literal):
            number = str(amount).rstrip("0").rstrip(".") if "." in str(amount) else str(amount)
            parts.append(f"{number}{code}")
    return "P" + "".join(parts) if parts else ""


def _frequency(graph: Graph, subject: Node) -> str | None:
    node = graph.value(subject, DCTERMS.accrualPeriodicity)
    if node is None:
        return None
    if isinstance(node, URIRef | Literal) and not list(graph.objects(node, RDF.value)):
        return str(node)
    value = graph.value(node, RDF.value)
    if value is not None:
        return _duration(graph, value) or _label(graph, value) or None
    return _label(graph, node) or None


def _temporal(graph: Graph, subject: Node) -> str | None:
    node = graph.value(subject, DCTERMS.temporal)
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    start = _ref(graph, node, DCAT.startDate) or _ref(graph, node, SCHEMA.startDate)
    end = _ref(graph, node, DCAT.endDate) or _ref(graph, node, SCHEMA.endDate)
    if start or end:
        return f"{start}/{end}"
    return _label(graph, node) or None


def _spatial(graph: Graph, subject: Node) -> str | None:
    node = graph.value(subject, DCTERMS.spatial)
    if node is None:
        return None
    if isinstance(node, BNode):
        return _literal(graph, node, LOCN.geometry) or _label(graph, node) or None
    return _label(graph, node) or None


def _contact(graph: Graph, subject: Node) -> tuple[str, str, str]:
    node = graph.value(subject, DCAT.contactPoint)
    if node is None:
        return "", "", ""
    email = _ref(graph, node, VCARD.hasEmail)
    if email.lower().startswith("mailto:"):
        email = email[len("mailto:") :].strip()
    return _literal(graph, node, VCARD.fn), email, _ref(graph, node, VCARD.hasURL)


def _media_type(value: str) -> str:
    marker = "/media-types/"
    return value.split(marker, 1)[1] if marker in value else value


def _format(graph: Graph, node: Node) -> str:
    value = graph.value(node, DCTERMS.format)
    if value is None:
        return ""
    if isinstance(value, BNode) or (
        isinstance(value, URIRef) and list(graph.predicate_objects(value))
    ):
        return _literal(graph, value, RDFS.label) or _ref(graph, value, RDF.value)
    text = str(value)
    return text.rstrip("/").rsplit("/", 1)[-1] if isinstance(value, URIRef) else text


def _size(graph: Graph, node: Node) -> int | None:
    value = graph.value(node, DCAT.byteSize)
    if not isinstance(value, Literal):
        return None
    try:
        return as_int(float(str(value)))
    except ValueError:
        return None


def _distribution(graph: Graph, node: Node) -> Resource:
    url = _ref(graph, node, DCAT.downloadURL) or _ref(graph, node, DCAT.accessURL)
    return Resource(
        url=url,
        id=str(node) if isinstance(node, URIRef) else "",
        name=_literal(graph, node, DCTERMS.title),
        description=_literal(graph, node, DCTERMS.description),
        format=_format(graph, node),
        media_type=_media_type(_ref(graph, node, DCAT.mediaType)),
        size=_size(graph, node),
        modified=_ref(graph, node, DCTERMS.modified) or None,
        license=_label(graph, graph.value(node, DCTERMS.license)),
    )


def _license(graph: Graph, subject: Node) -> tuple[str, str, str]:
    node = graph.value(subject, DCTERMS.license)
    if node is None:
        return "", "", ""
    if isinstance(node, Literal):
        return str(node), str(node), ""
    label = _label(graph, node)
    url = str(node) if isinstance(node, URIRef) else ""
    return url or label, label if label != url else "", url


def _record_dates(graph: Graph, subject: Node) -> dict[str, str]:
    """Dates of the dcat:CatalogRecord describing a dataset (the metadata's own dates)."""
    out: dict[str, str] = {}
    for record in graph.subjects(FOAF.primaryTopic, subject):
        for name, predicate in (
            ("record_issued", DCTERMS.issued),
            ("record_modified", DCTERMS.modified),
        ):
            value = _ref(graph, record, predicate)
            if value and name not in out:
                out[name] = value
    return out


def map_graph(graph: Graph, page_url: str) -> list[Dataset]:
    """Every dcat:Dataset of a graph, in a stable order."""
    out: list[Dataset] = []
    subjects = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)
    for position, subject in enumerate(subjects):
        record = _record_dates(graph, subject)
        extras = {"rdf_subject": str(subject)} if isinstance(subject, URIRef) else {}
        contact_name, contact_email, contact_url = _contact(graph, subject)
        license_id, license_title, license_url = _license(graph, subject)
        publisher = _label(graph, graph.value(subject, DCTERMS.publisher))
        ident = _literal(graph, subject, DCTERMS.identifier)
        if not ident:
            ident = str(subject) if isinstance(subject, URIRef) else f"{page_url}#node-{position}"
        distributions = sorted(set(graph.objects(subject, DCAT.distribution)), key=str)
        out.append(
            Dataset(
                id=ident,
                title=_literal(graph, subject, DCTERMS.title),
                source_type="dcat",
                source_url=page_url,
                landing_page=_ref(graph, subject, DCAT.landingPage),
                description=_literal(graph, subject, DCTERMS.description),
                publisher=publisher,
                organization=publisher,
                contact_name=contact_name,
                contact_email=contact_email,
                contact_url=contact_url,
                keywords=sorted({str(k).strip() for k in graph.objects(subject, DCAT.keyword)}),
                themes=sorted({_label(graph, t) for t in graph.objects(subject, DCAT.theme)}),
                license_id=license_id,
                license_title=license_title,
                license_url=license_url,
                issued=_ref(graph, subject, DCTERMS.issued) or record.get("record_issued"),
                modified=_ref(graph, subject, DCTERMS.modified) or record.get("record_modified"),
                frequency=_frequency(graph, subject),
                temporal=_temporal(graph, subject),
                spatial=_spatial(graph, subject),
                conforms_to=_ref(graph, subject, DCTERMS.conformsTo) or None,
                resources=[_distribution(graph, d) for d in distributions],
                extras=extras | record,
            )
        )
    return out


def next_pages(graph: Graph) -> list[str]:
    """hydra:nextPage / hydra:next targets, as the graph names them."""
    found = {
        str(o)
        for p in (HYDRA.nextPage, HYDRA.next)
        for o in graph.objects(None, p)
        if isinstance(o, URIRef | Literal)
    }
    return sorted(found)

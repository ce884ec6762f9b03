"""What the rules of one dataset see: the dataset, its probes and a per-resource reading.

Each resource is read once (declared format, URL extension, sniffed bytes, served
Content-Type) so the availability and format rules agree on what a resource is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from odaudit.checks.formats import FormatInfo, format_by_id, format_for_extension, lookup_format
from odaudit.checks.sanitize import clean_dataset, clean_probe
from odaudit.checks.sniff import detect_format, is_challenge_page
from odaudit.models import Dataset, Institution, Probe, ProbeOutcome, Resource

__all__ = ["DatasetContext", "ResourceView", "label", "prefix_hex"]

#: Byte kinds decisive enough to say what a resource is, whatever was declared.
_DECISIVE = frozenset(
    {"PDF", "DOC", "DOCX", "ODT", "PPTX", "PNG", "JPEG", "GIF", "TIFF", "HTML", "XLS", "XLSX",
     "ODS", "JSON", "XML", "CSV", "TSV", "GZ", "RAR", "7Z"}
)  # fmt: skip
_LOGIN = re.compile(
    r"(?:^|[/?=&._-])(?:login|signin|sign-in|iniciar-sesion|auth|sso|cas)(?:[/?=&._-]|$)"
)


def prefix_hex(data: bytes) -> str:
    return data[:16].hex(" ")


def label(resource: Resource) -> str:
    """How a message names a resource: its name, else its URL (shortened)."""
    name = (resource.name or "").strip()
    if name:
        return name[:120]
    return (resource.url or "(sin URL)")[:160]


@dataclass
class ResourceView:
    resource: Resource
    probe: Probe | None
    declared: FormatInfo | None  # from the format field, else the declared media type
    by_extension: FormatInfo | None
    detected: str | None  # sniffed from the bytes (odaudit.checks.sniff ids)
    served_type: FormatInfo | None  # from the response Content-Type
    challenge: bool = False
    login_wall: bool = False

    @property
    def fetched_ok(self) -> bool:
        return self.probe is not None and self.probe.outcome == ProbeOutcome.OK

    @property
    def served_html(self) -> bool:
        if not self.fetched_ok:
            return False
        if self.detected is not None:
            return self.detected == "HTML"
        return self.served_type is not None and self.served_type.id == "HTML"

    @property
    def expected(self) -> FormatInfo | None:
        """What the portal promised: the declared format, else what the URL extension says."""
        return self.declared or self.by_extension

    @property
    def effective(self) -> FormatInfo | None:
        """What the resource is, best knowledge first: the bytes, then the declarations."""
        if self.detected in _DECISIVE:
            found = format_by_id(self.detected or "")
            if found is not None:
                return found
        return self.declared or self.by_extension or (self.served_type if self.fetched_ok else None)

    def evidence(self) -> dict[str, object]:
        """The facts every resource-level finding shows."""
        out: dict[str, object] = {
            "url": self.resource.url,
            "declared_format": self.resource.format,
        }
        if self.resource.media_type:
            out["declared_media_type"] = self.resource.media_type
        if self.probe is not None:
            out["outcome"] = self.probe.outcome.value
            if self.probe.status is not None:
                out["status"] = self.probe.status
            if self.probe.content_type:
                out["content_type"] = self.probe.content_type
            if self.probe.final_url and self.probe.final_url != self.resource.url:
                out["final_url"] = self.probe.final_url
            if self.probe.sniff:
                out["bytes_prefix_hex"] = prefix_hex(self.probe.sniff)
            if self.detected:
                out["detected_format"] = self.detected
        return out


def _view(resource: Resource, probe: Probe | None) -> ResourceView:
    declared = lookup_format(resource.format) or (
        None if resource.format.strip() else lookup_format(resource.media_type)
    )
    detected = None
    served = None
    challenge = login = False
    if probe is not None and probe.outcome == ProbeOutcome.OK:
        detected = detect_format(probe.sniff) if probe.sniff else None
        served = lookup_format(probe.content_type)
    if probe is not None and probe.outcome in (ProbeOutcome.OK, ProbeOutcome.HTTP_ERROR):
        challenge = is_challenge_page(probe.sniff, probe.headers)
        final = (probe.final_url or "").lower()
        try:
            path = urlsplit(final).path + "?" + urlsplit(final).query
        except ValueError:
            path = ""
        login = bool(_LOGIN.search(path))
    return ResourceView(
        resource=resource,
        probe=probe,
        declared=declared,
        by_extension=format_for_extension(resource.url or ""),
        detected=detected,
        served_type=served,
        challenge=challenge,
        login_wall=login,
    )


@dataclass
class DatasetContext:
    institution: Institution
    dataset: Dataset
    probes: Mapping[str, Probe]
    now: datetime
    resources: list[ResourceView] = field(default_factory=list)
    #: resource URL -> odaudit.validation TableReport, for the DV/PD rules (duck-typed)
    tables: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        institution: Institution,
        dataset: Dataset,
        probes: Mapping[str, Probe],
        now: datetime,
        tables: Mapping[str, Any] | None = None,
    ) -> DatasetContext:
        dataset = clean_dataset(dataset)
        views = [
            _view(r, clean_probe(probes.get(r.url)) if r.url else None) for r in dataset.resources
        ]
        return cls(institution, dataset, probes, now, views, dict(tables or {}))

"""What the rules of one dataset see: the dataset, its probes and a per-resource reading.

Each resource is read once (declared format, URL extension, sniffed bytes, served
Content-Type) so the availability and format rules agree on what a resource is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from odaudit.checks.formats import FormatInfo, format_by_id, format_for_extension, lookup_format
from odaudit.checks.sanitize import clean_dataset, clean_probe
from odaudit.checks.sniff import detect_format, is_challenge_page
from odaudit.checks.ziplist import ZipListing, list_zip_members
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
#: A password input, or a form posting to a login URL, in the served HTML.
_LOGIN_FORM = re.compile(
    rb"<input[^>]*type\s*=\s*[\"']?password|<form[^>]*action\s*=\s*[\"']?[^\"'>]*"
    rb"(?:login|signin|sign-in|iniciar-sesion|inicio-sesion)",
    re.I,
)
_MAX_MEMBERS_SHOWN = 20


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
    login_wall: bool = False  # redirected to a login URL
    login_form: bool = False  # the HTML served holds a password field or a login form
    zip_listing: ZipListing | None = None  # members named by the bytes, for ZIP archives

    @cached_property
    def members(self) -> list[tuple[str, FormatInfo | None]]:
        """ZIP members (folders and OS clutter left out) with the format their names say."""
        if self.zip_listing is None:
            return []
        return [
            (name, format_for_extension("/" + name.replace("#", "").replace("?", "")))
            for name in self.zip_listing.names
            if not name.endswith("/") and not name.startswith("__MACOSX/")
        ]

    @cached_property
    def inner(self) -> FormatInfo | None:
        """The best format among a ZIP's members: a ZIP holding a CSV is as good as the CSV."""
        known = [info for _, info in self.members if info is not None]
        if not known:
            return None
        return max(known, key=lambda i: (i.machine_readable is True, i.open is True, i.stars or 0))

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
        if self.detected == "ZIP" and self.inner is not None:
            return self.inner
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
        effective = self.effective
        if effective is not None and effective.stars is not None:
            out["stars"] = effective.stars
        return out

    def member_evidence(self) -> list[dict[str, object]]:
        return [
            {"name": name[:200], "format": info.id if info is not None else None}
            for name, info in self.members[:_MAX_MEMBERS_SHOWN]
        ]


def _view(resource: Resource, probe: Probe | None) -> ResourceView:
    declared = lookup_format(resource.format) or (
        None if resource.format.strip() else lookup_format(resource.media_type)
    )
    detected = None
    served = None
    challenge = login = form = False
    listing = None
    if probe is not None and probe.outcome == ProbeOutcome.OK:
        detected = detect_format(probe.sniff) if probe.sniff else None
        served = lookup_format(probe.content_type)
        if detected == "ZIP":
            listing = list_zip_members(probe.sniff)
        if detected == "HTML" or (detected is None and served is not None and served.id == "HTML"):
            form = bool(_LOGIN_FORM.search(probe.sniff[:65536]))
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
        login_form=form,
        zip_listing=listing,
    )


@dataclass
class DatasetContext:
    institution: Institution
    dataset: Dataset
    probes: Mapping[str, Probe]
    now: datetime
    #: resource URL -> odaudit.validation TableReport, for the DV/PD rules (duck-typed)
    tables: Mapping[str, Any] = field(default_factory=dict)
    #: resource URL -> how many runs in a row before this one it failed (from the store)
    failure_streaks: Mapping[str, int] = field(default_factory=dict)
    #: licence URL -> its probe in this run
    license_probes: Mapping[str, Probe] = field(default_factory=dict)
    #: resource URL -> sha256 of the sniffed prefix, in this run and in the previous one
    content_hashes: Mapping[str, str] = field(default_factory=dict)
    previous_hashes: Mapping[str, str] = field(default_factory=dict)
    #: rule code -> effective params, for rules that depend on another rule's settings
    rule_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: resource URL -> robots.txt verdict: a bool or an `odaudit.http.RobotsVerdict` (AV008)
    robots: Mapping[str, Any] = field(default_factory=dict)
    #: clock-free values the rules worked out, as JSON, by key (see `memoized`)
    memo: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def resources(self) -> list[ResourceView]:
        """One reading per resource, made on first use: a rerun that reuses a dataset's
        findings runs only the clock rules, and they may never look at the resources."""
        return [
            _view(r, clean_probe(self.probes.get(r.url)) if r.url else None)
            for r in self.dataset.resources
        ]

    def memoized(self, key: str, compute: Callable[[], Any]) -> Any:
        """`compute()`, worked out once per dataset and its inputs: the memo is stored with
        the dataset, and a rerun that reuses its findings hands it back to the clock rules.
        Only for values that do not depend on the clock, and JSON-shaped (lists, not tuples),
        so that a value read back from the store is the value worked out."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    @classmethod
    def build(
        cls,
        institution: Institution,
        dataset: Dataset,
        probes: Mapping[str, Probe],
        now: datetime,
        tables: Mapping[str, Any] | None = None,
        *,
        failure_streaks: Mapping[str, int] | None = None,
        license_probes: Mapping[str, Probe] | None = None,
        content_hashes: Mapping[str, str] | None = None,
        previous_hashes: Mapping[str, str] | None = None,
        rule_params: Mapping[str, Mapping[str, Any]] | None = None,
        robots: Mapping[str, Any] | None = None,
        memo: dict[str, Any] | None = None,
    ) -> DatasetContext:
        """`memo` is filled in place: what the rules work out is there for the caller to
        store."""
        dataset = clean_dataset(dataset)
        licence_probes = {}
        for url, raw in (license_probes or {}).items():
            cleaned = clean_probe(raw)
            if cleaned is not None:
                licence_probes[str(url)] = cleaned
        return cls(
            institution,
            dataset,
            probes,
            now,
            tables if tables is not None else {},  # lazy: a rule may never read them
            failure_streaks=_counts(failure_streaks),
            license_probes=licence_probes,
            content_hashes=_strings(content_hashes),
            previous_hashes=_strings(previous_hashes),
            rule_params=dict(rule_params or {}),
            robots={str(k): v for k, v in (robots or {}).items()},
            memo=memo if memo is not None else {},
        )


def _counts(value: Mapping[str, int] | None) -> dict[str, int]:
    out: dict[str, int] = {}
    for k, v in (value or {}).items():
        if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
            out[str(k)] = v
    return out


def _strings(value: Mapping[str, str] | None) -> dict[str, str]:
    return {str(k): v for k, v in (value or {}).items() if isinstance(v, str) and v}

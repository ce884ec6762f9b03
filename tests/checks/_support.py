"""Builders shared by the checks tests: a clean dataset, probes, a methodology stand-in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from odaudit.checks import run_dataset_checks
from odaudit.models import (
    Dataset,
    Finding,
    Institution,
    KeyDataset,
    Probe,
    ProbeOutcome,
    Resource,
    Severity,
    Source,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "checks"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CSV_URL = "https://datos.example.gob.gt/dataset/presupuesto/presupuesto-2026.csv"
CSV_BODY = b"departamento,municipio,monto\nGuatemala,Mixco,1200.50\nZacapa,Gualan,300\n"

INST = Institution(
    code="MINFIN",
    name="Ministerio de Finanzas Públicas",
    sources=(Source(type="ckan", url="https://datos.example.gob.gt"),),
    key_datasets=(
        KeyDataset(id="presupuesto", title="Presupuesto aprobado", keywords=("presupuesto",)),
    ),
)


def fixture_bytes(name: str, limit: int = 65536) -> bytes:
    return (FIXTURES / name).read_bytes()[:limit]


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def resource(**changes: Any) -> Resource:
    base = Resource(url=CSV_URL, name="Presupuesto 2026", format="CSV", media_type="text/csv")
    return replace(base, **changes)


def good_dataset(**changes: Any) -> Dataset:
    """A dataset that breaks no rule, so each test changes exactly one thing."""
    base = Dataset(
        id="presupuesto-2026",
        title="Presupuesto aprobado 2026",
        description="Presupuesto general de ingresos y egresos del Estado aprobado para 2026.",
        publisher="Ministerio de Finanzas Públicas",
        organization="minfin",
        contact_email="datos@minfin.example.gob.gt",
        keywords=["presupuesto", "finanzas"],
        themes=["Economía y finanzas"],
        temporal="2026-01-01/2026-12-31",
        spatial="Guatemala",
        conforms_to="https://datos.example.gob.gt/dataset/presupuesto/diccionario.html",
        license_id="cc-by",
        license_title="Creative Commons Attribution",
        modified="2026-05-20T10:00:00",
        issued="2020-01-01",
        frequency="R/P1M",
        resources=[resource()],
    )
    return replace(base, **changes)


def ok_probe(url: str = CSV_URL, body: bytes = CSV_BODY, content_type: str = "text/csv") -> Probe:
    return Probe(
        url=url,
        outcome=ProbeOutcome.OK,
        final_url=url,
        method="GET",
        status=200,
        content_type=content_type,
        content_length=len(body),
        sniff=body,
    )


def probe(outcome: ProbeOutcome, url: str = CSV_URL, **changes: Any) -> Probe:
    return replace(Probe(url=url, outcome=outcome, final_url=url), **changes)


@dataclass
class Settings:
    severity: Severity | None = None
    weight: float | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Meth:
    """A stand-in for odaudit.config.Methodology: everything enabled unless ignored."""

    rules: dict[str, Settings] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()

    def enabled(self, code: str) -> bool:
        return not any(code == s or (len(s) == 2 and code.startswith(s)) for s in self.ignore)


def run(
    dataset: Dataset,
    probes: dict[str, Probe] | None = None,
    meth: Meth | None = None,
    now: datetime = NOW,
    **history: Any,
) -> list[Finding]:
    """Run every rule; `history` passes the optional store evidence (failure_streaks, ...)."""
    if probes is None:
        probes = {r.url: ok_probe(r.url) for r in dataset.resources if r.url}
    return run_dataset_checks(INST, dataset, probes, meth or Meth(), now, **history)


def codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def assert_json_evidence(findings: list[Finding]) -> None:
    for f in findings:
        json.dumps(f.evidence)

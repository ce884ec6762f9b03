"""CV001-CV003 and the key-dataset matcher."""

from __future__ import annotations

from dataclasses import replace

from tests.checks._support import INST, Meth, codes, good_dataset, resource

from odaudit.checks import run_institution_checks
from odaudit.models import CoverageStatus, KeyDataset

KEYS = (
    KeyDataset(id="presupuesto", title="Presupuesto aprobado", keywords=("presupuesto",)),
    KeyDataset(
        id="compras", title="Compras públicas", keywords=("adquisiciones", "contrataciones")
    ),
    KeyDataset(id="ejecucion", title="Ejecución presupuestaria", keywords=("ejecucion del gasto",)),
)
INSTITUTION = replace(INST, key_datasets=KEYS)


def _status(items: list, key: str) -> CoverageStatus:  # type: ignore[type-arg]
    return next(i.status for i in items if i.key_id == key)


def test_found_pdf_only_and_missing() -> None:
    budget = good_dataset(id="b", title="PRESUPUESTOS 2026")  # case, plural
    spending = good_dataset(
        id="e",
        title="Informe",
        keywords=[],
        description="Ejecución del gasto público por mes",  # accents, word order
        resources=[resource(url="https://x.gov/ejecucion.pdf", format="PDF", media_type="")],
    )
    findings, items = run_institution_checks(INSTITUTION, [budget, spending], Meth())
    assert [i.key_id for i in items] == ["presupuesto", "compras", "ejecucion"]
    assert _status(items, "presupuesto") == CoverageStatus.FOUND
    assert next(i for i in items if i.key_id == "presupuesto").dataset_ids == ["b"]
    assert _status(items, "ejecucion") == CoverageStatus.PDF_ONLY
    assert _status(items, "compras") == CoverageStatus.MISSING
    assert codes(findings) == ["CV001", "CV002"]
    assert findings[0].evidence["key_id"] in ("compras", "ejecucion")


def test_keyword_matches_tags() -> None:
    ds = good_dataset(id="c", title="Datos abiertos", keywords=["Contrataciones", "Guatecompras"])
    _, items = run_institution_checks(INSTITUTION, [ds], Meth())
    assert _status(items, "compras") == CoverageStatus.FOUND


def test_partial_keyword_does_not_match() -> None:
    ds = good_dataset(id="x", title="Gasto municipal", description="", keywords=[])
    _, items = run_institution_checks(INSTITUTION, [ds], Meth())
    assert _status(items, "ejecucion") == CoverageStatus.MISSING


def test_cv003_no_sources() -> None:
    inst = replace(INSTITUTION, sources=())
    findings, items = run_institution_checks(inst, [], Meth())
    assert codes(findings) == ["CV001", "CV001", "CV001", "CV003"]
    assert all(i.status == CoverageStatus.MISSING for i in items)


def test_cv_rules_can_be_disabled_but_coverage_is_still_returned() -> None:
    findings, items = run_institution_checks(INSTITUTION, [], Meth(ignore=("CV",)))
    assert findings == [] and len(items) == 3

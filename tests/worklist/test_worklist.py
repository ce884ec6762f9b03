"""The work list an institution receives: grouped, ordered by impact."""

from __future__ import annotations

from odaudit.checks import all_rules
from odaudit.models import Dataset, Finding, Resource, Severity
from odaudit.store.view import DatasetView, InstitutionView
from odaudit.worklist import build_worklist, compact_evidence


def _f(code: str, sev: Severity, ds: str | None, url: str | None = None, msg: str = "m") -> Finding:
    return Finding(
        code=code,
        severity=sev,
        message=msg,
        institution="MEM",
        dataset_id=ds,
        resource_url=url,
        evidence={"url": url, "status": 404},
        fix="arreglar",
    )


def test_grouping_and_order() -> None:
    ds = Dataset(
        id="d", title="Precios", resources=[Resource(url=f"http://x/{i}") for i in range(3)]
    )
    inst = InstitutionView(
        code="MEM",
        name="MEM",
        sector="",
        datasets=[
            DatasetView(
                ds,
                {},
                [
                    _f("AV002", Severity.ERROR, "d", "http://x/0"),
                    _f("AV002", Severity.ERROR, "d", "http://x/1"),
                    _f("MD004", Severity.WARNING, "d"),
                ],
            )
        ],
        findings=[
            _f("CV001", Severity.ERROR, None, msg="Falta «Presupuesto»"),
            _f("CV001", Severity.ERROR, None, msg="Falta «Compras»"),
        ],
    )
    items = build_worklist(inst, all_rules())
    codes = [(i.code, i.count) for i in items]
    # AV002 (error, weight 100 × 2) first; the two missing key datasets stay two jobs
    # (CV rules weigh 0); the warning last.
    assert codes == [("AV002", 2), ("CV001", 1), ("CV001", 1), ("MD004", 1)]
    assert items[0].resources == ["http://x/0", "http://x/1"]
    assert items[0].dataset_title == "Precios"
    assert items[0].evidence == "status=404; url=http://x/0"  # key facts first
    assert {i.message for i in items if i.code == "CV001"} == {
        "Falta «Presupuesto»",
        "Falta «Compras»",
    }
    raw = build_worklist(inst, all_rules(), summarise=False)
    assert raw[0].evidence == "" and raw[0].raw_evidence == {"url": "http://x/0", "status": 404}


def test_compact_evidence_shortens() -> None:
    line = compact_evidence({"a": "x" * 100, "b": None, "c": [1, 2]})
    assert line.startswith("a=" + "x" * 77 + "…")
    assert "b=" not in line and "c=[1, 2]" in line
    assert len(compact_evidence({str(i): "y" * 70 for i in range(10)})) == 240

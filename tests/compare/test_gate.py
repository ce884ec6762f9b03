"""Run diffs and the CI gate, on hand-built runs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from odaudit.compare import Gate, diff_runs, evaluate_gate
from odaudit.gate_output import FORMATS, render_gate
from odaudit.models import (
    CoverageItem,
    CoverageStatus,
    Dataset,
    Finding,
    InstitutionScore,
    ScoreCard,
    Severity,
)
from odaudit.store.view import DatasetView, InstitutionView, RunManifest, RunView


def _finding(code: str, sev: Severity, ds: str = "d1", msg: str = "m") -> Finding:
    return Finding(code=code, severity=sev, message=msg, institution="INE", dataset_id=ds)


def _run(
    run_id: int,
    score: float,
    findings: list[Finding],
    cov: CoverageStatus,
    datasets: tuple[str, ...] = ("d1",),
) -> RunView:
    inst = InstitutionView(
        code="INE",
        name="Instituto Nacional de Estadística",
        sector="estadística",
        datasets=[
            DatasetView(
                Dataset(id=d, title=f"T {d}"), {}, [f for f in findings if f.dataset_id == d]
            )
            for d in datasets
        ],
        coverage=[CoverageItem("censo", "Censo", cov, [])],
    )
    card = ScoreCard(
        "m",
        "1",
        "h",
        score,
        "b",
        [InstitutionScore("INE", inst.name, {}, score, None, score, "b", 1)],
        [],
    )
    return RunView(RunManifest(run_id=run_id), {}, [inst], card)


def test_diff_new_fixed_and_losses() -> None:
    before = _run(
        1,
        80.0,
        [_finding("LI001", Severity.ERROR), _finding("MD001", Severity.WARNING)],
        CoverageStatus.FOUND,
        ("d1", "d0"),
    )
    after = _run(
        2,
        70.0,
        [_finding("LI001", Severity.ERROR, msg="reworded"), _finding("AV002", Severity.ERROR)],
        CoverageStatus.PDF_ONLY,
        ("d1", "d2"),
    )
    d = diff_runs(before, after)
    assert [f.code for f in d.new_findings] == ["AV002"]
    assert [f.code for f in d.fixed_findings] == ["MD001"]  # reworded LI001 is the same finding
    assert d.national_delta == -10.0
    assert d.institutions[0].delta == -10.0
    assert d.datasets_added == [("INE", "T d2")]
    assert d.datasets_removed == [("INE", "T d0")]
    assert [(x.before, x.after) for x in d.key_datasets_lost] == [("found", "pdf_only")]


def test_gate_breaches() -> None:
    before = _run(1, 80.0, [], CoverageStatus.FOUND)
    after = _run(
        2,
        70.0,
        [_finding("AV002", Severity.ERROR), _finding("MD004", Severity.WARNING)],
        CoverageStatus.MISSING,
    )
    breaches = evaluate_gate(after, diff_runs(before, after), Gate(min_national=75))
    kinds = sorted(b.kind for b in breaches)
    # national drop and INE drop, one new error (the warning is below the default), a lost key dataset
    assert kinds == ["drop", "drop", "lost_key_dataset", "min_national", "new_finding"]


def test_gate_passes_when_nothing_regresses() -> None:
    run = _run(1, 80.0, [_finding("LI001", Severity.ERROR)], CoverageStatus.FOUND)
    assert evaluate_gate(run, diff_runs(run, run), Gate()) == []


def test_gate_thresholds_can_be_switched_off() -> None:
    before = _run(1, 80.0, [], CoverageStatus.FOUND)
    after = _run(2, 10.0, [_finding("AV002", Severity.ERROR)], CoverageStatus.MISSING)
    gate = Gate(max_drop=None, fail_on_new=None, fail_on_lost_key_datasets=False)
    assert evaluate_gate(after, diff_runs(before, after), gate) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_and_escapes(fmt: str) -> None:
    hostile = "<script>alert(1)</script> | `x` \n::error::fake"
    before = _run(1, 80.0, [], CoverageStatus.FOUND)
    after = _run(2, 60.0, [_finding("AV002", Severity.ERROR, msg=hostile)], CoverageStatus.FOUND)
    d = diff_runs(before, after)
    text = render_gate(fmt, evaluate_gate(after, d, Gate()), d, 2)
    assert text
    if fmt == "json":
        data = json.loads(text)
        assert data["passed"] is False
        assert {b["kind"] for b in data["breaches"]} == {"drop", "new_finding"}
    elif fmt == "junit":
        root = ET.fromstring(text)
        assert root.attrib["failures"] == "3"
        assert "<script>" not in text
    elif fmt == "github":
        lines = text.splitlines()
        assert all(line.startswith("::error ") for line in lines)  # no injected command line
    elif fmt == "markdown":
        assert "<script>" not in text
        assert "\\<script\\>" in text
    else:
        assert "FAIL new_finding" in text


def test_unknown_format() -> None:
    with pytest.raises(ValueError):
        render_gate("yaml", [], None, 1)


def test_same_portal_on_another_port_is_no_change() -> None:
    def run(run_id: int, port: int) -> RunView:
        url = f"http://127.0.0.1:{port}/files/a.csv"
        f = Finding(
            code="AV002",
            severity=Severity.ERROR,
            message="m",
            institution="INE",
            dataset_id=f"http://127.0.0.1:{port}/mem/#precios",
            resource_url=url,
        )
        inst = InstitutionView(
            code="INE",
            name="INE",
            sector="",
            datasets=[DatasetView(Dataset(id=f.dataset_id or "", title="P"), {}, [f])],
        )
        return RunView(RunManifest(run_id=run_id), {}, [inst], None)

    d = diff_runs(run(1, 8765), run(2, 9999))
    assert d.new_findings == [] and d.fixed_findings == []
    assert d.datasets_added == [] and d.datasets_removed == []

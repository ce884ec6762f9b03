"""CLI tests on stores written directly (no network): two runs of one institution."""

from __future__ import annotations

from pathlib import Path

import pytest

from odaudit.config import default_rules_path, load_methodology
from odaudit.models import (
    CoverageItem,
    CoverageStatus,
    Dataset,
    Finding,
    Institution,
    KeyDataset,
    Resource,
    Severity,
)
from odaudit.scoring import score_run
from odaudit.store import RunManifest, Store

INE = Institution(
    code="INE",
    name="Instituto Nacional de Estadística",
    sector="estadística",
    key_datasets=(KeyDataset(id="censo", title="Censo"),),
)


def _write_run(store: Store, findings: list[Finding], coverage: CoverageStatus) -> int:
    method = load_methodology(default_rules_path())
    run_id = store.start_run(RunManifest(command="test"), method.to_dict())
    store.add_institution(run_id, INE, 0)
    ds = Dataset(id="censo-2018", title="Censo 2018", resources=[Resource(url="http://x/c.csv")])
    store.add_dataset(run_id, "INE", ds, [], [f for f in findings if f.dataset_id])
    store.add_institution_findings(
        run_id,
        "INE",
        [f for f in findings if not f.dataset_id],
        [CoverageItem("censo", "Censo", coverage, ["censo-2018"])],
    )
    store.save_scores(run_id, score_run(store.load_run(run_id, with_scores=False), method))
    store.finish_run(run_id)
    return run_id


@pytest.fixture()
def two_runs(tmp_path: Path) -> Path:
    """Run 1 is clean; run 2 lost its licence and its key dataset became PDF-only."""
    path = tmp_path / "odaudit.sqlite"
    with Store.open(path) as store:
        _write_run(store, [], CoverageStatus.FOUND)
        lost = Finding(
            code="LI001",
            severity=Severity.ERROR,
            message="=cmd <script>alert(1)</script>",
            institution="INE",
            dataset_id="censo-2018",
            fix="Declare una licencia abierta.",
        )
        _write_run(store, [lost], CoverageStatus.PDF_ONLY)
    return path

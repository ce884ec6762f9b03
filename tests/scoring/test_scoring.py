"""odaudit's own methodology, checked against scores computed by hand."""

from __future__ import annotations

from pathlib import Path

from odaudit.checks import get_rule
from odaudit.config import default_rules_path, load_methodology
from odaudit.models import (
    CoverageItem,
    CoverageStatus,
    Dataset,
    Finding,
    Resource,
    Severity,
)
from odaudit.scoring import band_for, coverage_score, score_run
from odaudit.store.view import DatasetView, InstitutionView, RunManifest, RunView

METHOD = load_methodology(default_rules_path())


def _f(code: str, ds: str | None, url: str | None = None, inst: str = "A") -> Finding:
    return Finding(
        code=code,
        severity=Severity.WARNING,
        message="",
        institution=inst,
        dataset_id=ds,
        resource_url=url,
    )


def _ds(i: str, n_res: int, findings: list[Finding]) -> DatasetView:
    res = [Resource(url=f"http://x/{i}/{k}.csv") for k in range(n_res)]
    return DatasetView(Dataset(id=i, title=i, resources=res), {}, findings)


def _view(*insts: InstitutionView) -> RunView:
    return RunView(RunManifest(run_id=1), {}, list(insts), None)


def test_dataset_and_institution_scores_by_hand() -> None:
    # d1: 4 resources, one unreachable (AV001, 100 points, resource-level → 100/4 = 25 off
    # availability) and no licence (LI001, 100 off licence) → availability 75, licence 0,
    # others 100. No table was read, so validity and personal data do not apply and the
    # weights (0.25, 0.20, 0.15, 0.15, 0.10) are normalised over their sum 0.85:
    # (0.25*75 + 0.20*100 + 0.15*0 + 0.15*100 + 0.10*100) / 0.85 = 63.75 / 0.85 = 75.0
    d1 = _ds("d1", 4, [_f("AV001", "d1", "http://x/d1/0.csv"), _f("LI001", "d1")])
    # d2: MD001 + MD004 (25 each) → metadata 50 → (85 - 0.10*50) / 0.85 = 80 / 0.85 = 94.12
    d2 = _ds("d2", 1, [_f("MD001", "d2"), _f("MD004", "d2")])
    a = InstitutionView(
        code="A",
        name="A",
        sector="",
        datasets=[d1, d2],
        coverage=[
            CoverageItem("k1", "K1", CoverageStatus.FOUND),
            CoverageItem("k2", "K2", CoverageStatus.PDF_ONLY),
        ],
    )
    card = score_run(_view(a), METHOD)
    by_id = {d.dataset_id: d for d in card.datasets}
    assert by_id["d1"].dimensions["availability"] == 75.0
    assert by_id["d1"].dimensions["license"] == 0.0
    assert by_id["d1"].score == 75.0
    assert "validity" not in by_id["d1"].dimensions
    assert by_id["d2"].dimensions["metadata"] == 50.0
    assert by_id["d2"].score == 94.1
    [inst] = card.institutions
    # Every level is computed from the published (one-decimal) figures of the level below,
    # so a reader can redo it from the report: datasets mean (75.0 + 94.1) / 2 = 84.55 → 84.6;
    # coverage (1 + 0.5) / 2 = 75; institution 0.6 * 84.6 + 0.4 * 75 = 50.76 + 30 = 80.76 → 80.8
    assert inst.datasets_score == 84.6
    assert inst.coverage == 75.0
    assert inst.score == 80.8
    assert inst.band == "bueno"
    assert inst.dimensions["availability"] == 87.5
    assert inst.dimensions["coverage"] == 75.0


def test_institution_without_datasets_keeps_only_its_coverage_share() -> None:
    nothing = InstitutionView(
        code="B",
        name="B",
        sector="",
        coverage=[CoverageItem("k", "K", CoverageStatus.MISSING)],
        findings=[_f("CV003", None, inst="B")],
    )
    no_keys = InstitutionView(code="C", name="C", sector="", datasets=[_ds("c", 1, [])])
    card = score_run(_view(nothing, no_keys), METHOD)
    scores = {s.code: s for s in card.institutions}
    assert scores["B"].score == 0.0 and scores["B"].band == "insuficiente"
    assert scores["B"].datasets_score is None
    assert scores["C"].score == 100.0  # no key datasets expected: datasets alone count
    assert scores["C"].coverage is None
    assert [s.code for s in card.institutions] == ["C", "B"]
    assert [s.rank for s in card.institutions] == [1, 2]
    assert card.national_score == 50.0
    assert card.rules_hash == METHOD.sha256
    assert card.methodology_version == "2026.1"


def test_ties_share_a_rank() -> None:
    insts = [InstitutionView(code=c, name=c, sector="", datasets=[_ds(c, 1, [])]) for c in "ZYX"]
    card = score_run(_view(*insts), METHOD)
    assert [(s.code, s.rank) for s in card.institutions] == [("X", 1), ("Y", 1), ("Z", 1)]


def test_floor_at_zero_and_ignored_rules(tmp_path: Path) -> None:
    ds = _ds(
        "d",
        1,
        [_f("MD001", "d"), _f("MD002", "d"), _f("MD003", "d"), _f("MD004", "d"), _f("MD005", "d")],
    )
    inst = InstitutionView(code="A", name="A", sector="", datasets=[ds])
    assert score_run(_view(inst), METHOD).datasets[0].dimensions["metadata"] == 0.0
    rules = tmp_path / "r.yaml"
    rules.write_text(
        default_rules_path().read_text(encoding="utf-8").replace("ignore: []", "ignore: [MD]"),
        encoding="utf-8",
    )
    relaxed = load_methodology(rules)
    card = score_run(_view(inst), relaxed)
    assert card.datasets[0].dimensions["metadata"] == 100.0
    assert card.institutions[0].n_findings == 0
    assert card.rules_hash != METHOD.sha256


def test_weight_override_from_the_rules_file(tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(
        default_rules_path()
        .read_text(encoding="utf-8")
        .replace("rules:\n", "rules:\n  LI001:\n    weight: 40\n", 1),
        encoding="utf-8",
    )
    method = load_methodology(rules)
    inst = InstitutionView(
        code="A", name="A", sector="", datasets=[_ds("d", 1, [_f("LI001", "d")])]
    )
    assert score_run(_view(inst), method).datasets[0].dimensions["license"] == 60.0


def test_same_input_same_card() -> None:
    inst = InstitutionView(
        code="A",
        name="A",
        sector="",
        datasets=[_ds("d", 3, [_f("AV002", "d", "http://x/d/1.csv")])],
    )
    assert score_run(_view(inst), METHOD) == score_run(_view(inst), METHOD)


def test_bands_and_coverage_helpers() -> None:
    bands = [("excelente", 85.0), ("bueno", 70.0), ("suficiente", 50.0), ("insuficiente", 0.0)]
    assert band_for(85, bands) == "excelente"
    assert band_for(84.9, bands) == "bueno"
    assert band_for(0, bands) == "insuficiente"
    assert coverage_score([], 0.5) is None
    items = [
        CoverageItem("a", "A", CoverageStatus.PDF_ONLY),
        CoverageItem("b", "B", CoverageStatus.MISSING),
    ]
    assert coverage_score(items, 0.5) == 25.0


def test_validity_applies_only_when_a_table_was_read() -> None:
    dv_finding = _f("DV004", "d", "http://x/d/0.csv")
    read = _ds("d", 1, [dv_finding])
    read.tables = {"http://x/d/0.csv": {"format": "csv", "n_rows": 10}}
    unread = _ds("e", 1, [])
    inst = InstitutionView(code="A", name="A", sector="", datasets=[read, unread])
    card = score_run(_view(inst), METHOD)
    by_id = {d.dataset_id: d for d in card.datasets}
    weight = get_rule("DV004").weight
    assert by_id["d"].dimensions["validity"] == 100 - weight
    assert by_id["d"].dimensions["personal_data"] == 100.0
    assert "validity" not in by_id["e"].dimensions
    assert by_id["e"].score == 100.0

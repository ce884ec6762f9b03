"""`odaudit demo` end to end: portals → findings → scores → files, through the real CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.e2e.helpers import CliResult, expected_demo_findings, run_cli

from odaudit.store import Store


def test_demo_writes_everything(demo_run: tuple[CliResult, Path]) -> None:
    result, out = demo_run
    assert result.code == 0, result.stderr
    for name in ("index.md", "index.html", "scores.csv", "odaudit.sqlite", "institutions.yaml"):
        assert (out / name).stat().st_size > 0, name
    assert "Índice de datos abiertos" in result.stdout  # the ranking table
    rows = list(csv.DictReader(io.StringIO((out / "scores.csv").read_text(encoding="utf-8"))))
    expected = expected_demo_findings()["expected"]
    assert {r["institution"] for r in rows} == set(expected)


def test_demo_findings_match_what_was_planted(demo_run: tuple[CliResult, Path]) -> None:
    _, out = demo_run
    expected = expected_demo_findings()["expected"]
    with Store.open(out / "odaudit.sqlite", create=False) as store:
        view = store.load_run(store.resolve_run(None))
    found = {i.code: {f.code for f in i.all_findings()} for i in view.institutions}
    missing = {
        code: sorted(set(codes) - found.get(code, set()))
        for code, codes in expected.items()
        if set(codes) - found.get(code, set())
    }
    assert not missing, f"planted defects not reported: {missing}"


def test_demo_reports_nothing_that_was_not_planted(demo_run: tuple[CliResult, Path]) -> None:
    _, out = demo_run
    not_expected = expected_demo_findings()["not_expected"]
    with Store.open(out / "odaudit.sqlite", create=False) as store:
        view = store.load_run(store.resolve_run(None))
    found = {i.code: {f.code for f in i.all_findings()} for i in view.institutions}
    wrong = {
        code: sorted(set(codes) & found.get(code, set()))
        for code, codes in not_expected.items()
        if set(codes) & found.get(code, set())
    }
    assert not wrong, f"false positives on the demo: {wrong}"


def test_demo_discovers_the_planted_datasets(demo_run: tuple[CliResult, Path]) -> None:
    _, out = demo_run
    expected = expected_demo_findings()["expected_datasets"]
    with Store.open(out / "odaudit.sqlite", create=False) as store:
        view = store.load_run(store.resolve_run(None))
    assert {i.code: len(i.datasets) for i in view.institutions} == expected


def test_demo_ranking_order(demo_run: tuple[CliResult, Path]) -> None:
    _, out = demo_run
    order = expected_demo_findings().get("expected_order") or []
    with Store.open(out / "odaudit.sqlite", create=False) as store:
        card = store.load_scorecard(store.resolve_run(None))
    assert card is not None
    score = {s.code: s.score for s in card.institutions}
    for pair in order:
        higher, lower = pair if isinstance(pair, list) else pair.split(">")
        assert score[higher.strip()] > score[lower.strip()], (pair, score)


def test_report_rerenders_from_the_store_alone(
    demo_run: tuple[CliResult, Path], tmp_path: Path
) -> None:
    _, out = demo_run
    result = run_cli("report", "--store", out / "odaudit.sqlite", "--out", tmp_path)
    assert result.code == 0, result.stderr
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == (out / "index.html").read_text(
        encoding="utf-8"
    )
    assert (tmp_path / "index.md").exists()


def test_export_levels(demo_run: tuple[CliResult, Path], tmp_path: Path) -> None:
    _, out = demo_run
    store = out / "odaudit.sqlite"
    for level in ("institution", "dataset", "dimension", "finding"):
        result = run_cli("export", "--store", store, "--format", "csv", "--level", level)
        assert result.code == 0, result.stderr
        table = list(csv.reader(io.StringIO(result.stdout)))
        assert len(table) > 1 and table[0][0] == "run_id", level
    target = tmp_path / "f.csv"
    assert run_cli("export", "--store", store, "--level", "finding", "--out", target).code == 0
    assert target.read_text(encoding="utf-8").startswith("run_id,")


def test_audit_one_institution(demo_server: str, tmp_path: Path) -> None:
    from odaudit.demo import write_demo_config

    config = write_demo_config(demo_server, tmp_path / "institutions.yaml")
    code = next(iter(expected_demo_findings()["expected"]))
    result = run_cli("audit", code, "--institutions", config, "--store", tmp_path / "a.sqlite")
    assert result.code == 0, result.stderr
    assert code in result.stdout
    assert "Lista de trabajo" in result.stdout
    as_json = run_cli(
        "audit",
        code,
        "--institutions",
        config,
        "--store",
        tmp_path / "b.sqlite",
        "--format",
        "json",
    )
    assert as_json.code == 0, as_json.stderr
    import json

    data = json.loads(as_json.stdout)
    assert data["institution"]["code"] == code
    assert data["worklist"] and {"code", "fix", "evidence"} <= set(data["worklist"][0])


def test_help_everywhere() -> None:
    result = run_cli("--help")
    assert result.code == 0 and "demo" in result.stdout and "audit" in result.stdout
    for command in ("demo", "run", "audit", "report", "export", "check", "diff"):
        sub = run_cli(command, "--help")
        assert sub.code == 0, (command, sub.stderr)
        assert "Usage" in sub.stdout


def test_config_error_is_exit_2_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "institutions.yaml"
    bad.write_text("institutions:\n  - code: X\n    nmae: typo\n", encoding="utf-8")
    result = run_cli("run", "--institutions", bad, "--out", tmp_path / "out")
    assert result.code == 2
    assert f"{bad}:3" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_thresholds_fail_the_job(demo_server: str, tmp_path: Path) -> None:
    from odaudit.demo import write_demo_config

    config = write_demo_config(demo_server, tmp_path / "institutions.yaml")
    store_path = tmp_path / "t.sqlite"
    result = run_cli(
        "run",
        "--institutions",
        config,
        "--out",
        tmp_path / "out",
        "--store",
        store_path,
        "--fail-under",
        "101",
        "--fail-on",
        "warning",
    )
    assert result.code == 1, result.stderr
    with Store.open(store_path, create=False) as store:
        view = store.load_run(store.resolve_run(None))
    findings = [f for i in view.institutions for f in i.all_findings()]
    at_least_warning = sum(1 for f in findings if f.severity.value in ("warning", "error"))
    assert at_least_warning and at_least_warning < len(findings)  # info ones are not counted
    assert view.scorecard is not None
    assert f"national score {view.scorecard.national_score:.1f} < 101" in result.stderr
    assert f"{at_least_warning} finding(s) at or above severity warning" in result.stderr
    # the same run passes thresholds it meets
    again = run_cli(
        "run",
        "--institutions",
        config,
        "--out",
        tmp_path / "out2",
        "--store",
        store_path,
        "--fail-under",
        "0",
    )
    assert again.code == 0, again.stderr

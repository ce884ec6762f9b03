"""`odaudit check`, `diff`, `export`, `report` and `baseline` on stores, through typer."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from odaudit.cli.main import app

runner = CliRunner()
BASELINE = (
    Path(__file__).parents[1] / "fixtures" / "baseline" / "redciudadana_2021_datosabiertos.json"
)


def test_check_fails_on_regression(two_runs: Path) -> None:
    result = runner.invoke(app, ["check", "--store", str(two_runs), "--baseline", "previous"])
    assert result.exit_code == 1, result.output
    assert "FAIL new_finding" in result.output
    assert "FAIL lost_key_dataset" in result.output
    assert "FAIL drop" in result.output


def test_check_exit_zero_and_formats(two_runs: Path, tmp_path: Path) -> None:
    junit = tmp_path / "gate.xml"
    result = runner.invoke(
        app,
        [
            "check",
            "--store",
            str(two_runs),
            "--baseline",
            "1",
            "--format",
            "junit",
            "--out",
            str(junit),
            "--exit-zero",
        ],
    )
    assert result.exit_code == 0
    assert junit.read_text().startswith("<?xml")
    data = json.loads(
        runner.invoke(
            app, ["check", "--store", str(two_runs), "--baseline", "1", "-f", "json"]
        ).output
    )
    assert data["passed"] is False and data["baseline_run"] == 1 and data["run"] == 2


def test_check_passes_against_itself_and_on_first_run(two_runs: Path) -> None:
    same = runner.invoke(app, ["check", "--store", str(two_runs), "--run", "1", "--baseline", "1"])
    assert same.exit_code == 0, same.output
    first = runner.invoke(
        app, ["check", "--store", str(two_runs), "--run", "1", "--baseline", "previous"]
    )
    assert first.exit_code == 0
    assert "thresholds only" in first.output


def test_check_min_score_and_bad_usage(two_runs: Path, tmp_path: Path) -> None:
    assert (
        runner.invoke(app, ["check", "--store", str(two_runs), "--min-score", "99"]).exit_code == 1
    )
    assert runner.invoke(app, ["check", "--store", str(two_runs), "-f", "yaml"]).exit_code == 2
    missing = runner.invoke(app, ["check", "--store", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 2


def test_diff_text_and_json(two_runs: Path) -> None:
    text = runner.invoke(app, ["diff", "1", "2", "--store", str(two_runs)])
    assert text.exit_code == 0, text.output
    assert "LI001" in text.output and "Censo" in text.output
    data = json.loads(
        runner.invoke(app, ["diff", "1", "2", "--store", str(two_runs), "-f", "json"]).output
    )
    assert [f["code"] for f in data["new_findings"]] == ["LI001"]
    assert data["key_datasets_lost"][0]["after"] == "pdf_only"
    by_path = runner.invoke(app, ["diff", f"{two_runs}#1", f"{two_runs}#2"])
    assert by_path.exit_code == 0


def test_export_json_and_datapackage(two_runs: Path, tmp_path: Path) -> None:
    doc = json.loads(runner.invoke(app, ["export", "--store", str(two_runs), "-f", "json"]).output)
    assert doc["institutions"][0]["code"] == "INE"
    pkg = runner.invoke(
        app, ["export", "--store", str(two_runs), "-f", "datapackage", "-o", str(tmp_path / "p")]
    )
    assert pkg.exit_code == 0 and (tmp_path / "p" / "datapackage.json").exists()
    assert (
        runner.invoke(app, ["export", "--store", str(two_runs), "-f", "datapackage"]).exit_code == 2
    )
    assert (
        runner.invoke(app, ["export", "--store", str(two_runs), "--level", "nation"]).exit_code == 2
    )
    csv_text = runner.invoke(app, ["export", "--store", str(two_runs), "--level", "finding"]).output
    assert "'=cmd" in csv_text  # formula neutralised


def test_baseline_import_and_list(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    result = runner.invoke(app, ["baseline", "import", str(BASELINE), "--store", str(store)])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(app, ["baseline", "list", "--store", str(store)])
    assert "redciudadana-2021" in listing.output and "30" in listing.output
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    assert (
        runner.invoke(app, ["baseline", "import", str(bad), "--store", str(store)]).exit_code == 2
    )


def test_rules_list_and_explain() -> None:
    listing = runner.invoke(app, ["rules", "list", "--format", "json"])
    assert listing.exit_code == 0
    codes = {r["code"] for r in json.loads(listing.output)}
    assert {"AV001", "FR002", "CV001"} <= codes
    explain = runner.invoke(app, ["rules", "explain", "fr002"])
    assert explain.exit_code == 0 and "grace_days" in explain.output
    assert runner.invoke(app, ["rules", "explain", "ZZ999"]).exit_code == 2


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("odaudit ")


def test_politeness_flags_override_the_crawl_settings(tmp_path: Path) -> None:
    from odaudit.cli.run_cmd import with_politeness
    from odaudit.config import load_institutions

    path = tmp_path / "i.yaml"
    path.write_text(
        "crawl: {per_host_concurrency: 4, per_host_interval: 0.5}\n"
        "institutions:\n  - {code: INE, name: INE}\n",
        encoding="utf-8",
    )
    config = with_politeness(load_institutions(path), 2, None)
    assert (config.crawl.per_host_concurrency, config.crawl.per_host_interval) == (2, 0.5)
    config = with_politeness(config, None, 1.5)
    assert (config.crawl.per_host_concurrency, config.crawl.per_host_interval) == (2, 1.5)
    bad = runner.invoke(app, ["run", "-i", str(path), "--per-host-concurrency", "0"])
    assert bad.exit_code == 2

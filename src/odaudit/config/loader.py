"""Load both configuration files together, reporting every problem of both at once."""

from __future__ import annotations

import importlib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from odaudit.config.institutions import read_institutions
from odaudit.config.methodology import Methodology, read_methodology
from odaudit.config.problems import ConfigError
from odaudit.config.settings import AuditConfig

__all__ = ["load_config", "registry_codes", "registry_params"]


def _registry() -> Any:
    try:
        return importlib.import_module("odaudit.checks")
    except ImportError:
        return None


def registry_codes() -> set[str] | None:
    """The rule codes of `odaudit.checks`, or None while that registry is not installed."""
    known_codes = getattr(_registry(), "known_codes", None)
    if not callable(known_codes):
        return None
    try:
        return {str(c) for c in known_codes()}
    except ImportError:  # a registry whose rule modules are not all there yet
        return None


def registry_params() -> dict[str, Mapping[str, Any]] | None:
    """Each registered rule's default parameters, or None without a registry."""
    all_rules = getattr(_registry(), "all_rules", None)
    if not callable(all_rules):
        return None
    try:
        return {str(r.code): dict(r.params) for r in all_rules()}
    except (ImportError, AttributeError):
        return None


def load_config(
    institutions_path: str | Path,
    rules_path: str | Path,
    known_codes: Collection[str] | None = None,
) -> tuple[AuditConfig, Methodology]:
    """Validate institutions.yaml and a rules file before any network I/O.

    `known_codes` defaults to the rule registry's codes (any "AV001"-shaped code while there is
    no registry); with the registry, rule parameters are checked against each rule's defaults.
    Raises ConfigError with the problems of both files.
    """
    params = None
    if known_codes is None:
        known_codes = registry_codes()
        params = registry_params() if known_codes is not None else None
    inst_doc, config = read_institutions(Path(institutions_path))
    rules_doc, methodology = read_methodology(Path(rules_path), known_codes, params)
    problems = [*inst_doc.sorted_problems(), *rules_doc.sorted_problems()]
    if problems:
        raise ConfigError(problems)
    assert config is not None and methodology is not None
    return config, methodology

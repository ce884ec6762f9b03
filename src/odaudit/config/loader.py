"""Load both configuration files together, reporting every problem of both at once."""

from __future__ import annotations

import importlib
from collections.abc import Collection
from pathlib import Path

from odaudit.config.institutions import read_institutions
from odaudit.config.methodology import Methodology, read_methodology
from odaudit.config.problems import ConfigError
from odaudit.config.settings import AuditConfig

__all__ = ["load_config", "registry_codes"]


def registry_codes() -> set[str] | None:
    """The rule codes of `odaudit.checks`, or None while that registry is not installed."""
    try:
        checks = importlib.import_module("odaudit.checks")
    except ImportError:
        return None
    known_codes = getattr(checks, "known_codes", None)
    return {str(c) for c in known_codes()} if callable(known_codes) else None


def load_config(
    institutions_path: str | Path,
    rules_path: str | Path,
    known_codes: Collection[str] | None = None,
) -> tuple[AuditConfig, Methodology]:
    """Validate institutions.yaml and a rules file before any network I/O.

    `known_codes` defaults to the rule registry's codes (any "AV001"-shaped code while there is
    no registry). Raises ConfigError with the problems of both files.
    """
    codes = known_codes if known_codes is not None else registry_codes()
    inst_doc, config = read_institutions(Path(institutions_path))
    rules_doc, methodology = read_methodology(Path(rules_path), codes)
    problems = [*inst_doc.sorted_problems(), *rules_doc.sorted_problems()]
    if problems:
        raise ConfigError(problems)
    assert config is not None and methodology is not None
    return config, methodology

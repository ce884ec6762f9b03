"""Constants shared by the config tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from odaudit.config import ConfigError, ConfigProblem

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "config"

#: A registry stand-in, so the tests do not depend on odaudit.checks.
KNOWN = {"AV001", "AV002", "FM001", "LI001", "FR001", "FR002", "MD001", "DV001", "PD001", "CV001"}

RULES_OK = """\
methodology: {name: test, version: "1"}
select: [AV, FR]
ignore: [FR001]
"""

INST_OK = """\
institutions:
  - code: MINFIN
    name: Ministerio de Finanzas Públicas
"""


def problems_of(call: Callable[[], object]) -> list[ConfigProblem]:
    """The problems a load reports (fails the test when it loads cleanly)."""
    with pytest.raises(ConfigError) as info:
        call()
    return info.value.problems

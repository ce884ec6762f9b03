"""Configuration problems as values: collected, never raised one at a time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ConfigError", "ConfigProblem", "format_problems"]


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong in a configuration file, with where it is and how to fix it."""

    file: str
    line: int | None  # 1-based; None when the problem is about the whole file
    message: str
    hint: str = ""

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" + (f". {self.hint}" if self.hint else "")


class ConfigError(Exception):
    """Raised once per load with every problem of every file, so users fix them in one go."""

    def __init__(self, problems: Iterable[ConfigProblem]) -> None:
        self.problems: list[ConfigProblem] = list(problems)
        super().__init__(format_problems(self.problems))


def format_problems(problems: Iterable[ConfigProblem]) -> str:
    """One problem per line: ``file:line: message — hint``."""
    return "\n".join(
        f"{p.location}: {p.message}" + (f" — {p.hint}" if p.hint else "") for p in problems
    )

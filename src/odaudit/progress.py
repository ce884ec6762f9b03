"""The small protocol through which the pipeline reports progress.

The library never prints; the CLI plugs in a rich progress bar (only on a
terminal) or a JSON-lines logger, tests plug in a recorder.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["NullProgress", "Progress"]


class Progress(Protocol):
    def start(self, institutions: int) -> None: ...
    def institution_started(self, code: str, name: str) -> None: ...
    def dataset_done(self, code: str, resources: int, findings: int) -> None: ...
    def source_done(self, code: str, url: str, status: str, error: str) -> None: ...
    def institution_done(self, code: str) -> None: ...
    def finish(self) -> None: ...


class NullProgress:
    """Progress that goes nowhere."""

    def start(self, institutions: int) -> None:
        pass

    def institution_started(self, code: str, name: str) -> None:
        pass

    def dataset_done(self, code: str, resources: int, findings: int) -> None:
        pass

    def source_done(self, code: str, url: str, status: str, error: str) -> None:
        pass

    def institution_done(self, code: str) -> None:
        pass

    def finish(self) -> None:
        pass

"""One copy of each repeated string while a stored run is read back.

JSON decoding and SQLite rows hand every record its own copy of the same text: every
finding of a rule carries the same message and fix, every probe the same header names
and content type, every resource URL exists once in its dataset and again in its probe.
A national run holds tens of thousands of each, so sharing them is most of its memory.
"""

from __future__ import annotations

from typing import Any

__all__ = ["StringPool"]


class StringPool:
    """Shares strings up to `max_chars` for the life of one read. Longer texts (descriptions,
    table evidence) are nearly always unique, so they are not looked up at all."""

    __slots__ = ("_max", "_seen")

    def __init__(self, max_chars: int = 512) -> None:
        self._seen: dict[str, str] = {}
        self._max = max_chars

    def text(self, value: Any) -> Any:
        """The shared copy of a string; anything else unchanged."""
        if type(value) is str and len(value) <= self._max:
            return self._seen.setdefault(value, value)
        return value

    def tree(self, value: Any) -> Any:
        """A decoded JSON value with its keys and strings shared, in place where it can be."""
        kind = type(value)
        if kind is str:
            return self.text(value)
        if kind is dict:
            text, tree = self.text, self.tree
            return {text(k): tree(v) for k, v in value.items()}
        if kind is list:
            tree = self.tree
            value[:] = [tree(v) for v in value]
        return value

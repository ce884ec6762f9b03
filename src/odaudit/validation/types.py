"""Cell types a column can be inferred as, and the markers publishers use for "no data".

Each type is a regular expression so that a whole column chunk can be checked in one
C-level regex pass over the newline-joined values; only non-conforming cells reach Python.
"""

from __future__ import annotations

import re

__all__ = [
    "NULL_MARKERS",
    "NULL_MARKER_SPELLINGS",
    "TYPE_ORDER",
    "bad_value_finder",
    "infer_type",
    "is_null_marker",
]

_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
_DMY = r"(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])/\d{4}"
_TIME = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"

_PATTERNS: dict[str, str] = {
    "integer": r"[-+]?\d+",
    "number": r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?",
    "boolean": r"(?:true|false|TRUE|FALSE|True|False)",
    "date": _DATE,
    "datetime": _DATE + r"[T ]" + _TIME + r"(?:Z|[+-]\d{2}:?\d{2})?",
    "date-dmy": _DMY,
    "datetime-dmy": _DMY + r" " + _TIME,
}

#: Most specific first: the first type most values conform to wins.
TYPE_ORDER: tuple[str, ...] = tuple(_PATTERNS)

_FULL = {name: re.compile(p) for name, p in _PATTERNS.items()}
# A line of the joined column that is neither empty nor of the type.
_BAD = {name: re.compile(rf"^(?!(?:{p})?$)", re.MULTILINE) for name, p in _PATTERNS.items()}

#: Markers compared after strip() and lower().
NULL_MARKERS: frozenset[str] = frozenset(
    {"-", "--", "---", "s.d.", "s/d", "sd", "n/a", "na", "nd", "n.d.", "null", "#n/a", "none"}
)
#: Exact spellings, for the fast tuple.count() pass over untyped columns.
NULL_MARKER_SPELLINGS: tuple[str, ...] = (
    "-", "--", "---", "s.d.", "S.D.", "s/d", "S/D", "N/A", "n/a", "#N/A", "ND", "null", "NULL",
)  # fmt: skip

#: Share of a column's non-empty values that must conform for the column to be typed.
TYPE_THRESHOLD = 0.8


def is_null_marker(value: str) -> bool:
    return value.strip().lower() in NULL_MARKERS


def bad_value_finder(type_name: str) -> re.Pattern[str]:
    """Regex whose matches start each non-empty, non-conforming line of a joined column."""
    return _BAD[type_name]


def infer_type(values: list[str]) -> str | None:
    """The most specific type at least TYPE_THRESHOLD of ``values`` conform to, if any."""
    sample = [v for v in values if v and not is_null_marker(v)]
    if not sample:
        return None
    need = TYPE_THRESHOLD * len(sample)
    for name in TYPE_ORDER:
        full = _FULL[name].fullmatch
        if sum(1 for v in sample if full(v)) >= need:
            return name
    return None

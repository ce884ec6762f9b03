"""Cell types a column can be inferred as, and the markers publishers use for "no data".

Each type has a regular expression (the definition, used to infer types on the sample)
and a C-implemented parser that raises on a bad value (``int``, ``float``,
``date.fromisoformat``...): mapping the parser over a whole column chunk runs in C, and
only chunks that raise are bisected in Python to find the bad cells.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime

__all__ = [
    "NULL_MARKERS",
    "NULL_MARKER_LINES",
    "TYPE_ORDER",
    "bad_indices",
    "infer_type",
    "is_null_marker",
]

_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
# dd/mm/yyyy or dd-mm-yyyy (the same separator twice)
_DMY = r"(?:0?[1-9]|[12]\d|3[01])(?:/(?:0?[1-9]|1[0-2])/|-(?:0?[1-9]|1[0-2])-)\d{4}"
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

#: Markers compared after strip() and lower().
NULL_MARKERS: frozenset[str] = frozenset(
    {"-", "--", "---", "s.d.", "s/d", "sd", "n/a", "na", "nd", "n.d.", "n.a.", "null", "#n/a"}
)
#: Finds whole-cell markers in "\n" + newline-joined column + "\n" (a literal-led regex).
NULL_MARKER_LINES = re.compile(
    r"\n(?:-{1,3}|[sS][./][dD]\.?|[nN](?:/[aA]|\.?[aAdD]\.?)|#N/A|null|NULL|Null)(?=\n)"
)

#: Share of a column's non-empty values that must conform for the column to be typed.
TYPE_THRESHOLD = 0.8


def is_null_marker(value: str) -> bool:
    return value.strip().lower() in NULL_MARKERS


def infer_type(values: list[str]) -> str | None:
    """The most specific type at least TYPE_THRESHOLD of ``values`` conform to, if any."""
    sample = [v for v in values if v and not is_null_marker(v)]
    if not sample:
        return None
    need = TYPE_THRESHOLD * len(sample)
    for name in TYPE_ORDER:
        full = _FULL[name].fullmatch
        parse = _PARSERS[name]
        if sum(1 for v in sample if full(v) and not _is_bad(parse, v)) >= need:
            return name
    return None


_BOOLEANS = dict.fromkeys(("true", "false", "TRUE", "FALSE", "True", "False"), True)


def _dmy(v: str) -> object:
    if not _FULL["date-dmy"].fullmatch(v):
        raise ValueError(v)
    d, m, y = v.replace("-", "/").split("/")
    return date(int(y), int(m), int(d))


def _dmy_time(v: str) -> object:
    if not _FULL["datetime-dmy"].fullmatch(v):
        raise ValueError(v)
    return _dmy(v.split(" ", 1)[0])


#: Parsers that raise ValueError/KeyError on a value that is not of the type.
_PARSERS: dict[str, Callable[[str], object]] = {
    "integer": int,
    "number": float,
    "boolean": _BOOLEANS.__getitem__,
    "date": date.fromisoformat,
    "datetime": datetime.fromisoformat,
    "date-dmy": _dmy,
    "datetime-dmy": _dmy_time,
}
_ERRORS = (ValueError, KeyError, TypeError, OverflowError)


def _is_bad(parse: Callable[[str], object], v: str) -> bool:
    try:
        parse(v)
    except _ERRORS:
        return True
    return False


_SCREEN_BLOCK = 512
_BOOLEAN_SET = frozenset(_BOOLEANS)


def _screened(col: Sequence[str], type_name: str) -> Iterator[int]:
    """Start offsets of blocks a cheap C-level screen cannot clear (all of them if none)."""
    n = len(col)
    if type_name == "integer":
        for lo in range(0, n, _SCREEN_BLOCK):
            block = "".join(col[lo : lo + _SCREEN_BLOCK])
            if not (block.isascii() and block.isdigit()) or "" in col[lo : lo + _SCREEN_BLOCK]:
                yield lo
    elif type_name == "boolean":
        for lo in range(0, n, _SCREEN_BLOCK):
            if not set(col[lo : lo + _SCREEN_BLOCK]) <= _BOOLEAN_SET:
                yield lo
    else:
        yield from range(0, n, _SCREEN_BLOCK)


def bad_indices(col: Sequence[str], type_name: str) -> list[int]:
    """Indexes of cells of ``col`` (empty ones included) that are not of ``type_name``.

    Blocks of unsigned integers and booleans are cleared by a C-level screen. Elsewhere
    the parser is mapped over the block in C; when it raises, the position is read off
    a counter zipped alongside and the same iterator resumes after the bad cell.
    """
    out: list[int] = []
    for lo in _screened(col, type_name):
        out.extend(_parse_bad(col[lo : lo + _SCREEN_BLOCK], type_name, lo))
    return out


def _parse_bad(col: Sequence[str], type_name: str, offset: int) -> list[int]:
    parse = _PARSERS[type_name]
    out: list[int] = []
    cells = iter(col)
    position = offset
    while True:
        counter = itertools.count(position)
        try:
            deque(zip(counter, map(parse, cells), strict=False), maxlen=0)
        except _ERRORS:
            bad = next(counter) - 1
            out.append(bad)
            position = bad + 1
            continue
        return out

"""YAML as a tree of nodes that remember their line, read with the safe loader only.

Values are checked against the node tree (not the constructed Python objects) so every
problem can point at the line of the offending key or value.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from odaudit.config.problems import ConfigProblem

__all__ = ["Doc", "Fields", "line_of", "parse_file"]

_MISSING = object()


def line_of(node: Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


class Doc:
    """A parsed file: its root node, its bytes' hash and the problems found so far."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        self.problems: list[ConfigProblem] = []
        self.root: Node | None = None
        self.data: bytes = b""
        self._loader: yaml.SafeLoader | None = None

    def sorted_problems(self) -> list[ConfigProblem]:
        """Problems in file order (whole-file problems first)."""
        return sorted(self.problems, key=lambda p: p.line or 0)

    def add(self, where: Node | int | None, message: str, hint: str = "") -> None:
        line = line_of(where) if isinstance(where, Node) else where
        self.problems.append(ConfigProblem(self.file, line, message, hint))

    # ------------------------------------------------------------------ scalars

    def value(self, node: Node) -> Any:
        """The Python value of a scalar node (safe constructors only)."""
        assert self._loader is not None
        try:
            return self._loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.add(node, f"cannot read this value: {_first_line(exc)}")
            return _MISSING

    def plain(self, node: Node) -> Any:
        """The whole subtree as JSON-friendly data (dates become ISO strings)."""
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            for k, v in node.value:
                out[str(self.plain(k))] = self.plain(v)
            return out
        if isinstance(node, SequenceNode):
            return [self.plain(v) for v in node.value]
        value = self.value(node)
        if value is _MISSING:
            return None
        if isinstance(value, _dt.date):
            return value.isoformat()
        if isinstance(value, bytes):
            return value.decode("latin-1")
        return value

    # ------------------------------------------------------------------ shapes

    def mapping(self, node: Node, what: str) -> Fields | None:
        """Check node is a mapping of unique string keys; None (and a problem) otherwise."""
        if not isinstance(node, MappingNode):
            self.add(node, f"{what} must be a mapping (key: value), got {_kind(self, node)}")
            return None
        assert self._loader is not None
        self._loader.flatten_mapping(node)
        fields: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node) if isinstance(key_node, ScalarNode) else _MISSING
            if not isinstance(key, str):
                self.add(key_node, f"{what}: keys must be strings")
                continue
            if key in fields:
                first = line_of(fields[key][0])
                self.add(
                    key_node,
                    f"duplicate key '{key}' in {what}",
                    f"first set on line {first}; keep one",
                )
                continue
            fields[key] = (key_node, value_node)
        return Fields(self, node, what, fields)

    def sequence(self, node: Node, what: str) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            empty = isinstance(node, ScalarNode) and self.value(node) is None
            self.add(
                node,
                f"{what} must be a list, got {_kind(self, node)}",
                "write [] for an empty list" if empty else "",
            )
            return None
        return list(node.value)


class Fields:
    """The keys of one mapping node, read with type checks that record problems."""

    def __init__(
        self, doc: Doc, node: MappingNode, what: str, fields: dict[str, tuple[Node, Node]]
    ) -> None:
        self.doc = doc
        self.node = node
        self.what = what
        self.fields = fields

    def keys(
        self,
        allowed: Collection[str],
        required: Collection[str] = (),
        explain: Callable[[str], str | None] | None = None,
    ) -> None:
        """Unknown keys and missing required keys become problems."""
        for key, (key_node, _) in self.fields.items():
            if key in allowed:
                continue
            hint = explain(key) if explain else None
            if not hint:
                close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else "allowed keys: " + ", ".join(sorted(allowed))
                )
            self.doc.add(key_node, f"unknown key '{key}' in {self.what}", hint)
        for key in required:
            if key not in self.fields:
                self.doc.add(
                    self.node,
                    f"{self.what} is missing the required key '{key}'",
                    f"add '{key}: ...'",
                )

    def has(self, key: str) -> bool:
        return key in self.fields

    def node_of(self, key: str) -> Node | None:
        pair = self.fields.get(key)
        return pair[1] if pair else None

    def key_line(self, key: str) -> int | None:
        pair = self.fields.get(key)
        return line_of(pair[0]) if pair else line_of(self.node)

    def raw(self, key: str) -> Any:
        node = self.node_of(key)
        if node is None:
            return _MISSING
        if not isinstance(node, ScalarNode):
            return node  # caller reports the wrong kind
        return self.doc.value(node)

    def _bad(self, key: str, expected: str) -> None:
        node = self.node_of(key)
        assert node is not None
        self.doc.add(node, f"{self.what}.{key} must be {expected}, got {_kind(self.doc, node)}")

    def string(self, key: str, default: str = "", *, nonempty: bool = False) -> str:
        value = self.raw(key)
        if value is _MISSING:
            return default
        if not isinstance(value, str) or (nonempty and not value.strip()):
            self._bad(key, "a non-empty string" if nonempty else "a string")
            return default
        return value

    def opt_string(self, key: str) -> str | None:
        value = self.raw(key)
        if value is _MISSING or value is None:
            return None
        if not isinstance(value, str):
            self._bad(key, "a string")
            return None
        return value

    def boolean(self, key: str) -> bool | None:
        value = self.raw(key)
        if value is _MISSING or value is None:
            return None
        if not isinstance(value, bool):
            self._bad(key, "true or false")
            return None
        return value

    def integer(
        self, key: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self.raw(key)
        if value is _MISSING:
            return default
        if not isinstance(value, int) or isinstance(value, bool):
            self._bad(key, "a whole number")
            return default
        return int(self._in_range(key, value, default, minimum, maximum))

    def number(
        self,
        key: str,
        default: float,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        above: float | None = None,
    ) -> float:
        value = self.raw(key)
        if value is _MISSING:
            return default
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            self._bad(key, "a number")
            return default
        if above is not None and not value > above:
            self.doc.add(
                self.node_of(key), f"{self.what}.{key} must be greater than {above:g}, got {value}"
            )
            return default
        return float(self._in_range(key, value, default, minimum, maximum))

    def opt_number(self, key: str, *, minimum: float, maximum: float) -> float | None:
        if self.raw(key) is None:
            return None
        value = self.number(key, math.nan, minimum=minimum, maximum=maximum)
        return None if math.isnan(value) else value

    def _in_range(self, key: str, value: Any, default: Any, minimum: Any, maximum: Any) -> Any:
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = (
                f"between {minimum} and {maximum}"
                if minimum is not None and maximum is not None
                else f"at least {minimum}"
                if minimum is not None
                else f"at most {maximum}"
            )
            self.doc.add(self.node_of(key), f"{self.what}.{key} must be {bounds}, got {value}")
            return default
        return value

    def strings(self, key: str) -> list[tuple[str, Node]]:
        """A list of strings, each with its node (for per-item line numbers)."""
        node = self.node_of(key)
        if node is None:
            return []
        items = self.doc.sequence(node, f"{self.what}.{key}")
        out: list[tuple[str, Node]] = []
        for item in items or []:
            value = self.doc.value(item) if isinstance(item, ScalarNode) else _MISSING
            if not isinstance(value, str):
                self.doc.add(
                    item,
                    f"each item of {self.what}.{key} must be a string, got {_kind(self.doc, item)}",
                )
                continue
            out.append((value, item))
        return out


def is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        return (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and not any(c.isspace() for c in value)
        )
    except ValueError:
        return False


def parse_file(path: Path) -> Doc:
    """Read and compose one YAML file; syntax errors and a missing file become problems."""
    doc = Doc(path)
    try:
        doc.data = path.read_bytes()
    except FileNotFoundError:
        doc.add(None, "file not found", f"check the path (working directory: {Path.cwd()})")
        return doc
    except OSError as exc:
        doc.add(None, f"cannot read the file: {exc.strerror or exc}")
        return doc
    try:
        text = doc.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        doc.add(None, f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8")
        return doc
    loader = yaml.SafeLoader(text)
    try:
        doc.root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "YAML syntax error"
        doc.add(
            mark.line + 1 if mark else None,
            f"YAML syntax error: {message}",
            "fix the indentation, quotes or brackets there",
        )
        return doc
    except yaml.YAMLError as exc:
        doc.add(None, f"YAML error: {_first_line(exc)}")
        return doc
    doc._loader = loader
    if doc.root is None:
        doc.add(None, "the file is empty")
    elif _expanded_size(doc.root, {}) > MAX_VALUES:
        doc.add(
            None,
            f"the file expands to more than {MAX_VALUES:,} values through YAML aliases",
            "write it out without anchors and aliases",
        )
        doc.root = None
    else:
        _check_tags(doc, doc.root, set())
    return doc


#: A configuration is small; more values than this can only come from an alias bomb.
MAX_VALUES = 1_000_000


def _expanded_size(node: Node, memo: dict[int, int]) -> int:
    """How many nodes the tree holds once aliases are expanded (linear time, memoised)."""
    if id(node) in memo:
        return memo[id(node)]
    memo[id(node)] = MAX_VALUES + 1  # a node reached again while being sized is a cycle
    size = 1
    if isinstance(node, MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo) + _expanded_size(v, memo)
            if size > MAX_VALUES:
                break
    elif isinstance(node, SequenceNode):
        for v in node.value:
            size += _expanded_size(v, memo)
            if size > MAX_VALUES:
                break
    memo[id(node)] = size
    return size


def _check_tags(doc: Doc, node: Node, seen: set[int]) -> None:
    """Tags the safe loader cannot build (e.g. !!python/...) are problems, not exceptions."""
    if id(node) in seen:  # aliases share nodes
        return
    seen.add(id(node))
    if node.tag not in yaml.SafeLoader.yaml_constructors:
        doc.add(
            node, f"unsupported YAML tag {node.tag!r}", "remove the tag; only plain YAML is read"
        )
    if isinstance(node, MappingNode):
        for k, v in node.value:
            _check_tags(doc, k, seen)
            _check_tags(doc, v, seen)
    elif isinstance(node, SequenceNode):
        for v in node.value:
            _check_tags(doc, v, seen)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or ["?"])[0]


def _kind(doc: Doc, node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    value = doc.value(node) if isinstance(node, ScalarNode) else None
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int | float):
        return f"{value!r} (a number)"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"{short!r} (a string)"
    return f"{value!r} ({type(value).__name__})"

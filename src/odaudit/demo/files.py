"""Read the bundled demo data through importlib.resources (works from a wheel too)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["read_bytes", "read_text", "safe_parts"]


def _root() -> Traversable:
    return files("odaudit.demo").joinpath("data")


def safe_parts(path: str) -> list[str] | None:
    """The segments of a relative data path, or None when it could leave the data dir."""
    parts = path.split("/")
    for part in parts:
        if not part or part in (".", "..") or part.startswith(".") or "\\" in part or "\0" in part:
            return None
    return parts


@cache
def read_bytes(path: str) -> bytes | None:
    """The bytes of data/<path>, or None when there is no such file."""
    parts = safe_parts(path)
    if parts is None:
        return None
    node = _root().joinpath(*parts)
    if not node.is_file():
        return None
    return node.read_bytes()


def read_text(path: str) -> str:
    """A bundled text file that must exist (UTF-8)."""
    data = read_bytes(path)
    if data is None:
        raise FileNotFoundError(f"odaudit.demo data file missing: {path}")
    return data.decode("utf-8")

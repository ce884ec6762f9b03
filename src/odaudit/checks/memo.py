"""Remember registry lookups of the short strings portals repeat on every dataset."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

__all__ = ["short_text_cache"]

T = TypeVar("T")


def short_text_cache(
    max_length: int, size: int = 4096
) -> Callable[[Callable[[str], T]], Callable[[str], T]]:
    """Cache a pure `str -> T` lookup for texts up to `max_length` characters; longer ones
    (hostile blobs, pasted terms) are looked up every time so they cannot fill the cache."""

    def decorate(lookup: Callable[[str], T]) -> Callable[[str], T]:
        cached = lru_cache(maxsize=size)(lookup)

        @wraps(lookup)
        def read(text: str) -> T:
            return cached(text) if len(text) <= max_length else lookup(text)

        return read

    return decorate

"""Text folding shared by the registries and the coverage matcher."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "tokens"]

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip accents (NFKD marks) and turn punctuation runs into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", bare.lower()).strip()


def tokens(text: str) -> list[str]:
    """The folded words of a text."""
    return fold(text).split()

"""Key-dataset coverage: did the institution publish what it is expected to publish?

A key dataset matches a discovered dataset when every word of its title, or of one of
its keywords, appears in the dataset's title, keywords, themes or description
(accent- and case-insensitive, naive plural folding).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from odaudit.checks.formats import format_for_extension, lookup_format
from odaudit.checks.text import tokens
from odaudit.models import CoverageItem, CoverageStatus, Dataset, Institution, KeyDataset

__all__ = ["InstitutionContext", "match_coverage", "phrase_matches"]

_STOPWORDS = frozenset(
    [
        "de",
        "del",
        "la",
        "las",
        "el",
        "los",
        "y",
        "e",
        "en",
        "por",
        "para",
        "a",
        "al",
        "con",
        "sin",
        "o",
        "u",
        "da",
        "do",
        "das",
        "dos",
        "the",
        "of",
        "and",
    ]
)


@dataclass
class InstitutionContext:
    institution: Institution
    datasets: list[Dataset]
    coverage: list[CoverageItem]


def _stem(token: str) -> str:
    return token[:-1] if len(token) > 4 and token.endswith("s") else token


def _words(text: str) -> set[str]:
    return {_stem(t) for t in tokens(text) if t not in _STOPWORDS}


def _dataset_words(dataset: Dataset) -> set[str]:
    parts: list[str] = [dataset.title or "", dataset.description or ""]
    parts.extend(str(k) for k in dataset.keywords or ())
    parts.extend(str(t) for t in dataset.themes or ())
    words: set[str] = set()
    for part in parts:
        words |= _words(part)
    return words


def phrase_matches(phrase: str, words: set[str]) -> bool:
    """Whether every meaningful word of `phrase` is among `words`."""
    wanted = _words(phrase)
    return bool(wanted) and wanted <= words


def _machine_readable(dataset: Dataset) -> bool | None:
    """True: some resource is data; False: only documents; None: nothing to tell by."""
    verdicts: list[bool | None] = []
    for res in dataset.resources:
        info = (
            lookup_format(res.format)
            or lookup_format(res.media_type)
            or format_for_extension(res.url or "")
        )
        verdicts.append(None if info is None else info.machine_readable)
    if any(v is True for v in verdicts):
        return True
    if any(v is None for v in verdicts):
        return None  # unknown formats get the benefit of the doubt
    return False if verdicts else None


def _status(matches: Iterable[Dataset]) -> CoverageStatus:
    found = list(matches)
    if not found:
        return CoverageStatus.MISSING
    verdicts = [_machine_readable(d) for d in found]
    if any(v is not False for v in verdicts):
        return CoverageStatus.FOUND
    return CoverageStatus.PDF_ONLY


def _matches(key: KeyDataset, dataset: Dataset, words: set[str]) -> bool:
    return any(phrase_matches(p, words) for p in (key.title, *key.keywords) if p)


def match_coverage(institution: Institution, datasets: Sequence[Dataset]) -> list[CoverageItem]:
    """One `CoverageItem` per key dataset of the institution."""
    indexed = [(d, _dataset_words(d)) for d in datasets]
    items: list[CoverageItem] = []
    for key in institution.key_datasets:
        matched = [d for d, words in indexed if _matches(key, d, words)]
        items.append(
            CoverageItem(
                key_id=key.id,
                title=key.title,
                status=_status(matched) if institution.sources else CoverageStatus.MISSING,
                dataset_ids=[d.id for d in matched],
            )
        )
    return items

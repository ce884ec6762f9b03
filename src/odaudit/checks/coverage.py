"""Key-dataset coverage: did the institution publish what it is expected to publish?

A key dataset matches a discovered dataset when every word of its title or of one of its
keywords, or of that phrase with a synonym swapped in (`rules/synonyms.yaml`), appears in
the dataset's title, keywords, themes or description (accent- and case-insensitive, naive
plural folding). Portals name the same data many ways (compras / contrataciones /
Guatecompras), and a fixed keyword list would miss most of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from yaml.nodes import Node

from odaudit.checks.formats import format_for_extension, lookup_format
from odaudit.checks.text import tokens
from odaudit.config.nodes import Doc, parse_file
from odaudit.config.problems import ConfigError
from odaudit.models import CoverageItem, CoverageStatus, Dataset, Institution

__all__ = [
    "CoverageMatch",
    "InstitutionContext",
    "KeyCoverage",
    "SynonymGroup",
    "Synonyms",
    "default_synonyms",
    "explain_coverage",
    "load_synonyms",
    "match_coverage",
    "phrase_matches",
]

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
    matches: dict[str, list[CoverageMatch]] = field(default_factory=dict)  # by key id


def _stem(token: str) -> str:
    return token[:-1] if len(token) > 4 and token.endswith("s") else token


def _words(text: str) -> frozenset[str]:
    return frozenset(_stem(t) for t in tokens(text) if t not in _STOPWORDS)


# --------------------------------------------------------------------------- synonyms


@dataclass(frozen=True)
class SynonymGroup:
    id: str
    terms: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True)
class Synonyms:
    """Groups of interchangeable terms, indexed by their folded words."""

    groups: tuple[SynonymGroup, ...] = ()
    path: str = ""

    def alternatives(self, phrase: str) -> list[tuple[str, frozenset[str]]]:
        """`phrase` and every phrase made by swapping a group term it holds for another.

        Each alternative is (term that would match, the words it needs), phrase first.
        """
        wanted = _words(phrase)
        out: list[tuple[str, frozenset[str]]] = [(phrase, wanted)] if wanted else []
        seen = {wanted}
        for group in self.groups:
            words = [(t, _words(t)) for t in group.terms]
            for _, held in words:
                if not held or not held <= wanted:
                    continue
                rest = wanted - held
                for term, other in words:
                    need = rest | other
                    if other and need not in seen:
                        seen.add(need)
                        out.append((term, need))
        return out


_GROUP_KEYS = ("id", "terms", "note")


def _read_group(doc: Doc, node: Node, ids: dict[str, int]) -> SynonymGroup | None:
    fields = doc.mapping(node, "a synonym group")
    if fields is None:
        return None
    fields.keys(_GROUP_KEYS, required=("id", "terms"))
    fields.string("note")
    gid = fields.string("id", nonempty=True)
    line = fields.key_line("id") or 0
    terms: list[str] = []
    for term, term_node in fields.strings("terms"):
        if not _words(term):
            doc.add(term_node, f"synonym term {term!r} has no words to match")
        else:
            terms.append(term)
    if gid and gid in ids:
        doc.add(line, f"duplicate synonym group id '{gid}'", f"first used on line {ids[gid]}")
    elif gid:
        ids[gid] = line
    if fields.has("terms") and len(terms) < 2:
        doc.add(fields.node_of("terms"), f"synonym group '{gid}' needs at least two terms")
    return SynonymGroup(gid, tuple(terms), line) if gid and len(terms) >= 2 else None


def load_synonyms(path: Path) -> Synonyms:
    """Read and validate a synonyms file; every problem at once as `ConfigError`."""
    doc = parse_file(path)
    groups: list[SynonymGroup] = []
    if doc.root is not None:
        top = doc.mapping(doc.root, "the synonyms file")
        if top is not None:
            top.keys(("groups",), required=("groups",))
            groups_node = top.node_of("groups")
            items = doc.sequence(groups_node, "groups") if groups_node is not None else None
            ids: dict[str, int] = {}
            for item in items or []:
                group = _read_group(doc, item, ids)
                if group is not None:
                    groups.append(group)
    if doc.problems:
        raise ConfigError(doc.sorted_problems())
    return Synonyms(tuple(groups), str(path))


def default_synonyms_path() -> Path:
    return Path(str(resources.files("odaudit").joinpath("rules/synonyms.yaml")))


@cache
def default_synonyms() -> Synonyms:
    """The packaged `rules/synonyms.yaml`, read once per process."""
    return load_synonyms(default_synonyms_path())


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class CoverageMatch:
    """Why a dataset counts for a key dataset: which phrase, through which term."""

    dataset_id: str
    phrase: str  # the key dataset's title or keyword
    term: str  # what matched: the phrase itself or a synonym swapped into it
    fields: tuple[str, ...]  # where its words were found: title, keywords, themes, description

    @property
    def via_synonym(self) -> bool:
        return self.term != self.phrase

    def evidence(self) -> dict[str, object]:
        return {
            "dataset_id": self.dataset_id,
            "phrase": self.phrase,
            "term": self.term,
            "synonym": self.via_synonym,
            "fields": list(self.fields),
        }


@dataclass
class KeyCoverage:
    item: CoverageItem
    matches: list[CoverageMatch]


_FIELDS = ("title", "keywords", "themes", "description")


def _dataset_fields(dataset: Dataset) -> dict[str, frozenset[str]]:
    def join(values: Iterable[object]) -> str:
        return " | ".join(str(v) for v in values)

    return {
        "title": _words(dataset.title or ""),
        "keywords": _words(join(dataset.keywords or ())),
        "themes": _words(join(dataset.themes or ())),
        "description": _words(dataset.description or ""),
    }


def phrase_matches(phrase: str, words: set[str] | frozenset[str]) -> bool:
    """Whether every meaningful word of `phrase` is among `words` (no synonyms)."""
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


def _match(
    dataset: Dataset,
    by_field: dict[str, frozenset[str]],
    every: frozenset[str],
    alternatives: list[tuple[str, list[tuple[str, frozenset[str]]]]],
) -> CoverageMatch | None:
    for phrase, options in alternatives:
        for term, need in options:
            if need <= every:
                where = tuple(f for f in _FIELDS if need & by_field[f])
                return CoverageMatch(dataset.id, phrase, term, where)
    return None


def explain_coverage(
    institution: Institution, datasets: Sequence[Dataset], synonyms: Synonyms | None = None
) -> list[KeyCoverage]:
    """One `KeyCoverage` per key dataset: its item and, per matched dataset, why it matched."""
    synonyms = default_synonyms() if synonyms is None else synonyms
    indexed = [
        (d, f, frozenset().union(*f.values())) for d in datasets for f in [_dataset_fields(d)]
    ]
    out: list[KeyCoverage] = []
    for key in institution.key_datasets:
        alternatives = [(p, synonyms.alternatives(p)) for p in (key.title, *key.keywords) if p]
        matches = [
            m
            for d, by_field, every in indexed
            if (m := _match(d, by_field, every, alternatives)) is not None
        ]
        matched_ids = {m.dataset_id for m in matches}
        matched = [d for d, _, _ in indexed if d.id in matched_ids]
        item = CoverageItem(
            key_id=key.id,
            title=key.title,
            status=_status(matched) if institution.sources else CoverageStatus.MISSING,
            dataset_ids=[m.dataset_id for m in matches],
        )
        out.append(KeyCoverage(item, matches))
    return out


def match_coverage(
    institution: Institution, datasets: Sequence[Dataset], synonyms: Synonyms | None = None
) -> list[CoverageItem]:
    """One `CoverageItem` per key dataset of the institution."""
    return [k.item for k in explain_coverage(institution, datasets, synonyms)]

"""Text encoding of a downloaded file, decided on a large buffer (up to 1 MB).

Government CSVs are UTF-8 (often with a BOM) or Windows-1252 from Spanish-locale
Excel. charset-normalizer alone guesses badly on short Latin-1 files (UTF-16 for
a 200-byte cp1252 file), so the common cases are decided here and the library is
only asked about non-Latin single-byte text.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

__all__ = ["SAMPLE_BYTES", "EncodingGuess", "detect_encoding"]

SAMPLE_BYTES = 1 << 20

# Most frequent lower-case letters, per single-byte code page whose script is not Latin.
_SCRIPT_LETTERS = {
    "cp1253": "αεοιντσςρηκμυλπ",
    "cp1251": "оеаинтсрвлкмдпу",
}


@dataclass(frozen=True)
class EncodingGuess:
    encoding: str  # Python codec name to decode the rest of the file with
    bom: bool
    confidence: str  # "bom" | "valid-utf-8" | "ascii" | "heuristic"


def _is_utf8(sample: bytes, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _high_byte_runs(sample: bytes) -> float:
    """Share of high bytes sitting inside a run of 3+ high bytes (non-Latin words)."""
    high = 0
    in_runs = 0
    run = 0
    for b in sample:
        if b >= 0x80:
            run += 1
            high += 1
            continue
        if run >= 3:
            in_runs += run
        run = 0
    if run >= 3:
        in_runs += run
    return in_runs / high if high else 0.0


def _script_guess(sample: bytes) -> str:
    best, best_score = "cp1252", 0.0
    for enc, letters in _SCRIPT_LETTERS.items():
        text = sample.decode(enc, errors="replace").lower()
        high = [ch for ch in text if ord(ch) >= 0x80]
        if not high:
            continue
        score = sum(ch in letters for ch in high) / len(high)
        if score > best_score:
            best, best_score = enc, score
    return best if best_score >= 0.4 else "cp1252"


def detect_encoding(sample: bytes, *, complete: bool = False) -> EncodingGuess:
    """Guess the encoding of ``sample`` (the first bytes of a file; ``complete`` if all of it)."""
    if sample.startswith(codecs.BOM_UTF8):
        return EncodingGuess("utf-8-sig", True, "bom")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return EncodingGuess("utf-16", True, "bom")
    if sample.isascii():
        return EncodingGuess("utf-8", False, "ascii")
    if _is_utf8(sample, complete):
        return EncodingGuess("utf-8", False, "valid-utf-8")
    if _high_byte_runs(sample[:SAMPLE_BYTES]) < 0.5:
        # Latin script with a few accented letters: Windows-1252 is a superset of
        # Latin-1 for text and is what Spanish-locale Excel writes.
        return EncodingGuess("cp1252", False, "heuristic")
    return EncodingGuess(_script_guess(sample[:65536]), False, "heuristic")

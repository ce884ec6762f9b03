"""Guatemalan personal identifiers: DPI/CUI, NIT, e-mail addresses, phone numbers.

Only counts leave this module; matched values are never stored or returned.
"""

from __future__ import annotations

import re

__all__ = ["PD_KINDS", "count_in_column", "dpi_is_valid", "kinds_for_column", "nit_is_valid"]

PD_KINDS: tuple[str, ...] = ("dpi", "nit", "email", "phone")

# Municipalities per department, codes 01..22 (RENAP place codes in digits 10-13 of the CUI).
_MUNICIPALITIES = (17, 8, 16, 16, 14, 14, 19, 8, 24, 21, 9, 30, 33, 21, 8, 17, 14, 5, 11, 11, 7, 17)

_DPI = re.compile(r"^(\d{4})[ -]?(\d{5})[ -]?(\d{4})$", re.MULTILINE)
_NIT_STRICT = re.compile(r"^(\d{4,12})-([\dkK])$", re.MULTILINE)
_NIT_LOOSE = re.compile(r"^(\d{4,12})-?([\dkK])$", re.MULTILINE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_PHONE_STRICT = re.compile(
    r"(?<![\d-])(?:\+502[ -]?[2-7]\d{3}[ -]?\d{4}|[2-7]\d{3}[ -]\d{4})(?![\d-])"
)
_PHONE_LOOSE = re.compile(r"(?<![\d-])(?:\+?502[ -]?)?[2-7]\d{3}[ -]?\d{4}(?![\d-])")

_HINTS = {
    "dpi": re.compile(r"\b(?:dpi|cui)\b|identificaci", re.IGNORECASE),
    "nit": re.compile(r"\bnit\b", re.IGNORECASE),
    "email": re.compile(r"mail|correo", re.IGNORECASE),
    "phone": re.compile(r"tel|cel|phone|m[oó]vil|fax", re.IGNORECASE),
}


def dpi_is_valid(digits: str) -> bool:
    """CUI: 8-digit serial, mod-11 check digit (weights 2..9), department and municipality."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    dept, muni = int(digits[9:11]), int(digits[11:13])
    if not 1 <= dept <= len(_MUNICIPALITIES) or not 1 <= muni <= _MUNICIPALITIES[dept - 1]:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(2, 10), strict=True))
    return total % 11 == int(digits[8])


def nit_is_valid(nit: str) -> bool:
    """NIT: digits then a mod-11 check character (weights n+1..2; 10 is written K)."""
    clean = nit.replace("-", "").replace(" ", "").upper()
    body, check = clean[:-1], clean[-1:]
    if not body.isdigit() or not (check.isdigit() or check == "K"):
        return False
    total = sum(int(d) * w for d, w in zip(body, range(len(body) + 1, 1, -1), strict=True))
    mod = (11 - total % 11) % 11
    return check == ("K" if mod == 10 else str(mod))


def kinds_for_column(label: str, sample: str) -> dict[str, bool]:
    """Which kinds to count in a column: kind -> hinted by its label.

    ``sample`` is the newline-joined first values. Without a label hint a kind is only
    scanned for when the sample shows an unambiguous value (a formatted phone, a DPI
    with a valid check digit), so that population counts are not taken for phones.
    """
    out: dict[str, bool] = {}
    for kind in PD_KINDS:
        hinted = bool(_HINTS[kind].search(label))
        if hinted or count_in_column(kind, sample, hinted=False)[0]:
            out[kind] = hinted
    return out


def count_in_column(kind: str, joined: str, *, hinted: bool) -> tuple[int, int]:
    """(valid count, invalid-but-shaped count) of ``kind`` in a newline-joined column."""
    if kind == "email":
        return (len(_EMAIL.findall(joined)) if "@" in joined else 0), 0
    if kind == "phone":
        return len((_PHONE_LOOSE if hinted else _PHONE_STRICT).findall(joined)), 0
    if kind == "dpi":
        good = bad = 0
        for a, b, c in _DPI.findall(joined):
            if dpi_is_valid(a + b + c):
                good += 1
            else:
                bad += 1
        return good, (bad if hinted else 0)
    good = bad = 0
    for body, check in (_NIT_LOOSE if hinted else _NIT_STRICT).findall(joined):
        if nit_is_valid(body + check):
            good += 1
        else:
            bad += 1
    return good, 0

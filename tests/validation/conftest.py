"""Shared helpers for the validation tests: fixture paths and synthetic identifiers."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "validation"


@pytest.fixture
def fixture_path() -> type[Path]:
    return Path


def fx(name: str) -> Path:
    return FIXTURES / name


def make_dpi(rng: random.Random, *, valid: bool = True) -> str:
    """A made-up 13-digit CUI with a correct (or deliberately wrong) check digit."""
    while True:
        serial = [rng.randrange(10) for _ in range(8)]
        check = sum(d * w for d, w in zip(serial, range(2, 10), strict=True)) % 11
        if check < 10:
            break
    if not valid:
        check = (check + 1 + rng.randrange(8)) % 10
        if check == sum(d * w for d, w in zip(serial, range(2, 10), strict=True)) % 11:
            check = (check + 1) % 10
    return "".join(map(str, serial)) + str(check) + "01" + f"{rng.randrange(1, 18):02d}"


def make_nit(rng: random.Random, *, valid: bool = True) -> str:
    """A made-up NIT 'digits-check' with a correct (or wrong) mod-11 check character."""
    body = str(rng.randrange(100_000, 99_999_999))
    total = sum(int(d) * w for d, w in zip(body, range(len(body) + 1, 1, -1), strict=True))
    mod = (11 - total % 11) % 11
    check = "K" if mod == 10 else str(mod)
    if not valid:
        check = "0" if check != "0" else "1"
    return f"{body}-{check}"

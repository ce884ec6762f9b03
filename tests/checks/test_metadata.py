"""MD001-MD005."""

from __future__ import annotations

import pytest
from tests.checks._support import codes, good_dataset, run


def test_md001_missing_and_short_descriptions() -> None:
    assert codes(run(good_dataset(description=""))) == ["MD001"]
    found = run(good_dataset(description="<p>Antennes régionales</p>"))
    assert codes(found) == ["MD001"]
    assert found[0].evidence["length"] == len("Antennes régionales")


def test_md002_publisher() -> None:
    assert codes(run(good_dataset(publisher="", organization=""))) == ["MD002"]
    assert run(good_dataset(publisher="", organization="minfin")) == []


@pytest.mark.parametrize(
    ("email", "url", "flagged"),
    [
        ("", "", True),
        ("mailto:", "", True),  # fr_apur ArcGIS: hasEmail "mailto:" on all 71 datasets
        ("datos@", "", True),
        ("mailto:datos@minfin.gob.gt", "", False),
        ("ocagoadmin@oakgov.com", "", False),
        ("", "https://www.minfin.gob.gt/contacto", False),
        ("", "contacto", True),
    ],
)
def test_md003_contact(email: str, url: str, flagged: bool) -> None:
    found = run(good_dataset(contact_email=email, contact_url=url))
    assert codes(found) == (["MD003"] if flagged else [])


def test_md003_never_echoes_a_mailbox() -> None:
    found = run(good_dataset(contact_email="juan.perez@"))
    assert "juan.perez" not in found[0].message
    assert "juan.perez" not in str(found[0].evidence)


def test_md004_keywords() -> None:
    assert codes(run(good_dataset(keywords=[]))) == ["MD004"]
    assert codes(run(good_dataset(keywords=["", "  "]))) == ["MD004"]


@pytest.mark.parametrize("title", ["", "   ", "12345", "eee", "xdxxdddddd", "presupuesto-2026"])
def test_md005_junk_titles(title: str) -> None:
    assert codes(run(good_dataset(title=title))) == ["MD005"]


@pytest.mark.parametrize("title", ["PIB", "Ranking Municipal 2018", "Censo 2018: cuadro A5"])
def test_md005_real_titles(title: str) -> None:
    assert run(good_dataset(title=title)) == []

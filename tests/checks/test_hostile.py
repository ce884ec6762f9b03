"""Hostile metadata becomes findings, never exceptions."""

from __future__ import annotations

from typing import Any

from tests.checks._support import INST, NOW, Meth, codes

from odaudit.checks import run_dataset_checks, run_institution_checks
from odaudit.models import Dataset, Probe, ProbeOutcome, Resource

URL = "http://datos.example.gob.gt/a.csv"


def _hostile() -> Dataset:
    junk: Any = None
    return Dataset(
        id="x",
        title=junk,
        description=junk,
        publisher=junk,
        contact_email=junk,
        keywords=[junk, 5],
        themes=junk,
        license_id=junk,
        license_title=123,  # type: ignore[arg-type]
        modified=12345,  # type: ignore[arg-type]
        issued=[1],  # type: ignore[arg-type]
        frequency=["x"],  # type: ignore[arg-type]
        extras={"frequency": junk},
        resources=[
            Resource(url=junk, format=junk, media_type=junk, name=junk, modified=5, license=7),  # type: ignore[arg-type]
            Resource(url=URL, format="CSV"),
        ],
    )


def test_wrong_types_everywhere_still_give_findings() -> None:
    probe = Probe(url=URL, outcome=ProbeOutcome.OK, sniff=None, headers=None, final_url=None)  # type: ignore[arg-type]
    found = run_dataset_checks(INST, _hostile(), {URL: probe}, Meth(), NOW)
    assert {"AV005", "MD001", "MD002", "MD005", "LI003"} <= set(codes(found))


def test_wrong_types_in_coverage() -> None:
    findings, items = run_institution_checks(INST, [_hostile()], Meth())
    assert codes(findings) == ["CV001"] and len(items) == 1


def test_hostile_history_arguments_are_values() -> None:
    ds = Dataset(
        id="y", title="Datos", license_url=URL, resources=[Resource(url=URL, format="CSV")]
    )
    probe = Probe(url=URL, outcome=ProbeOutcome.HTTP_ERROR, status=404)
    junk: Any = {URL: object(), 5: None}
    found = run_dataset_checks(
        INST,
        ds,
        {URL: probe},
        Meth(),
        NOW,
        failure_streaks={URL: "x", None: 3},  # type: ignore[dict-item]
        license_probes=junk,
        content_hashes={URL: 7},  # type: ignore[dict-item]
        previous_hashes=junk,
    )
    assert "AV002" in codes(found) and "LI004" not in codes(found)


def test_content_hash_of_a_probe() -> None:
    from odaudit.checks import content_hash

    read = Probe(url=URL, outcome=ProbeOutcome.OK, sniff=b"a,b\n1,2\n")
    assert content_hash(read) == content_hash(
        Probe(url="other", outcome=ProbeOutcome.OK, sniff=b"a,b\n1,2\n")
    )
    assert content_hash(read) != content_hash(
        Probe(url=URL, outcome=ProbeOutcome.OK, sniff=b"a,b\n1,3\n")
    )
    assert content_hash(Probe(url=URL, outcome=ProbeOutcome.OK)) is None

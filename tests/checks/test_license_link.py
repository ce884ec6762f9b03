"""LI004: the licence URL was probed this run and is broken."""

from __future__ import annotations

import pytest
from tests.checks._support import (
    assert_json_evidence,
    codes,
    fixture_json,
    good_dataset,
    probe,
    run,
)

from odaudit.models import ProbeOutcome


def _aeb_licence_url() -> str:
    """dados.gov.br's AEB packages link cc-by to its old opendefinition.org page."""
    page = fixture_json("br_legado.dados.gov.br_package_search_organization-aeb_2023-01-30.json")
    url: str = page["result"]["results"][0]["license_url"]
    return url


@pytest.mark.parametrize("status", [404, 410, 500])
def test_li004_licence_page_answers_an_http_error(status: int) -> None:
    url = _aeb_licence_url()
    ds = good_dataset(license_url=url)
    probes = {url: probe(ProbeOutcome.HTTP_ERROR, url=url, status=status)}
    found = run(ds, license_probes=probes)
    assert codes(found) == ["LI004"]
    assert found[0].evidence["license_url"] == url
    assert found[0].evidence["status"] == status
    assert found[0].severity.value == "warning"
    assert_json_evidence(found)


def test_li004_redirect_loop() -> None:
    url = _aeb_licence_url()
    looped = probe(ProbeOutcome.TOO_MANY_REDIRECTS, url=url, redirects=[url, url + "/"] * 6)
    found = run(good_dataset(license_url=url), license_probes={url: looped})
    assert codes(found) == ["LI004"]


@pytest.mark.parametrize(
    "outcome",
    [
        probe(ProbeOutcome.OK, status=200),
        probe(ProbeOutcome.HTTP_ERROR, status=403),
        probe(ProbeOutcome.HTTP_ERROR, status=429),
        probe(ProbeOutcome.HTTP_ERROR, status=503, headers={"cf-mitigated": "challenge"}),
        probe(ProbeOutcome.TIMEOUT),
        probe(ProbeOutcome.NETWORK_ERROR, error="ConnectError: Name or service not known"),
        probe(ProbeOutcome.REFUSED),
    ],
    ids=["ok", "403", "429", "challenge", "timeout", "dns", "refused"],
)
def test_no_li004_when_the_page_works_or_cannot_be_judged(outcome: object) -> None:
    url = _aeb_licence_url()
    probes = {url: outcome}
    for p in probes.values():
        p.url = url  # type: ignore[attr-defined]
    assert run(good_dataset(license_url=url), license_probes=probes) == []


def test_no_li004_without_a_probe_of_this_dataset_licence_url() -> None:
    url = _aeb_licence_url()
    other = {"https://otra.example/licencia": probe(ProbeOutcome.HTTP_ERROR, status=404)}
    assert run(good_dataset(license_url=url), license_probes=other) == []
    assert run(good_dataset(license_url=url)) == []

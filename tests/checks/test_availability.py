"""AV001-AV006 on resources, AV010/AV011 on sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.checks._support import (
    CSV_URL,
    INST,
    assert_json_evidence,
    codes,
    fixture_bytes,
    good_dataset,
    ok_probe,
    only,
    probe,
    resource,
    run,
)

from odaudit.checks import run_source_checks
from odaudit.models import ProbeOutcome, Source

SOFT_404 = b"<!DOCTYPE html>\n<html><head><title>Pagina no encontrada</title></head><body>404</body></html>"
CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>cf-chl</body></html>"
)


@pytest.mark.parametrize("outcome", [ProbeOutcome.NETWORK_ERROR, ProbeOutcome.TOO_MANY_REDIRECTS])
def test_av001_unreachable(outcome: ProbeOutcome) -> None:
    found = run(good_dataset(), {CSV_URL: probe(outcome, error="boom", redirects=[CSV_URL])})
    assert codes(found) == ["AV001"]
    assert found[0].resource_url == CSV_URL
    assert found[0].evidence["outcome"] == outcome.value
    assert_json_evidence(found)


def test_av001_too_large_is_not_unreachable() -> None:
    assert run(good_dataset(), {CSV_URL: probe(ProbeOutcome.TOO_LARGE)}) == []


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_av002_http_error(status: int) -> None:
    found = run(good_dataset(), {CSV_URL: probe(ProbeOutcome.HTTP_ERROR, status=status)})
    assert codes(found) == ["AV002"]
    assert found[0].evidence["status"] == status
    assert str(status) in found[0].message


@pytest.mark.parametrize("status", [401, 403, 429])
def test_av004_indeterminate_status(status: int) -> None:
    found = run(good_dataset(), {CSV_URL: probe(ProbeOutcome.HTTP_ERROR, status=status)})
    assert codes(found) == ["AV004"]
    assert found[0].severity.value == "info"


def test_av004_challenge_page_served_with_200() -> None:
    p = ok_probe(body=CHALLENGE, content_type="text/html")
    assert codes(run(good_dataset(), {CSV_URL: p})) == ["AV004"]


def test_av004_cloudflare_header_on_503() -> None:
    p = probe(
        ProbeOutcome.HTTP_ERROR, status=503, headers={"cf-mitigated": "challenge"}, sniff=b"x"
    )
    assert codes(run(good_dataset(), {CSV_URL: p})) == ["AV004"]


def test_login_redirect_is_av007_not_av004() -> None:
    p = ok_probe(body=b"<html><body><form>usuario</form></body></html>", content_type="text/html")
    p.final_url = "https://datos.example.gob.gt/user/login?came_from=/x.csv"
    assert codes(run(good_dataset(), {CSV_URL: p})) == ["AV007"]


def test_av003_soft_404_for_a_declared_csv() -> None:
    found = run(good_dataset(), {CSV_URL: ok_probe(body=SOFT_404, content_type="text/html")})
    assert codes(found) == ["AV003"]
    assert found[0].evidence["bytes_prefix_hex"].startswith("3c 21 44 4f")
    assert "CSV" in found[0].message


def test_av003_by_content_type_when_no_bytes() -> None:
    p = ok_probe(body=b"", content_type="text/html")
    assert codes(run(good_dataset(), {CSV_URL: p})) == ["AV003"]


def test_av003_by_url_extension_when_no_format_declared() -> None:
    ds = good_dataset(resources=[resource(format="", media_type="")])
    found = run(ds, {CSV_URL: ok_probe(body=SOFT_404, content_type="text/html")})
    assert codes(found) == ["AV003"]


def test_av003_not_for_a_declared_web_page() -> None:
    url = "https://datos.example.gob.gt/visor"
    ds = good_dataset(resources=[resource(), resource(url=url, format="HTML", media_type="")])
    probes = {CSV_URL: ok_probe(), url: ok_probe(url, SOFT_404, "text/html")}
    assert codes(run(ds, probes)) == ["FM001"]


def test_real_csv_served_is_fine() -> None:
    body = fixture_bytes("gt_mineduc_establecimientos_diversificado_ZACAPA.csv")
    assert run(good_dataset(), {CSV_URL: ok_probe(body=body)}) == []


@pytest.mark.parametrize("url", ["", "   ", "ftp://datos.example.gob.gt/a.csv", "not a url"])
def test_av005_missing_url(url: str) -> None:
    found = run(good_dataset(resources=[resource(url=url)]), {})
    assert codes(found) == ["AV005"]


def test_av005_from_an_invalid_url_probe() -> None:
    found = run(good_dataset(), {CSV_URL: probe(ProbeOutcome.INVALID_URL)})
    assert codes(found) == ["AV005"]


def test_av006_private_address() -> None:
    url = "http://192.168.1.20/datos.csv"
    ds = good_dataset(resources=[resource(url=url)])
    found = run(ds, {url: probe(ProbeOutcome.REFUSED, url=url, error="private address")})
    assert codes(found) == ["AV006"]


def test_unprobed_resource_gets_no_availability_finding() -> None:
    assert run(good_dataset(), {}) == []


@dataclass
class PortalError:
    kind: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)


SOURCE = Source(type="ckan", url="https://www.datos.gob.gt")


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (PortalError("unreachable", "connection refused"), "AV010"),
        (PortalError("http_error", "HTTP 500", {"status": 500}), "AV010"),
        (PortalError("not_json", "HTML instead of JSON"), "AV010"),
        (PortalError("malformed", "JSON parse error at line 3 col 5"), "AV010"),
        (PortalError("not_catalog", "no `dataset` key"), "AV010"),
        (PortalError("blocked", "HTTP 403", {"status": 403}), "AV011"),
        (PortalError("http_error", "HTTP 429", {"status": 429}), "AV011"),
        (PortalError("http_error", "cf challenge", {"cf-mitigated": "challenge"}), "AV011"),
    ],
)
def test_av010_av011_source(error: PortalError, code: str) -> None:
    found = run_source_checks(INST, SOURCE, error)
    assert codes(found) == [code]
    assert found[0].evidence["url"] == SOURCE.url
    assert found[0].dataset_id is None
    assert_json_evidence(found)


def test_source_evidence_drops_unserialisable_values() -> None:
    found = run_source_checks(INST, SOURCE, PortalError("unreachable", "x", {"obj": object()}))
    assert "obj" not in found[0].evidence
    assert only(found, "AV010")


def test_a_page_about_authors_is_not_a_login_wall() -> None:
    url = "https://datos.example.gob.gt/authors.html"
    ds = good_dataset(resources=[resource(), resource(url=url, format="HTML", media_type="")])
    p = ok_probe(url, b"<html><body>Autores</body></html>", "text/html")
    assert codes(run(ds, {CSV_URL: ok_probe(), url: p})) == ["FM001"]


def test_a_soft_404_with_a_recaptcha_form_is_still_av003() -> None:
    body = b'<!DOCTYPE html><html><body>No encontrado<div class="g-recaptcha"></div></body></html>'
    assert codes(run(good_dataset(), {CSV_URL: ok_probe(body=body, content_type="text/html")})) == [
        "AV003"
    ]

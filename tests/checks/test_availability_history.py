"""AV001/AV002 confirmed over K runs (failure streaks from the store), AV004 below K, AV007."""

from __future__ import annotations

import pytest
from tests.checks._support import (
    CSV_URL,
    Meth,
    Settings,
    assert_json_evidence,
    codes,
    good_dataset,
    ok_probe,
    probe,
    resource,
    run,
)

from odaudit.models import ProbeOutcome

TLS = "ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed (_ssl.c:1006)"
LOGIN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Iniciar sesi\xc3\xb3n - Portal</title></head><body>"
    b'<form method="post" action="/user/login"><input type="text" name="login">'
    b'<input type="password" name="password"></form></body></html>'
)
PORTAL_PAGE = (
    b"<!DOCTYPE html><html><body><h1>Presupuesto</h1>"
    b'<form action="/user/login"><input type="password" name="pw"></form></body></html>'
)


def _k(code: str, k: int) -> Meth:
    return Meth(rules={code: Settings(params={"confirm_after_runs": k})})


def test_av002_default_k1_reports_on_the_first_run() -> None:
    found = run(good_dataset(), {CSV_URL: probe(ProbeOutcome.HTTP_ERROR, status=404)})
    assert codes(found) == ["AV002"]
    assert found[0].evidence["failures_in_a_row"] == 1
    assert found[0].evidence["confirm_after_runs"] == 1
    assert found[0].evidence["stars"] == 3  # the declared CSV's five-star level


def test_av002_below_k_is_av004_failure_1_of_k() -> None:
    p = probe(ProbeOutcome.HTTP_ERROR, status=404)
    found = run(good_dataset(), {CSV_URL: p}, _k("AV002", 3))
    assert codes(found) == ["AV004"]
    assert found[0].evidence["failure"] == "failure 1 of 3"
    assert found[0].severity.value == "info"
    assert "próximas auditorías" in found[0].fix
    assert_json_evidence(found)


def test_av002_confirmed_by_the_streak_in_the_store() -> None:
    p = probe(ProbeOutcome.HTTP_ERROR, status=404)
    found = run(good_dataset(), {CSV_URL: p}, _k("AV002", 3), failure_streaks={CSV_URL: 2})
    assert codes(found) == ["AV002"]
    assert found[0].evidence["failures_in_a_row"] == 3


def test_a_streak_of_another_url_does_not_count() -> None:
    p = probe(ProbeOutcome.HTTP_ERROR, status=500)
    streaks = {"https://otro.example/x.csv": 5}
    found = run(good_dataset(), {CSV_URL: p}, _k("AV002", 2), failure_streaks=streaks)
    assert codes(found) == ["AV004"]


def test_av001_k_applies_to_refused_connections() -> None:
    p = probe(ProbeOutcome.NETWORK_ERROR, error="ConnectError: [Errno 111] Connection refused")
    assert codes(run(good_dataset(), {CSV_URL: p}, _k("AV001", 2))) == ["AV004"]
    found = run(good_dataset(), {CSV_URL: p}, _k("AV001", 2), failure_streaks={CSV_URL: 1})
    assert codes(found) == ["AV001"]


@pytest.mark.parametrize(
    "failed",
    [
        probe(ProbeOutcome.TIMEOUT, error="ReadTimeout: timed out"),
        probe(ProbeOutcome.NETWORK_ERROR, error=TLS),
    ],
    ids=["timeout", "tls"],
)
def test_a_single_timeout_or_tls_error_is_indeterminate(failed: object) -> None:
    found = run(good_dataset(), {CSV_URL: failed})  # type: ignore[dict-item]
    assert codes(found) == ["AV004"]
    assert found[0].evidence["failure"] == "failure 1 of 2"
    confirmed = run(good_dataset(), {CSV_URL: failed}, failure_streaks={CSV_URL: 1})  # type: ignore[dict-item]
    assert codes(confirmed) == ["AV001"]


def test_hostile_streak_values_are_ignored() -> None:
    p = probe(ProbeOutcome.HTTP_ERROR, status=404)
    streaks = {CSV_URL: "many", "x": -3}
    found = run(good_dataset(), {CSV_URL: p}, _k("AV002", 2), failure_streaks=streaks)
    assert codes(found) == ["AV004"]


def test_av007_password_form_where_a_csv_was_declared() -> None:
    found = run(good_dataset(), {CSV_URL: ok_probe(body=LOGIN_PAGE, content_type="text/html")})
    assert codes(found) == ["AV007"]  # not AV003: the page is a wall, not a soft 404
    assert found[0].severity.value == "warning"
    assert found[0].evidence["password_form"] is True
    assert_json_evidence(found)


def test_av007_redirect_to_a_login_url() -> None:
    p = ok_probe(body=b"<html><body>Bienvenido</body></html>", content_type="text/html")
    p.final_url = "https://datos.example.gob.gt/user/login?came_from=/presupuesto.csv"
    p.redirects = [CSV_URL, p.final_url]
    found = run(good_dataset(), {CSV_URL: p})
    assert codes(found) == ["AV007"]
    assert found[0].evidence["redirects"] == [CSV_URL, p.final_url]


def test_no_av007_for_a_declared_page_with_a_login_box_in_its_header() -> None:
    url = "https://datos.example.gob.gt/dataset/presupuesto"
    ds = good_dataset(resources=[resource(), resource(url=url, format="HTML", media_type="")])
    probes = {CSV_URL: ok_probe(), url: ok_probe(url, PORTAL_PAGE, "text/html")}
    assert codes(run(ds, probes)) == ["FM001"]


def test_no_av007_for_a_real_csv_that_mentions_passwords() -> None:
    body = b'campo,valor\npassword,"<input type=password>"\nlogin,1\n'
    assert run(good_dataset(), {CSV_URL: ok_probe(body=body)}) == []

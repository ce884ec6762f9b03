"""AV008: a resource the portal declares public while its robots.txt disallows it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pytest_httpserver import HTTPServer
from tests.checks._support import (
    CSV_URL,
    assert_json_evidence,
    codes,
    good_dataset,
    ok_probe,
    only,
    resource,
    run,
)

from odaudit.checks import get_rule
from odaudit.config import CrawlSettings
from odaudit.http import AddressPolicy, Fetcher, RobotsCache
from odaudit.models import Severity

OTHER = "https://datos.example.gob.gt/descargas/ejecucion.csv"


def test_av008_disallowed_resource_is_a_note_that_costs_nothing() -> None:
    found = run(good_dataset(), robots={CSV_URL: False})
    assert codes(found) == ["AV008"]
    hit = found[0]
    assert hit.severity is Severity.INFO
    assert hit.resource_url == CSV_URL
    assert hit.evidence["robots_url"] == "https://datos.example.gob.gt/robots.txt"
    assert "robots_rule" not in hit.evidence
    assert "robots.txt" in hit.message and "Presupuesto 2026" in hit.message
    assert hit.fix.startswith("Permita en robots.txt")
    assert get_rule("AV008").weight == 0 and get_rule("AV008").dimension == "availability"
    assert_json_evidence(found)


def test_av008_allowed_unknown_or_absent_is_silent() -> None:
    assert run(good_dataset(), robots={CSV_URL: True}) == []
    assert run(good_dataset(), robots={CSV_URL: None}) == []  # type: ignore[dict-item]
    assert run(good_dataset(), robots={OTHER: False}) == []  # not a resource of this dataset
    assert run(good_dataset()) == []


@dataclass(frozen=True)
class Verdict:
    allowed: bool | None
    robots_url: str
    rule: str = ""


def test_av008_verdict_evidence_names_the_line() -> None:
    dataset = good_dataset(resources=[resource(), resource(url=OTHER, name="Ejecución")])
    probes = {CSV_URL: ok_probe(CSV_URL), OTHER: ok_probe(OTHER)}
    verdicts = {
        CSV_URL: Verdict(True, "https://datos.example.gob.gt/robots.txt"),
        OTHER: Verdict(False, "https://datos.example.gob.gt/robots.txt", "Disallow: /descargas/"),
    }
    found = only(run(dataset, probes, robots=verdicts), "AV008")
    assert [f.resource_url for f in found] == [OTHER]
    assert found[0].evidence["robots_rule"] == "Disallow: /descargas/"
    assert "Disallow: /descargas/" in found[0].message


def test_av008_hostile_values_are_no_verdict() -> None:
    hostile = {CSV_URL: "False", 1: False, "x": object()}
    assert run(good_dataset(), robots=hostile) == []
    bad = Verdict(False, robots_url=123, rule=["Disallow: /"])  # type: ignore[arg-type]
    found = run(good_dataset(), robots={CSV_URL: bad})
    assert codes(found) == ["AV008"]
    assert found[0].evidence["robots_url"] == "https://datos.example.gob.gt/robots.txt"
    assert "robots_rule" not in found[0].evidence


def test_av008_from_the_real_robots_cache(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /descargas/\n", content_type="text/plain"
    )
    open_url = httpserver.url_for("/datos/presupuesto.csv")
    hidden_url = httpserver.url_for("/descargas/ejecucion.csv")
    settings = CrawlSettings(timeout=5, connect_timeout=5)

    async def main() -> dict[str, object]:
        policy = AddressPolicy([httpserver.url_for("/")])
        async with Fetcher(settings, policy) as fetcher:
            robots = RobotsCache(fetcher)
            return {u: await robots.verdict(u, settings.user_agent) for u in (open_url, hidden_url)}

    verdicts = asyncio.run(main())
    dataset = good_dataset(resources=[resource(url=open_url), resource(url=hidden_url)])
    probes = {u: ok_probe(u) for u in (open_url, hidden_url)}
    found = only(run(dataset, probes, robots=verdicts), "AV008")
    assert [f.resource_url for f in found] == [hidden_url]
    assert found[0].evidence["robots_url"] == httpserver.url_for("/robots.txt")
    assert found[0].evidence["robots_rule"] == "Disallow: /descargas/"

"""FR001-FR004 and the date/frequency parsers, with an explicit clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.checks._support import (
    CSV_URL,
    NOW,
    codes,
    fixture_json,
    good_dataset,
    ok_probe,
    resource,
    run,
)

from odaudit.checks.dates import parse_date, parse_frequency


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2016-12-06T10:00:00.123Z", datetime(2016, 12, 6, 10, 0, 0, 123000, tzinfo=UTC)),
        ("2025-06-23T06:57:04.90887Z", datetime(2025, 6, 23, 6, 57, 4, 908870, tzinfo=UTC)),
        ("2016-04-19T19:48:05.433640-03:00", datetime(2016, 4, 19, 22, 48, 5, 433640, tzinfo=UTC)),
        ("20201117", datetime(2020, 11, 17, tzinfo=UTC)),
        ("26/06/2023 02:19:45", datetime(2023, 6, 26, 2, 19, 45, tzinfo=UTC)),
        ("mar, 10/12/2019 - 09:23", datetime(2019, 12, 10, 9, 23, tzinfo=UTC)),
        ("Date changed  jeu, 19/12/2019 - 03:00", datetime(2019, 12, 19, 3, 0, tzinfo=UTC)),
        ("2019-09-30 22:00:00", datetime(2019, 9, 30, 22, 0, tzinfo=UTC)),
        ("Wed, 21 Oct 2015 07:28:00 GMT", datetime(2015, 10, 21, 7, 28, tzinfo=UTC)),
        ("R/P1D", None),
        ("31/02/2020", None),
        ("sin fecha", None),
        (None, None),
    ],
)
def test_parse_date(raw: str | None, expected: datetime | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "days"),
    [
        ("R/P1M", 30.4375),
        ("P1Y", 365.25),
        ("R/P0.5M", 15.21875),
        ("R/P1D", 1),
        ("R/PT1H", 1 / 24),
        ("http://purl.org/cld/freq/monthly", 30.4375),
        ("http://publications.europa.eu/resource/authority/frequency/MONTHLY", 30.4375),
        ("http://publications.europa.eu/resource/authority/frequency/ANNUAL_2", 182.625),
        ("weekly", 7),
        ("Quarterly", 91.3125),
        ("diaria", 1),
        ("Semanal", 7),
        ("quincenal", 15),
        ("Mensual", 30.4375),
        ("bimestral", 60.875),
        ("Trimestral", 91.3125),
        ("cuatrimestral", 121.75),
        ("semestral", 182.625),
        ("Anual", 365.25),
        ("bienal", 730.5),
        ("Mensualmente", 30.4375),
        ("cada año", 365.25),
    ],
)
def test_parse_frequency_periods(raw: str, days: float) -> None:
    freq = parse_frequency(raw)
    assert freq is not None and freq.period == timedelta(days=days)


@pytest.mark.parametrize(
    "raw",
    ["eventual", "irregular", "continuous", "a demanda", "discontinued", "Esporádica",
     "http://purl.org/cld/freq/irregular", "http://publications.europa.eu/resource/authority/frequency/IRREG"],
)  # fmt: skip
def test_parse_frequency_irregular(raw: str) -> None:
    freq = parse_frequency(raw)
    assert freq is not None and freq.irregular


@pytest.mark.parametrize("raw", [None, "", "cuando se pueda", "P0D"])
def test_parse_frequency_unknown(raw: str | None) -> None:
    assert parse_frequency(raw) is None


def test_fr001_no_date_anywhere() -> None:
    found = run(good_dataset(modified=None))
    assert codes(found) == ["FR001"]


def test_fr001_frequency_in_the_date_field() -> None:
    """datagov-harvester dcatus_with_none: `modified: "R/P1D"`."""
    found = run(good_dataset(modified="R/P1D"))
    assert codes(found) == ["FR001"]
    assert found[0].evidence["unparseable"] == ["R/P1D"]
    assert "R/P1D" in found[0].message


def test_ladder_resource_date_then_last_modified() -> None:
    ds = good_dataset(modified=None, resources=[resource(modified="2026-05-30")])
    assert run(ds) == []
    p = ok_probe()
    p.last_modified = "Sat, 30 May 2026 08:00:00 GMT"
    assert run(good_dataset(modified=None), {CSV_URL: p}) == []


def test_fr002_stale_with_evidence_of_the_rung() -> None:
    ds = good_dataset(modified=None, frequency="R/P1M")
    p = ok_probe()
    p.last_modified = "Thu, 01 Jan 2026 00:00:00 GMT"
    found = run(ds, {CSV_URL: p})
    assert codes(found) == ["FR002"]
    ev = found[0].evidence
    assert ev["date_source"] == "http.last_modified"
    assert ev["period_days"] == 30.4 and ev["grace_days"] == 15
    assert ev["now"] == NOW.isoformat()


def test_fr002_grace_days_boundary() -> None:
    ds = good_dataset(modified="2026-04-16T12:00:00", frequency="R/P1M")  # 46 days before NOW
    assert codes(run(ds)) == ["FR002"]
    ds = good_dataset(modified="2026-04-17T12:00:00")  # 45 days: within 30.4 + 15
    assert run(ds) == []


def test_fr002_groups_of_brazil_stale_in_2023() -> None:
    ds = good_dataset(modified="2019-05-23T10:00:00", frequency="Mensual")
    found = run(ds, now=datetime(2023, 1, 30, tzinfo=UTC))
    assert codes(found) == ["FR002"]


def test_fr002_not_for_irregular_frequencies() -> None:
    assert run(good_dataset(modified="2016-04-19", frequency="eventual")) == []


def test_fr003_no_frequency_and_frequency_from_extras() -> None:
    assert codes(run(good_dataset(frequency=None))) == ["FR003"]
    pkg = fixture_json("ar_portal-andino_test-instance_package_show_2019-12-03.json")["result"]
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    ds = good_dataset(
        frequency=None, extras=extras, modified=extras["modified"], issued=extras["issued"]
    )
    found = run(ds, now=datetime(2019, 12, 3, tzinfo=UTC))
    assert codes(found) == ["FR002"]  # R/P1Y, last modified 2016-04-19
    assert found[0].evidence["frequency"] == "R/P1Y"


def test_fr003_unreadable_frequency() -> None:
    found = run(good_dataset(frequency="cuando se pueda"))
    assert codes(found) == ["FR003"]
    assert found[0].evidence["frequency"] == "cuando se pueda"


def test_fr004_future_dates() -> None:
    assert codes(run(good_dataset(modified="2031-01-01"))) == ["FR004"]
    assert codes(run(good_dataset(issued="2026-06-03"))) == ["FR004"]
    assert run(good_dataset(modified="2026-06-02T06:00:00")) == []  # within a day

"""FR002 with the previous run's content hashes; FR005 from the newest date inside the data."""

from __future__ import annotations

from dataclasses import dataclass

from tests.checks._support import (
    CSV_URL,
    FIXTURES,
    INST,
    NOW,
    Meth,
    Settings,
    assert_json_evidence,
    codes,
    good_dataset,
    ok_probe,
    only,
    run,
)

from odaudit.checks import run_dataset_checks

TSE = "gt_tse_resultados2023_diputados-distritales_por-mesa_e3d04_el-progreso.csv"
OLD = good_dataset(modified="2019-05-23T10:00:00")  # monthly, three years untouched


def _whole(body: bytes) -> dict[str, object]:
    p = ok_probe(body=body)
    p.content_length = len(body)
    return {CSV_URL: p}


def test_fr002_not_stale_when_the_file_changed_since_the_previous_run() -> None:
    found = run(OLD, content_hashes={CSV_URL: "b" * 64}, previous_hashes={CSV_URL: "a" * 64})
    assert "FR002" not in codes(found)


def test_fr002_unchanged_bytes_are_shown_as_evidence() -> None:
    found = run(OLD, content_hashes={CSV_URL: "a" * 64}, previous_hashes={CSV_URL: "a" * 64})
    assert codes(found) == ["FR002"]
    assert found[0].evidence["content_unchanged_since_previous_run"] is True


def test_fr002_without_history_is_unchanged() -> None:
    found = run(OLD, content_hashes={CSV_URL: "a" * 64})
    assert codes(found) == ["FR002"]
    assert "content_unchanged_since_previous_run" not in found[0].evidence


def test_fr005_fresh_metadata_old_data_in_the_real_tse_file() -> None:
    """TSE 2023 results: newest FECHA_HORA_PUBLICACIÓN is 2023-06-26; metadata says May 2026."""
    body = (FIXTURES / TSE).read_bytes()
    found = run(good_dataset(), _whole(body))  # type: ignore[arg-type]
    assert codes(found) == ["FR005"]
    evidence = found[0].evidence
    assert evidence["newest_data_date"].startswith("2023-06-26")
    assert "FECHA_HORA_PUBLICACI" in evidence["newest_data_date_source"]
    assert evidence["allowed_days"] == 75.9  # 2 months + 15 days
    assert_json_evidence(found)


def test_fr005_not_from_a_prefix_of_a_longer_file() -> None:
    body = (FIXTURES / TSE).read_bytes()
    p = ok_probe(body=body[:65536])
    p.content_length = len(body)
    assert run(good_dataset(), {CSV_URL: p}) == []


def test_fr005_recent_data_is_fine() -> None:
    body = b"fecha,monto\n2026-03-31,10\n2026-04-30,12\n"
    assert run(good_dataset(), _whole(body)) == []  # type: ignore[arg-type]


def test_fr005_ignores_birth_dates() -> None:
    body = b"nombre,fecha_nacimiento\nAna,1990-01-02\nLuis,1985-05-06\n"
    assert run(good_dataset(), _whole(body)) == []  # type: ignore[arg-type]


@dataclass
class Report:
    newest_date: str | None


def test_fr005_from_the_validation_table_report() -> None:
    ds = good_dataset()
    probes = {CSV_URL: ok_probe()}
    for table in (Report("2024-12-31"), {"newest_date": "2024-12-31"}):
        found = only(
            run_dataset_checks(INST, ds, probes, Meth(), NOW, tables={CSV_URL: table}), "FR005"
        )
        assert len(found) == 1
        assert found[0].evidence["newest_data_date_source"] == "table_report.newest_date"
    fresh = run_dataset_checks(
        INST, ds, probes, Meth(), NOW, tables={CSV_URL: Report("2026-05-01")}
    )
    assert only(fresh, "FR005") == []


def test_fr005_silent_for_stale_metadata_and_irregular_series() -> None:
    body = (FIXTURES / TSE).read_bytes()
    assert codes(run(OLD, _whole(body))) == ["FR002"]  # type: ignore[arg-type]
    irregular = good_dataset(frequency="eventual")
    assert run(irregular, _whole(body)) == []  # type: ignore[arg-type]


def test_fr005_lag_periods_param() -> None:
    body = b"fecha,monto\n2026-01-31,10\n"
    assert codes(run(good_dataset(), _whole(body))) == ["FR005"]  # type: ignore[arg-type]
    meth = Meth(rules={"FR005": Settings(params={"lag_periods": 4})})
    assert only(run(good_dataset(), _whole(body), meth), "FR005") == []  # type: ignore[arg-type]

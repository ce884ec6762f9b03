"""Good files load into the right dataclasses, with defaults filled in."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from tests.config._support import FIXTURES, INST_OK, KNOWN, RULES_OK

import odaudit
from odaudit.config import (
    CrawlSettings,
    HostSettings,
    RuleSettings,
    default_rules_path,
    load_config,
    load_institutions,
    load_methodology,
)
from odaudit.models import KeyDataset, Severity, Source


def test_every_key_of_institutions_yaml() -> None:
    path = FIXTURES / "good_institutions.yaml"
    config = load_institutions(path)
    assert config.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert config.path == path
    assert config.allow_origins == ["http://127.0.0.1:8765"]
    crawl = config.crawl
    assert (crawl.timeout, crawl.connect_timeout, crawl.concurrency) == (15.0, 5.0, 8)
    assert (crawl.per_host_concurrency, crawl.per_host_interval) == (2, 0.5)
    assert (crawl.max_redirects, crawl.max_bytes, crawl.sniff_bytes) == (5, 1048576, 4096)
    assert (crawl.validate, crawl.validate_max_bytes) == (False, 2048)
    assert crawl.max_crawl_delay == 10.0  # the default
    assert (crawl.low_speed_bytes, crawl.low_speed_time) == (512, 4.0)
    assert (
        crawl.user_agent == f"odaudit/{odaudit.__version__} (+https://example.org/odaudit-contact)"
    )
    assert crawl.hosts == {"datos.example.gt": HostSettings(1, 2.0)}
    assert crawl.concurrency_for("DATOS.example.gt") == 1
    assert crawl.interval_for("datos.example.gt") == 2.0
    assert crawl.concurrency_for("other.gt") == 2

    minfin, sie = config.institutions
    assert (minfin.code, minfin.sector, minfin.website) == (
        "MINFIN",
        "finanzas",
        "https://www.minfin.gob.gt",
    )
    assert minfin.notes == "Portal CKAN propio."
    ckan, html, files, socrata = minfin.sources
    assert ckan == Source(
        type="ckan",
        url="https://datos.minfin.gob.gt",
        organization="minfin",
        options={"rows": 500, "group": "presupuesto"},
        confidence="verified-in-source",
        verified=True,
        evidence="captured 2026",
        line=26,
    )
    assert html.options == {"depth": 2, "max_pages": 50}
    assert html.verified is None
    assert files.url == "https://www.minfin.gob.gt/a.csv"
    assert files.options["urls"] == [
        "https://www.minfin.gob.gt/a.csv",
        "https://www.minfin.gob.gt/b.xlsx",
    ]
    assert files.options["datasets"] == [
        {"id": "a", "title": "Archivo A", "urls": ["https://www.minfin.gob.gt/a.csv"]}
    ]
    assert socrata.options == {"domain": "datos.example.gt"}
    assert minfin.key_datasets == (
        KeyDataset(
            "ejecucion-presupuestaria",
            "Ejecución presupuestaria",
            ("presupuesto", "ejecución"),
            "monthly",
        ),
    )
    assert (sie.code, sie.sources, sie.key_datasets, sie.sector) == ("SIE", (), (), "")


def test_defaults(write: Callable[..., Path]) -> None:
    config = load_institutions(write(INST_OK))
    assert config.crawl == CrawlSettings()
    assert config.crawl.max_bytes == 50 * 1024 * 1024
    assert (
        config.crawl.user_agent
        == f"odaudit/{odaudit.__version__} (+https://github.com/odaudit/odaudit)"
    )
    assert config.allow_origins == []
    ckan = (
        load_institutions(write(INST_OK + "    sources: [{type: ckan, url: 'https://d.gt'}]\n"))
        .institutions[0]
        .sources[0]
    )
    assert ckan.options == {"rows": 1000}
    assert ckan.verified is None and ckan.organization is None


def test_methodology_from_file(write: Callable[..., Path]) -> None:
    path = write(
        """\
        methodology: {name: test, version: "2026.1"}
        select: [AV, FR, MD001]
        ignore: [FR001]
        rules:
          FR002: {severity: warning, weight: 25, params: {grace_days: 15}}
        dimensions: {availability: 1, freshness: 0.5}
        institution: {datasets_weight: 0.7, coverage_weight: 0.3, pdf_only_credit: 0.25}
        bands: [{name: alto, min: 60}, {name: bajo, min: 0}]
        thresholds: {fail_under: 40, fail_on: error}
        """
    )
    m = load_methodology(path, KNOWN)
    assert (m.name, m.version) == ("test", "2026.1")
    assert m.rules == {"FR002": RuleSettings(Severity.WARNING, 25.0, {"grace_days": 15})}
    assert m.dimensions == {"availability": 1.0, "freshness": 0.5}
    assert (m.datasets_weight, m.coverage_weight, m.pdf_only_credit) == (0.7, 0.3, 0.25)
    assert m.bands == [("alto", 60.0), ("bajo", 0.0)]
    assert (m.fail_under, m.fail_on) == (40.0, Severity.ERROR)
    assert m.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert m.raw["rules"]["FR002"]["weight"] == 25
    assert m.to_dict()["rules"]["FR002"] == {
        "severity": "warning",
        "weight": 25.0,
        "params": {"grace_days": 15},
    }
    assert m.to_dict()["thresholds"] == {"fail_under": 40.0, "fail_on": "error"}


def test_enabled_applies_select_then_ignore(write: Callable[..., Path]) -> None:
    m = load_methodology(write(RULES_OK), KNOWN)
    assert m.enabled("AV001")
    assert m.enabled("FR002")
    assert not m.enabled("FR001")  # ignored by code
    assert not m.enabled("MD001")  # not selected
    m2 = load_methodology(
        write("methodology: {name: t, version: '1'}\nselect: [MD001, AV]\nignore: [AV]\n"), KNOWN
    )
    assert m2.enabled("MD001") and not m2.enabled("AV001")


def test_methodology_defaults(write: Callable[..., Path]) -> None:
    m = load_methodology(write("methodology: {name: t, version: '1'}\n"), KNOWN)
    assert m.select == ["AV", "FM", "LI", "FR", "MD", "DV", "PD", "CV"]
    assert m.ignore == [] and m.rules == {}
    assert (m.datasets_weight, m.coverage_weight, m.pdf_only_credit) == (0.6, 0.4, 0.5)
    assert m.bands[0] == ("excelente", 85.0) and m.bands[-1] == ("insuficiente", 0.0)
    assert (m.fail_under, m.fail_on) == (None, None)
    assert m.enabled("PD001")


def test_packaged_default_rules_load() -> None:
    m = load_methodology(default_rules_path(), KNOWN)
    assert m.name == "odaudit Guatemala"
    assert m.rules["FR002"].params == {"grace_days": 15}
    assert sum(m.dimensions.values()) > 0


def test_load_config_returns_both(write: Callable[..., Path]) -> None:
    config, m = load_config(write(INST_OK, "i.yaml"), write(RULES_OK, "r.yaml"), KNOWN)
    assert [i.code for i in config.institutions] == ["MINFIN"]
    assert m.name == "test"


def test_load_config_without_registry_accepts_code_shaped_codes(write: Callable[..., Path]) -> None:
    rules = write(
        "methodology: {name: t, version: '1'}\nrules: {ZZ999: {weight: 1}}\nselect: [AV]\n",
        "r.yaml",
    )
    from odaudit.config import methodology as meth

    m = meth.load_methodology(rules, None)
    assert "ZZ999" in m.rules


def test_max_crawl_delay_is_read(tmp_path: Path) -> None:
    path = tmp_path / "institutions.yaml"
    path.write_text("crawl:\n  max_crawl_delay: 2.5\n" + INST_OK, encoding="utf-8")
    assert load_institutions(path).crawl.max_crawl_delay == 2.5

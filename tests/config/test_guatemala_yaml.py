"""The real institutions.yaml the yearly index runs on loads cleanly and covers the 2021 index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.config._support import FIXTURES

from odaudit.config import CONFIDENCE, SOURCE_TYPES, load_institutions
from odaudit.config.settings import AuditConfig

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> AuditConfig:
    return load_institutions(REPO / "institutions.yaml")  # raises ConfigError on any problem


def test_all_executive_institutions_are_listed(config: AuditConfig) -> None:
    assert len(config.institutions) >= 46


def test_every_2021_red_ciudadana_institution_is_present(config: AuditConfig) -> None:
    rows = json.loads((FIXTURES / "datosabiertos.json").read_text(encoding="utf-8"))
    index_2021 = {row["id_institucion"] for row in rows}
    assert len(index_2021) == 30
    missing = index_2021 - {i.code for i in config.institutions}
    assert not missing


def test_every_source_says_how_sure_we_are(config: AuditConfig) -> None:
    sources = [(i.code, s) for i in config.institutions for s in i.sources]
    assert sources
    for code, source in sources:
        assert source.confidence in CONFIDENCE, (code, source.url)
        assert source.evidence, (code, source.url)
        assert source.verified is not None, (code, source.url)
        assert source.type in SOURCE_TYPES


def test_the_verified_ckan_portals_are_configured(config: AuditConfig) -> None:
    ckan = {s.url: s.confidence for i in config.institutions for s in i.sources if s.type == "ckan"}
    for url in (
        "https://datos.minfin.gob.gt",
        "https://datos.segeplan.gob.gt",
        "https://datosabiertos.mspas.gob.gt",
        "https://datos.ine.gob.gt",
    ):
        assert ckan[url] == "verified-in-source"
    assert ckan["https://www.datos.gob.gt"] == "inferred"


def test_every_institution_expects_some_key_dataset(config: AuditConfig) -> None:
    for inst in config.institutions:
        assert inst.key_datasets, inst.code
        for kd in inst.key_datasets:
            assert kd.keywords, (inst.code, kd.id)

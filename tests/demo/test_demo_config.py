"""The generated institutions.yaml: parses, uses only the agreed keys, points at the server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from odaudit.config import load_institutions
from odaudit.demo import demo_institutions_yaml, write_demo_config

BASE = "http://127.0.0.1:8765"
TOP = {"contact", "allow_origins", "crawl", "institutions"}
INSTITUTION = {"code", "name", "sector", "website", "sources", "key_datasets"}
SOURCE = {"type", "url", "organization", "urls"}
KEY_DATASET = {"id", "title", "keywords", "frequency"}
CODES = ["MINFIN", "SEGEPLAN", "MINEDUC", "MSPAS", "MEM", "INSIVUMEH", "INE", "MARN"]


def _config() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(demo_institutions_yaml(BASE))
    return data


def test_yaml_uses_only_the_agreed_keys() -> None:
    config = _config()
    assert set(config) == TOP
    assert config["allow_origins"] == [BASE]
    assert config["crawl"] == {"timeout": 5, "per_host_concurrency": 8}
    for inst in config["institutions"]:
        assert set(inst) <= INSTITUTION and {"code", "name"} <= set(inst), inst
        for source in inst["sources"]:
            assert set(source) <= SOURCE and source["type"] in ("ckan", "dcat", "html", "files")
        for key in inst["key_datasets"]:
            assert set(key) <= KEY_DATASET, key


def test_eight_institutions_every_url_on_the_server() -> None:
    config = _config()
    assert [i["code"] for i in config["institutions"]] == CODES
    for inst in config["institutions"]:
        assert inst["website"].startswith(BASE + "/")
        for source in inst["sources"]:
            assert source["url"].startswith(BASE + "/")
    marn = next(i for i in config["institutions"] if i["code"] == "MARN")
    assert marn["sources"] == []
    types = {s["type"] for i in config["institutions"] for s in i["sources"]}
    assert types == {"ckan", "dcat", "html"}


def test_write_demo_config_loads_with_the_real_loader(tmp_path: Path) -> None:
    path = write_demo_config(BASE + "/", tmp_path / "nested" / "institutions.yaml")
    assert path == tmp_path / "nested" / "institutions.yaml"
    loaded = load_institutions(path)
    assert [i.code for i in loaded.institutions] == CODES
    assert loaded.allow_origins == [BASE]
    assert loaded.crawl.timeout == 5 and loaded.crawl.per_host_concurrency == 8


@pytest.mark.parametrize("bad", ["ftp://127.0.0.1:1", "http://127.0.0.1:1/path", "127.0.0.1:1", ""])
def test_rejects_what_is_not_an_origin(bad: str) -> None:
    with pytest.raises(ValueError):
        demo_institutions_yaml(bad)

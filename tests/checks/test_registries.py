"""formats.yaml and licenses.yaml agree with the upstream registries they were built from."""

from __future__ import annotations

from tests.checks._support import fixture_json

from odaudit.checks.formats import format_by_id, lookup_format
from odaudit.checks.sniff import detect_format


def test_every_ckan_format_name_and_mimetype_resolves() -> None:
    for name, _desc, mimetype, aliases in fixture_json("ckan_resource_formats.json")[1:]:
        info = lookup_format(name)
        assert info is not None and info.id == name.upper(), name
        for alias in [mimetype, *aliases]:
            if alias and "/" in alias and not alias.startswith("http"):
                assert lookup_format(alias) is not None, alias


def test_stars_follow_ckanext_qa() -> None:
    for name, score in fixture_json("ckanext-qa_resource_format_openness_scores.json")[1:]:
        info = lookup_format(name)
        if info is not None:
            assert info.stars == score, name


def test_sniffed_kinds_are_registry_formats() -> None:
    samples = [
        b"%PDF",
        b"PK\x03\x04",
        b"\x1f\x8b",
        b"<html>",
        b"<?xml ?><a/>",
        b"[1]",
        b"a,b\n1,2\n",
    ]
    for prefix in samples:
        kind = detect_format(prefix)
        assert kind is not None and format_by_id(kind) is not None, prefix


def test_machine_readability_and_openness() -> None:
    def get(name: str) -> tuple[bool | None, bool | None]:
        info = lookup_format(name)
        assert info is not None
        return info.machine_readable, info.open

    assert get("CSV") == (True, True)
    assert get("XLSX") == (True, False)
    assert get("SHP") == (True, False)
    assert get("PDF") == (False, True)
    assert get("DOCX") == (False, False)
    assert get("zip+csv") == (True, True)
    assert get("ZIP")[0] is None

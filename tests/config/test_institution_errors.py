"""Each kind of mistake in institutions.yaml becomes one problem with its file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.config._support import INST_OK, problems_of

from odaudit.config import ConfigProblem, format_problems, load_institutions

Write = Callable[..., Path]


def only(write: Write, text: str) -> ConfigProblem:
    path = write(text)
    found = problems_of(lambda: load_institutions(path))
    assert len(found) == 1, format_problems(found)
    assert found[0].file == str(path)
    return found[0]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    (p,) = problems_of(lambda: load_institutions(path))
    assert (p.file, p.line, p.message) == (str(path), None, "file not found")


def test_yaml_syntax_error_has_its_line(write: Write) -> None:
    p = only(write, "institutions:\n  - code: A\n    name: [unclosed\n  - code: B\n")
    assert p.message.startswith("YAML syntax error")
    assert p.line == 4


def test_empty_file(write: Write) -> None:
    assert only(write, "").message == "the file is empty"


def test_not_a_mapping(write: Write) -> None:
    p = only(write, "- a\n- b\n")
    assert p.line == 1 and "must be a mapping" in p.message


def test_unknown_key_suggests_the_right_one(write: Write) -> None:
    p = only(write, INST_OK + "    sorces: []\n")
    assert p.line == 4
    assert p.message == "unknown key 'sorces' in institution MINFIN"
    assert p.hint == "did you mean 'sources'?"


def test_unknown_top_level_key_without_close_match_lists_allowed(write: Write) -> None:
    p = only(write, "zzz: 1\n" + INST_OK)
    assert p.line == 1 and "allowed keys: allow_origins, contact, crawl, institutions" in p.hint


def test_missing_required_key(write: Write) -> None:
    p = only(write, "institutions:\n  - code: MINFIN\n")
    assert p.line == 2 and "missing the required key 'name'" in p.message


def test_wrong_type(write: Write) -> None:
    p = only(write, "crawl:\n  timeout: soon\n" + INST_OK)
    assert p.line == 2
    assert p.message == "crawl.timeout must be a number, got 'soon' (a string)"


def test_boolean_is_not_a_whole_number(write: Write) -> None:
    p = only(write, "crawl:\n  concurrency: true\n" + INST_OK)
    assert p.line == 2 and "whole number" in p.message


def test_out_of_range(write: Write) -> None:
    p = only(write, "crawl:\n  per_host_concurrency: 0\n" + INST_OK)
    assert p.line == 2 and "at least 1" in p.message


def test_negative_crawl_delay_cap(write: Write) -> None:
    p = only(write, "crawl:\n  max_crawl_delay: -1\n" + INST_OK)
    assert p.line == 2 and "crawl.max_crawl_delay" in p.message


def test_duplicate_institution_code(write: Write) -> None:
    p = only(write, INST_OK + "  - code: MINFIN\n    name: Otra\n")
    assert p.line == 4
    assert p.message == "duplicate institution code 'MINFIN'"
    assert "line 2" in p.hint


def test_duplicate_yaml_key(write: Write) -> None:
    p = only(write, INST_OK + "    name: Otra vez\n")
    assert p.line == 4
    assert p.message.startswith("duplicate key 'name'")
    assert "line 3" in p.hint


def test_bad_code_characters(write: Write) -> None:
    p = only(write, "institutions:\n  - code: min fin\n    name: X\n")
    assert p.line == 2 and "A-Z, 0-9" in p.message


def test_unknown_source_type(write: Write) -> None:
    p = only(write, INST_OK + "    sources:\n      - type: wordpress\n        url: https://x.gt\n")
    assert p.line == 5 and "unknown source type 'wordpress'" in p.message
    assert "ckan, dcat, html, socrata, opendatasoft, files" in p.hint


def test_bad_url_scheme(write: Write) -> None:
    p = only(write, INST_OK + "    sources:\n      - type: ckan\n        url: ftp://datos.gt\n")
    assert p.line == 6 and "'ftp://datos.gt' is not an http(s) URL" in p.message


def test_bad_website(write: Write) -> None:
    p = only(write, INST_OK + "    website: www.minfin.gob.gt\n")
    assert p.line == 4 and "not an http(s) URL" in p.message


def test_option_of_another_source_type(write: Write) -> None:
    p = only(write, INST_OK + "    sources: [{type: ckan, url: 'https://d.gt', depth: 2}]\n")
    assert p.line == 4 and p.hint == "'depth' applies to sources of type html only"


def test_files_source_needs_urls(write: Write) -> None:
    p = only(write, INST_OK + "    sources: [{type: files}]\n")
    assert "needs 'urls'" in p.message


def test_bad_confidence(write: Write) -> None:
    p = only(
        write, INST_OK + "    sources: [{type: ckan, url: 'https://d.gt', confidence: sure}]\n"
    )
    assert "unknown confidence 'sure'" in p.message and "verified-in-source" in p.hint


def test_bad_origin(write: Write) -> None:
    p = only(write, "allow_origins: ['http://127.0.0.1:8765/path']\n" + INST_OK)
    assert p.line == 1 and "not an origin" in p.message


def test_duplicate_key_dataset_id(write: Write) -> None:
    p = only(
        write,
        INST_OK + "    key_datasets:\n      - {id: a, title: A}\n      - {id: a, title: B}\n",
    )
    assert p.line == 6 and "duplicate key dataset id 'a'" in p.message


def test_all_problems_of_one_file_in_line_order(write: Write) -> None:
    path = write(
        """\
        crawl: {timeout: -1}
        institutions:
          - code: A
            nmae: X
          - code: A
            name: Y
            sources: [{type: ckan, url: 'mailto:x@y'}]
        """
    )
    found = problems_of(lambda: load_institutions(path))
    assert [p.line for p in found] == [1, 3, 4, 5, 7]
    text = format_problems(found)
    assert (
        text.splitlines()[2]
        == f"{path}:4: unknown key 'nmae' in institution A — did you mean 'name'?"
    )
    assert str(found[2]) == f"{path}:4: unknown key 'nmae' in institution A. did you mean 'name'?"


def test_alias_bomb_is_refused(write: Write) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    p = only(write, "\n".join(lines) + "\n" + INST_OK)
    assert p.line is None and "aliases" in p.message


def test_small_aliases_are_fine(write: Write) -> None:
    text = (
        INST_OK
        + "    key_datasets:\n      - &kd {id: a, title: A}\n  - code: B\n    name: B\n    key_datasets: [*kd]\n"
    )
    config = load_institutions(write(text))
    assert config.institutions[1].key_datasets[0].id == "a"


def test_adapter_options_are_typed_and_checked(write: Write) -> None:
    good = write(
        INST_OK
        + "    sources:\n"
        + "      - {type: ckan, url: 'https://d.gt', q: 'tags:presupuesto', fq: 'res_format:CSV'}\n"
        + "      - {type: dcat, url: 'https://d.gt/catalog.ttl', format: turtle, max_pages: 5}\n"
        + "      - {type: socrata, url: 'https://s.gt', views: false, rows: 50,"
        + " catalog_url: 'https://api.us.socrata.com/api/catalog/v1'}\n"
        + "      - {type: opendatasoft, url: 'https://o.gt', api: v1, rows: 20}\n"
        + "      - {type: files, urls: ['https://f.gt/a.csv'], publisher: MINFIN}\n"
    )
    sources = load_institutions(good).institutions[0].sources
    assert sources[0].options["q"] == "tags:presupuesto"
    assert sources[1].options == {"format": "turtle", "max_pages": 5}
    assert sources[2].options["views"] is False and sources[2].options["rows"] == 50
    assert sources[3].options == {"api": "v1", "rows": 20}
    assert sources[4].options["publisher"] == "MINFIN"


def test_bad_adapter_options(write: Write) -> None:
    path = write(
        INST_OK
        + "    sources:\n"
        + "      - {type: dcat, url: 'https://d.gt', format: rdfxml}\n"
        + "      - {type: opendatasoft, url: 'https://o.gt', api: v3}\n",
    )
    problems = problems_of(lambda: load_institutions(path))
    messages = " | ".join(p.message for p in problems)
    assert "format 'rdfxml' is not known" in messages
    assert "api 'v3' is not known" in messages

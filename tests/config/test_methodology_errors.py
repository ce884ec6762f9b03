"""Each kind of mistake in a rules file becomes one problem with its file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.config._support import INST_OK, KNOWN, RULES_OK, problems_of

from odaudit.config import (
    ConfigProblem,
    default_rules_path,
    format_problems,
    load_config,
    load_methodology,
)

Write = Callable[..., Path]


def only(write: Write, text: str) -> ConfigProblem:
    path = write(text)
    found = problems_of(lambda: load_methodology(path, KNOWN))
    assert len(found) == 1, format_problems(found)
    assert found[0].file == str(path)
    return found[0]


def test_unknown_rule_code_in_rules(write: Write) -> None:
    p = only(write, RULES_OK + "rules:\n  FR003: {weight: 5}\n")
    assert p.line == 5 and p.message == "rules: unknown rule code 'FR003'"
    assert p.hint in ("did you mean 'FR001'?", "did you mean 'FR002'?")


def test_unknown_code_in_select(write: Write) -> None:
    p = only(write, "methodology: {name: t, version: '1'}\nselect: [AV, XX123]\n")
    assert p.line == 2 and "unknown rule code 'XX123'" in p.message


def test_unknown_prefix(write: Write) -> None:
    p = only(write, "methodology: {name: t, version: '1'}\nignore:\n  - AV\n  - ZZ\n")
    assert p.line == 4 and p.message == "ignore: unknown rule prefix 'ZZ'"


def test_prefix_in_rules_is_explained(write: Write) -> None:
    p = only(write, RULES_OK + "rules:\n  FR: {weight: 5}\n")
    assert "full codes" in p.hint


def test_bad_severity(write: Write) -> None:
    p = only(write, RULES_OK + "rules:\n  FR002:\n    severity: fatal\n")
    assert p.line == 6
    assert p.message == "rules.FR002.severity: unknown severity 'fatal'"
    assert p.hint == "use error, warning or info"


def test_bad_weight(write: Write) -> None:
    p = only(write, RULES_OK + "rules:\n  FR002: {weight: 150}\n")
    assert p.line == 5 and p.message == "rules.FR002.weight must be between 0 and 100, got 150"


def test_unknown_rule_setting(write: Write) -> None:
    p = only(write, RULES_OK + "rules:\n  FR002: {wieght: 5}\n")
    assert p.hint == "did you mean 'weight'?"


def test_negative_dimension_weight(write: Write) -> None:
    p = only(write, RULES_OK + "dimensions: {availability: 1, format: -0.2}\n")
    assert p.line == 4 and "dimensions.format must be at least 0" in p.message


def test_unknown_dimension(write: Write) -> None:
    p = only(write, RULES_OK + "dimensions:\n  availability: 1\n  licence: 1\n")
    assert p.line == 6 and p.hint == "did you mean 'license'?"


def test_bands_not_descending(write: Write) -> None:
    p = only(write, RULES_OK + "bands:\n  - {name: bajo, min: 0}\n  - {name: alto, min: 80}\n")
    assert p.line == 6 and "not below bajo" in p.message


def test_institution_weights_must_add_up(write: Write) -> None:
    p = only(write, RULES_OK + "institution: {datasets_weight: 0.6, coverage_weight: 0.6}\n")
    assert p.line == 4 and "add up to 1" in p.message


def test_bad_fail_on(write: Write) -> None:
    p = only(write, RULES_OK + "thresholds: {fail_on: critical}\n")
    assert "unknown severity 'critical'" in p.message


def test_version_read_as_number_is_a_type_error(write: Write) -> None:
    p = only(write, "methodology: {name: t, version: 2026.1}\n")
    assert p.line == 1 and "must be a non-empty string" in p.message


def test_missing_methodology_section(write: Write) -> None:
    p = only(write, "select: [AV]\n")
    assert "missing the required key 'methodology'" in p.message


def test_all_problems_of_both_files_at_once(write: Write) -> None:
    inst = write("institutions:\n  - code: A\n    nmae: X\n  - code: A\n    name: Y\n", "i.yaml")
    rules = write(RULES_OK + "rules:\n  FR002: {severity: fatal, weight: -1}\nbands: 3\n", "r.yaml")
    found = problems_of(lambda: load_config(inst, rules, KNOWN))
    where = [(p.file, p.line) for p in found]
    assert where == [
        (str(inst), 2),  # missing name
        (str(inst), 3),  # unknown key nmae
        (str(inst), 4),  # duplicate code A
        (str(rules), 5),  # severity
        (str(rules), 5),  # weight
        (str(rules), 6),  # bands not a list
    ]


def test_missing_files_are_both_reported(tmp_path: Path) -> None:
    found = problems_of(lambda: load_config(tmp_path / "i.yaml", tmp_path / "r.yaml", KNOWN))
    assert [(p.file, p.message) for p in found] == [
        (str(tmp_path / "i.yaml"), "file not found"),
        (str(tmp_path / "r.yaml"), "file not found"),
    ]


def test_unsafe_tags_are_refused(write: Write) -> None:
    path = write("methodology: {name: !!python/object/apply:os.system ['true'], version: '1'}\n")
    found = problems_of(lambda: load_methodology(path, KNOWN))
    assert (
        found[0].message == "unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"
    )
    assert found[0].line == 1


def test_default_rules_with_inst(write: Write) -> None:
    _, m = load_config(write(INST_OK), default_rules_path(), KNOWN)
    assert m.enabled("AV001")


PARAMS = {"FR002": {"grace_days": 15, "strict": False, "ratio": 0.5}, "FR001": {}}


def test_unknown_rule_parameter_with_registry(write: Write) -> None:
    path = write(RULES_OK + "rules:\n  FR002:\n    params: {grace_dayz: 3}\n")
    (p,) = problems_of(lambda: load_methodology(path, KNOWN, PARAMS))
    assert p.line == 6 and p.message == "unknown parameter 'grace_dayz' in rules.FR002.params"
    assert p.hint == "did you mean 'grace_days'?"


def test_parameter_of_the_wrong_type_with_registry(write: Write) -> None:
    path = write(
        RULES_OK
        + "rules:\n  FR002:\n    params:\n      grace_days: '15'\n      strict: 1\n      ratio: 1\n"
    )
    found = problems_of(lambda: load_methodology(path, KNOWN, PARAMS))
    assert [(p.line, p.message) for p in found] == [
        (7, "rules.FR002.params.grace_days must be a whole number, got '15'"),
        (8, "rules.FR002.params.strict must be true or false, got 1"),
    ]  # an int is a fine float: ratio passes


def test_rule_without_parameters(write: Write) -> None:
    path = write(RULES_OK + "rules:\n  FR001: {params: {x: 1}}\n")
    (p,) = problems_of(lambda: load_methodology(path, KNOWN, PARAMS))
    assert p.hint == "this rule takes no parameters"


def test_parameters_are_free_without_registry(write: Write) -> None:
    m = load_methodology(write(RULES_OK + "rules:\n  FR002: {params: {anything: [1, 2]}}\n"), KNOWN)
    assert m.rules["FR002"].params == {"anything": [1, 2]}

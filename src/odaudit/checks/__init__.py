"""The rule registry and the rules: every dataset, source and institution check of odaudit.

Rules are pure functions of (dataset, probes, params, now) that yield findings; bad
data is a finding, never an exception. See docs/rules/ for one page per rule.
"""

from odaudit.checks.registry import Hit, Rule, all_rules, get_rule, known_codes
from odaudit.checks.runner import (
    MethodologyLike,
    PortalErrorLike,
    clock_rules,
    content_hash,
    rules_signature,
    run_dataset_checks,
    run_institution_checks,
    run_source_checks,
)

__all__ = [
    "Hit",
    "MethodologyLike",
    "PortalErrorLike",
    "Rule",
    "all_rules",
    "clock_rules",
    "content_hash",
    "get_rule",
    "known_codes",
    "rules_signature",
    "run_dataset_checks",
    "run_institution_checks",
    "run_source_checks",
]

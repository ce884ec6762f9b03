"""Loading and validating configuration: institutions.yaml and the methodology (rules/*.yaml).

Both files are checked in full before any network I/O; every problem comes back at once as a
`ConfigProblem` (file, line, message, hint) inside one `ConfigError`.
"""

from odaudit.config.institutions import load_institutions
from odaudit.config.loader import load_config, registry_codes
from odaudit.config.methodology import (
    CATEGORIES,
    Methodology,
    RuleSettings,
    default_rules_path,
    load_methodology,
)
from odaudit.config.problems import ConfigError, ConfigProblem, format_problems
from odaudit.config.settings import AuditConfig, CrawlSettings, HostSettings
from odaudit.config.source_entry import CONFIDENCE, SOURCE_TYPES

__all__ = [
    "CATEGORIES",
    "CONFIDENCE",
    "SOURCE_TYPES",
    "AuditConfig",
    "ConfigError",
    "ConfigProblem",
    "CrawlSettings",
    "HostSettings",
    "Methodology",
    "RuleSettings",
    "default_rules_path",
    "format_problems",
    "load_config",
    "load_institutions",
    "load_methodology",
    "registry_codes",
]

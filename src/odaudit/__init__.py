"""odaudit: the open-data auditor behind a national open data index.

Library first: everything the CLI does is available as a function
(`odaudit.pipeline.audit`, `odaudit.report.render_report`, ...).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]

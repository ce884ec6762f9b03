"""A small fake Guatemala served from package files on 127.0.0.1, for `odaudit demo`.

Eight institutions publish through a CKAN API, a data.json catalogue and a ministry HTML
page, with the defects real portals have planted on purpose (see `data/EXPECTED.md`).
"""

from __future__ import annotations

from odaudit.demo.config import demo_institutions_yaml, write_demo_config
from odaudit.demo.server import DemoServer

__all__ = ["DemoServer", "demo_institutions_yaml", "write_demo_config"]

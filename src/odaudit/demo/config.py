"""The demo's institutions.yaml: the bundled template with the server's URL filled in."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from odaudit.demo.files import read_text

__all__ = ["demo_institutions_yaml", "write_demo_config"]


def _origin(base_url: str) -> str:
    base = base_url.strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme != "http" or not parts.hostname or parts.path or parts.query:
        raise ValueError(f"not a server origin: {base_url!r} (expected http://127.0.0.1:PORT)")
    return base


def demo_institutions_yaml(base_url: str) -> str:
    """The demo institutions.yaml text, every URL pointing at `base_url`."""
    return read_text("institutions.yaml").replace("{{base}}", _origin(base_url))


def write_demo_config(base_url: str, dest: Path) -> Path:
    """Write the demo institutions.yaml to `dest` (parents created); returns `dest`."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(demo_institutions_yaml(base_url), encoding="utf-8")
    return dest

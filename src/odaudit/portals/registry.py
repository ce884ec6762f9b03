"""Source type → adapter."""

from __future__ import annotations

from odaudit.portals.base import Adapter
from odaudit.portals.ckan import CkanAdapter
from odaudit.portals.dcat import DcatAdapter
from odaudit.portals.files import FilesAdapter
from odaudit.portals.opendatasoft import OpenDataSoftAdapter
from odaudit.portals.socrata import SocrataAdapter
from odaudit.portals.webpage import HtmlAdapter

__all__ = ["ADAPTER_TYPES", "get_adapter"]

_ADAPTERS: dict[str, Adapter] = {
    "ckan": CkanAdapter(),
    "dcat": DcatAdapter(),
    "socrata": SocrataAdapter(),
    "opendatasoft": OpenDataSoftAdapter(),
    "html": HtmlAdapter(),
    "files": FilesAdapter(),
}

ADAPTER_TYPES: tuple[str, ...] = tuple(_ADAPTERS)


def get_adapter(type: str) -> Adapter:
    """The adapter for a source type; `KeyError` for an unknown type (config validates types)."""
    try:
        return _ADAPTERS[type.strip().lower()]
    except KeyError:
        raise KeyError(f"unknown source type {type!r}; known: {', '.join(ADAPTER_TYPES)}") from None

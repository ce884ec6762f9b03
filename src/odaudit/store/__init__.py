"""SQLite evidence store: runs, datasets, probes, findings, coverage and scores."""

from odaudit.store.sqlite import STORED_SNIFF_BYTES, Store, StoreError
from odaudit.store.view import DatasetView, InstitutionView, RunManifest, RunView, SourceResult

__all__ = [
    "STORED_SNIFF_BYTES",
    "DatasetView",
    "InstitutionView",
    "RunManifest",
    "RunView",
    "SourceResult",
    "Store",
    "StoreError",
]

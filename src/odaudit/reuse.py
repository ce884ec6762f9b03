"""Reusing an unchanged dataset's findings on a rerun.

A dataset's findings are a function of its catalogue record, its resources' probes and table
reports, their history in the store, robots.txt, the rules and the code that runs them, and
the clock. `dataset_inputs` digests all of that except the clock and the previous run's
content hashes, which only the rules declared `reads_clock` read. When a rerun computes the
digest an earlier run stored for the same dataset, the findings of every other rule are
copied from that run and only the clock rules run again (`Store.reuse_dataset`).

The digest covers every source file of the odaudit package, so a changed rule, parser or
registry makes the next run compute everything again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import odaudit
from odaudit.models import Dataset, Institution, Probe
from odaudit.store.sqlite import STORED_SNIFF_BYTES

__all__ = ["REUSED_HEADER", "dataset_inputs", "engine_signature"]

#: Marks a probe taken from the store instead of the network (value: fresh | revalidated);
#: not an input of any rule, so it is left out of the digest.
REUSED_HEADER = "x-odaudit-cache"


@lru_cache(maxsize=1)
def _package_digest() -> str:
    """sha256 over every file of the installed odaudit package (code, registries, templates)."""
    root = Path(odaudit.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(root)).encode("utf-8", "backslashreplace"))
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def engine_signature(rules_signature: str, methodology_sha256: str) -> str:
    """What every digest of a run starts with: this odaudit, its rules as configured."""
    return hashlib.sha256(
        "\0".join(
            (odaudit.__version__, _package_digest(), methodology_sha256, rules_signature)
        ).encode()
    ).hexdigest()


def _probe_key(probe: Probe) -> tuple[object, ...]:
    """A probe as the store keeps it (the sniff cut to what is stored), minus the reuse
    marker: the first run's probe and the same probe reused later give the same key. The
    whole sniff is covered by the content hashes."""
    return (
        probe.url,
        probe.outcome.value,
        probe.final_url,
        probe.method,
        probe.status,
        sorted((k, v) for k, v in probe.headers.items() if k != REUSED_HEADER),
        probe.content_type,
        probe.content_length,
        probe.last_modified,
        probe.etag,
        hashlib.sha256(probe.sniff[:STORED_SNIFF_BYTES]).hexdigest(),
        list(probe.redirects),
        probe.error,
        probe.elapsed_ms,
        probe.fetched_at,
    )


def dataset_inputs(
    engine: str,
    institution: Institution,
    dataset: Dataset,
    probes: Mapping[str, Probe],
    *,
    tables: Mapping[str, str],
    failure_streaks: Mapping[str, int],
    license_probes: Mapping[str, Probe],
    content_hashes: Mapping[str, str],
    robots: Mapping[str, object],
) -> str:
    """The digest of one dataset's inputs to the checks (see the module docstring).

    `tables` are the stored JSON of its table reports, by URL."""
    parts = (
        engine,
        repr(institution),
        repr(dataset),
        repr(sorted((u, _probe_key(p)) for u, p in probes.items())),
        repr(sorted(tables.items())),
        repr(sorted(failure_streaks.items())),
        repr(sorted((u, _probe_key(p)) for u, p in license_probes.items())),
        repr(sorted(content_hashes.items())),
        repr(sorted((u, repr(v)) for u, v in robots.items())),
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8", "backslashreplace")).hexdigest()

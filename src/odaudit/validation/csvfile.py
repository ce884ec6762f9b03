"""Reading delimited text: dialect, the sample the plan is made from, and the whole-file pass.

The whole-file pass decodes 4 MB blocks in C, feeds the C csv reader line by line and
hands chunks of rows to the ``Scanner``. Files of 16 MB and more are cut at line breaks
outside quoted fields and scanned by several processes, then the partials are merged.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from odaudit.validation.scan import Partial, Scanner, ScanPlan

__all__ = ["PARALLEL_MIN_BYTES", "parse_sample", "scan_csv", "sniff_delimiter", "split_points"]

BLOCK = 1 << 20
CHUNK_ROWS = 20_000
PARALLEL_MIN_BYTES = 16 << 20
_DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(text: str) -> str:
    """The candidate whose per-line count is most often the same non-zero number."""
    lines = [ln for ln in text.splitlines()[:500] if ln.strip()]
    best, best_score = ",", 0
    for delim in _DELIMITERS:
        counts: dict[int, int] = {}
        for ln in lines:
            n = ln.count(delim)
            if n:
                counts[n] = counts.get(n, 0) + 1
        if not counts:
            continue
        mode_n, lines_at_mode = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        score = lines_at_mode * 1000 + mode_n
        if score > best_score:
            best, best_score = delim, score
    return best


#: Longest field a table may hold (the csv module's default). Set before every parse because the
#: limit is process-wide and other libraries (frictionless) raise it for everybody.
FIELD_LIMIT = 131072


def parse_sample(text: str, delimiter: str, max_rows: int = 2000) -> tuple[list[list[str]], str]:
    """The first records of the decoded sample, and the parser's complaint if it gave up."""
    csv.field_size_limit(FIELD_LIMIT)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines.pop()  # the sample cut a record short
    rows: list[list[str]] = []
    try:
        for row in csv.reader(lines, delimiter=delimiter):
            rows.append(row)
            if len(rows) >= max_rows:
                break
    except csv.Error as exc:
        return rows, f"CSV syntax error at record {len(rows) + 1}: {exc}"
    return rows, ""


class _Range(io.RawIOBase):
    """The bytes [start, end) of an open file, as a raw stream (one part of a split file)."""

    def __init__(self, f: io.RawIOBase, start: int, end: int) -> None:
        super().__init__()
        self._f = f
        f.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        n = self._f.readinto(memoryview(buffer)[: min(len(buffer), self._left)])
        self._left -= n or 0
        return n or 0


def _count_decode_errors(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _errors.count = getattr(_errors, "count", 0) + (exc.end - exc.start)
    return "\ufffd", exc.end


# Bytes the encoding cannot decode become U+FFFD and are counted, per thread.
_errors = threading.local()
codecs.register_error("odaudit.count", _count_decode_errors)


def _scan_range(
    path: str,
    start: int,
    end: int,
    encoding: str,
    delimiter: str,
    plan: ScanPlan,
    skip: int,
    last: bool,
    max_rows: int | None,
) -> Partial:
    scanner = Scanner(plan)
    _errors.count = 0
    with open(path, "rb", buffering=0) as raw:
        text = io.TextIOWrapper(
            io.BufferedReader(_Range(raw, start, end), BLOCK),
            encoding=encoding,
            errors="odaudit.count",
            newline="",
        )
        csv.field_size_limit(FIELD_LIMIT)
        reader = csv.reader(text, delimiter=delimiter)
        try:
            for _ in itertools.islice(reader, skip):
                pass
            fed = 0
            while True:
                size = CHUNK_ROWS if max_rows is None else min(CHUNK_ROWS, max_rows - fed)
                chunk = list(itertools.islice(reader, size)) if size > 0 else []
                if not chunk:
                    break
                fed += len(chunk)
                scanner.feed(chunk)
        except csv.Error as exc:
            scanner.result.error = (
                f"CSV syntax error near record {scanner.result.records + 1}: {exc}"
            )
        except UnicodeError as exc:  # a decoder that fails in ways "replace" cannot cover
            scanner.result.error = f"cannot decode as {encoding}: {exc}"
    scanner.result.decode_errors += _errors.count
    return scanner.finish(last=last)


def split_points(path: Path, size: int, parts: int) -> list[int] | None:
    """Byte offsets that start a new record, so that each part is a set of whole records.

    A line feed only ends a record when an even number of quote characters precedes
    it; the parity is counted from the start of the file. None when no safe cut exists.
    """
    cuts = [0]
    quotes = 0
    pos = 0
    with open(path, "rb") as f:
        for k in range(1, parts):
            target = size * k // parts
            while pos < target:
                block = f.read(min(BLOCK, target - pos))
                if not block:
                    return None
                quotes += block.count(b'"')
                pos += len(block)
            window = f.read(1 << 20)
            i = -1
            while True:
                i = window.find(b"\n", i + 1)
                if i < 0:
                    return None
                if (quotes + window.count(b'"', 0, i)) % 2 == 0:
                    break
            cut = pos + i + 1
            quotes += window.count(b'"', 0, i + 1)
            pos = cut
            f.seek(cut)
            cuts.append(cut)
    cuts.append(size)
    return cuts


def scan_csv(
    path: Path,
    *,
    encoding: str,
    delimiter: str,
    plan: ScanPlan,
    header_records: int,
    max_rows: int | None = None,
    workers: int | None = None,
) -> Partial:
    """Scan every record after the first ``header_records`` (titles and the header)."""
    size = path.stat().st_size
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if size >= PARALLEL_MIN_BYTES else 1
    single_byte_safe = codecs.lookup(encoding).name not in ("utf-16", "utf-32")
    cuts = None
    if workers > 1 and max_rows is None and single_byte_safe:
        cuts = split_points(path, size, workers)
    if not cuts:
        return _scan_range(
            str(path), 0, size, encoding, delimiter, plan, header_records, True, max_rows
        )
    try:
        return _scan_parallel(path, cuts, encoding, delimiter, plan, header_records)
    except (OSError, BrokenProcessPool) as exc:  # no processes here (sandbox, frozen app...)
        part = _scan_range(
            str(path), 0, size, encoding, delimiter, plan, header_records, True, max_rows
        )
        part.notes.append(
            f"parallel scan unavailable ({type(exc).__name__}); scanned in one process"
        )
        return part


def _scan_parallel(
    path: Path, cuts: list[int], encoding: str, delimiter: str, plan: ScanPlan, header_records: int
) -> Partial:
    tail_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    ranges = list(itertools.pairwise(cuts))
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(ranges) - 1, mp_context=ctx) as pool:
        futures = [
            pool.submit(
                _scan_range,
                str(path),
                a,
                b,
                tail_encoding,
                delimiter,
                plan,
                0,
                k == len(ranges) - 1,
                None,
            )
            for k, (a, b) in enumerate(ranges[1:], start=1)
        ]
        first = _scan_range(
            str(path), *ranges[0], encoding, delimiter, plan, header_records, False, None
        )
        for fut in futures:
            first.merge(fut.result())
    return first

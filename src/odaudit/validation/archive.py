"""Limits on a ZIP container (XLSX, ODS) checked before any reader inflates a byte of it.

`zipfile` and calamine believe the central directory: how many members there are, how
big each one is. A hostile workbook lies there, or tells the truth about a member that
inflates a thousandfold, and a 2 MB download becomes gigabytes in memory (calamine
aborts the whole process when an allocation fails). So the directory is bounded, every
member is inflated here once, in chunks, and must end exactly at its declared size,
and the declared sizes must stay under a total and a compression ratio.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

__all__ = [
    "MAX_DIRECTORY_BYTES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "zip_problem",
]

MAX_MEMBERS = 10_000  # a workbook has tens of parts; thousands only come from a generator
MAX_DIRECTORY_BYTES = 4 << 20  # central directory read before any member count is known
MAX_TOTAL_BYTES = 512 << 20  # every member's inflated size together
MAX_RATIO = 100  # inflated / compressed, for members above RATIO_FLOOR (real XML: 5-35)
RATIO_FLOOR = 1 << 20  # smaller members may compress better: they cannot hurt
_CHUNK = 1 << 20
_END = b"PK\x05\x06"
_LOCATOR64 = b"PK\x06\x07"
_END64 = b"PK\x06\x06"
_LOCAL = b"PK\x03\x04"


def _directory(path: Path) -> tuple[int, int] | None:
    """(entries, central directory bytes) as the end record says; None without one.

    Read the way `zipfile` reads it (a ZIP64 record sits right before its locator),
    so the bound applies to what `zipfile` would go on to parse.
    """
    size = path.stat().st_size
    with path.open("rb") as f:
        start = max(0, size - (22 + 65_535 + 20 + 56))
        f.seek(start)
        tail = f.read()
    end = tail.rfind(_END)
    if end < 0 or end + 22 > len(tail):
        return None
    entries, directory = struct.unpack_from("<HI", tail, end + 10)
    locator = end - 20
    if locator >= 56 and tail[locator : locator + 4] == _LOCATOR64:
        record = locator - 56
        if tail[record : record + 4] == _END64:
            entries, directory = struct.unpack_from("<QQ", tail, record + 32)
    return entries, directory


def _inflated_size(f: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> int:
    """How many bytes the member's data really inflates to, counting no further than `limit`."""
    fp = f.fp
    assert fp is not None
    fp.seek(info.header_offset)
    local = fp.read(30)
    if len(local) < 30 or local[:4] != _LOCAL:
        raise zipfile.BadZipFile(f"{info.filename!r}: no local header")
    name_len, extra_len = struct.unpack_from("<HH", local, 26)
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        return left
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    while left > 0 and not inflate.eof:
        data = fp.read(min(_CHUNK, left))
        if not data:
            break
        left -= len(data)
        while data and not inflate.eof:
            produced += len(inflate.decompress(data, _CHUNK))
            if produced > limit:
                return produced
            data = inflate.unconsumed_tail
    while not inflate.eof and produced <= limit:  # output held back by max_length
        out = inflate.decompress(b"", _CHUNK)
        if not out:
            break
        produced += len(out)
    return produced


def zip_problem(path: Path) -> str | None:
    """Why the archive at `path` must not be opened by a reader, or None when it may."""
    found = _directory(path)
    if found is None:
        return None  # not a readable ZIP at all: the readers say "damaged" themselves
    entries, directory = found
    if entries > MAX_MEMBERS or directory > MAX_DIRECTORY_BYTES:
        return f"ZIP archive with {entries} members refused (more than {MAX_MEMBERS})"
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                return f"ZIP archive with {len(infos)} members refused (more than {MAX_MEMBERS})"
            total = sum(i.file_size for i in infos)
            if total > MAX_TOTAL_BYTES:
                return (
                    f"ZIP archive declares {total} bytes once inflated; "
                    f"more than {MAX_TOTAL_BYTES} refused"
                )
            for info in infos:
                name = info.filename[:200]
                if info.flag_bits & 0x1:
                    return f"ZIP member {name!r} is encrypted"
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    return f"ZIP member {name!r} uses compression method {info.compress_type}"
                if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                    1, info.compress_size
                ):
                    return (
                        f"ZIP member {name!r} inflates {info.compress_size} bytes to "
                        f"{info.file_size} (ratio over {MAX_RATIO}): refused as a ZIP bomb"
                    )
                actual = _inflated_size(zf, info, info.file_size)
                if actual != info.file_size:
                    got = f"at least {actual}" if actual > info.file_size else str(actual)
                    return (
                        f"ZIP member {name!r} declares {info.file_size} bytes but inflates "
                        f"to {got}: refused"
                    )
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, struct.error) as exc:
        return f"damaged ZIP archive ({type(exc).__name__}: {str(exc)[:200]})"
    return None

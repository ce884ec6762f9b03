"""List the members of a ZIP archive from its first bytes, without extracting anything.

The central directory sits at the end of a ZIP, so a sniffed prefix holds it only when
the prefix is the whole file. Otherwise the local file headers at the start still name
the first members; the listing is then partial and says so. Hostile bytes give an
empty or partial listing, never an exception.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

__all__ = ["ZipListing", "list_zip_members"]

_LOCAL = b"PK\x03\x04"
_CENTRAL = b"PK\x01\x02"
_END = b"PK\x05\x06"
_MAX_MEMBERS = 10_000


@dataclass(frozen=True)
class ZipListing:
    names: list[str] = field(default_factory=list)
    complete: bool = False  # True: read from the central directory (every member listed)
    source: str = "none"  # central_directory | local_headers | none


def _name(raw: bytes, flags: int) -> str:
    encoding = "utf-8" if flags & 0x800 else "cp437"
    return raw.decode(encoding, errors="replace")


def _central(data: bytes) -> ZipListing | None:
    end = data.rfind(_END, max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return None
    total, size, offset = struct.unpack_from("<HII", data, end + 10)
    if offset + size > len(data):
        return None  # the directory lies beyond the prefix (or a ZIP64 archive)
    names: list[str] = []
    pos = offset
    while pos + 46 <= len(data) and data[pos : pos + 4] == _CENTRAL and len(names) < total:
        flags = struct.unpack_from("<H", data, pos + 8)[0]
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        names.append(_name(data[pos + 46 : pos + 46 + name_len], flags))
        pos += 46 + name_len + extra_len + comment_len
    if len(names) != total:
        return None
    return ZipListing(names, True, "central_directory")


def _local(data: bytes) -> ZipListing:
    names: list[str] = []
    pos = 0
    while pos + 30 <= len(data) and data[pos : pos + 4] == _LOCAL and len(names) < _MAX_MEMBERS:
        flags = struct.unpack_from("<H", data, pos + 6)[0]
        compressed = struct.unpack_from("<I", data, pos + 18)[0]
        name_len, extra_len = struct.unpack_from("<HH", data, pos + 26)
        if pos + 30 + name_len > len(data):
            break
        names.append(_name(data[pos + 30 : pos + 30 + name_len], flags))
        if flags & 0x08 or compressed == 0xFFFFFFFF:
            break  # sizes follow the data (or ZIP64): the next header cannot be found
        pos += 30 + name_len + extra_len + compressed
    return ZipListing(names, False, "local_headers" if names else "none")


def list_zip_members(data: bytes) -> ZipListing:
    """The member names the bytes reveal; `complete` only when the central directory is there."""
    if not data.startswith((_LOCAL, _END)):
        return ZipListing()
    try:
        return _central(data) or _local(data)
    except struct.error:
        return ZipListing()

"""Content-Encoding decoding that never inflates past a byte budget.

httpx's own decoders inflate a whole network chunk at once, so one 64 KiB chunk
of a gzip bomb can become tens of MiB before any cap is checked. Decoding here
uses zlib's `max_length`, so memory stays within one chunk of the cap.
"""

from __future__ import annotations

import zlib

__all__ = ["BodyDecoder", "DecodingError", "parse_encodings"]

_CHUNK = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


class DecodingError(Exception):
    """The body does not decode as its Content-Encoding says, or the encoding is refused."""


def parse_encodings(header: str) -> list[str]:
    """The codings applied, in order, ignoring identity."""
    return [c for c in (p.strip().lower() for p in header.split(",")) if c and c != "identity"]


class BodyDecoder:
    """Feeds raw wire bytes, yields decoded bytes; at most `limit` of them per call.

    A gzip body may be several members back to back (RFC 1952 2.2): each is decoded in
    turn, the budget counting them all. Bytes after the last member that do not start
    another are ignored, as browsers do. A deflate body is told from raw deflate (some
    servers send it without the zlib header) by its first two bytes, however the
    network splits them.
    """

    def __init__(self, content_encoding: str) -> None:
        codings = parse_encodings(content_encoding)
        if len(codings) > 1:
            raise DecodingError(f"stacked content encodings refused: {content_encoding}")
        coding = codings[0] if codings else ""
        # other codings were not asked for; the bytes are kept as served
        self._coding = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}.get(coding, "")
        self._inflate: zlib._Decompress | None = None  # None: waiting for a stream's first bytes
        self._held = b""  # fewer than two bytes of a stream's start
        self._started = False  # a first stream was opened (later ones are gzip members)
        self._ignoring = False  # trailing bytes after the last gzip member

    @property
    def identity(self) -> bool:
        return not self._coding

    def _start(self, data: bytes) -> bool:
        """Open the decompressor for a stream starting with `data`; False to wait for more."""
        if len(data) < 2:
            self._held = data
            return False
        if self._coding == "gzip":
            if data[:2] != _GZIP_MAGIC:
                if self._started:
                    self._ignoring = True
                    return False
                raise DecodingError("body does not decode: not a gzip stream")
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
        else:
            zlib_header = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
        self._started = True
        return True

    def feed(self, data: bytes, limit: int) -> tuple[bytes, bool]:
        """Decode `data`; returns (at most `limit` decoded bytes, whether more were pending)."""
        if not self._coding:
            return data[:limit], len(data) > limit
        out: list[bytes] = []
        size = 0
        pending = self._held + data
        self._held = b""
        try:
            while size <= limit and not self._ignoring:
                if self._inflate is None and not self._start(pending):
                    pending = b""
                    break
                assert self._inflate is not None
                # never 0: zlib reads max_length=0 as "no limit"
                chunk = self._inflate.decompress(pending, min(_CHUNK, limit - size + 1))
                pending = self._inflate.unconsumed_tail
                if not chunk:
                    if not (self._inflate.eof and self._coding == "gzip"):
                        break
                    pending = self._inflate.unused_data + pending
                    self._inflate = None  # the next member, if the bytes start one
                    if not pending:
                        break
                    continue
                out.append(chunk)
                size += len(chunk)
        except zlib.error as exc:
            raise DecodingError(f"body does not decode: {exc}") from exc
        body = b"".join(out)
        return body[:limit], size > limit or bool(pending and not self._ignoring)

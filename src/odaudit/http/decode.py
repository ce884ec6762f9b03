"""Content-Encoding decoding that never inflates past a byte budget.

httpx's own decoders inflate a whole network chunk at once, so one 64 KiB chunk
of a gzip bomb can become tens of MiB before any cap is checked. Decoding here
uses zlib's `max_length`, so memory stays within one chunk of the cap.
"""

from __future__ import annotations

import zlib

__all__ = ["BodyDecoder", "DecodingError", "parse_encodings"]

_CHUNK = 64 * 1024


class DecodingError(Exception):
    """The body does not decode as its Content-Encoding says, or the encoding is refused."""


def parse_encodings(header: str) -> list[str]:
    """The codings applied, in order, ignoring identity."""
    return [c for c in (p.strip().lower() for p in header.split(",")) if c and c != "identity"]


class BodyDecoder:
    """Feeds raw wire bytes, yields decoded bytes; at most `limit` of them per call."""

    def __init__(self, content_encoding: str) -> None:
        codings = parse_encodings(content_encoding)
        if len(codings) > 1:
            raise DecodingError(f"stacked content encodings refused: {content_encoding}")
        coding = codings[0] if codings else ""
        self._inflate: zlib._Decompress | None = None
        self._deflate_raw_retry = False
        if coding in ("gzip", "x-gzip"):
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif coding == "deflate":
            self._inflate = zlib.decompressobj()
            self._deflate_raw_retry = True  # some servers send raw deflate without the zlib header
        # other codings were not asked for; the bytes are kept as served

    @property
    def identity(self) -> bool:
        return self._inflate is None

    def feed(self, data: bytes, limit: int) -> tuple[bytes, bool]:
        """Decode `data`; returns (at most `limit` decoded bytes, whether more were pending)."""
        if self._inflate is None:
            return data[:limit], len(data) > limit
        out: list[bytes] = []
        size = 0
        pending = data
        try:
            while size <= limit:
                # never 0: zlib reads max_length=0 as "no limit"
                chunk = self._decompress(pending, min(_CHUNK, limit - size + 1))
                pending = self._inflate.unconsumed_tail
                if not chunk:
                    break
                out.append(chunk)
                size += len(chunk)
        except zlib.error as exc:
            raise DecodingError(f"body does not decode: {exc}") from exc
        body = b"".join(out)
        return body[:limit], size > limit or bool(pending)

    def _decompress(self, data: bytes, max_length: int) -> bytes:
        assert self._inflate is not None
        try:
            return self._inflate.decompress(data, max_length)
        except zlib.error:
            if not self._deflate_raw_retry:
                raise
            self._deflate_raw_retry = False
            self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            return self._inflate.decompress(data, max_length)
        finally:
            self._deflate_raw_retry = False

"""Reading a reply body within a deadline and a size bound, decompressing while it streams.

httpx bounds each network operation (connect, each read), not a whole request: a server that drips one byte a
second keeps every read short and the request alive for ever, and its decoders inflate a compressed chunk whole,
so a small gzip reply can allocate gigabytes before anyone looks at its size. Here the raw bytes are read chunk by
chunk and inflated with zlib's ``max_length`` (never more than the bound plus one byte is produced), and the deadline
is checked between chunks; a read blocked past the deadline is ended by shutting the socket down (sync, see
:mod:`.transport.watchdog`) or by cancellation (async, the caller's ``asyncio.timeout``).
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Final

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_BODY_BYTES",
    "BodyTooLarge",
    "DeadlinePassed",
    "Inflater",
    "UnsupportedEncoding",
    "aread_body",
    "read_body",
]

#: The decompressed size above which a reply is refused; tushare's biggest pages are a few megabytes.
DEFAULT_MAX_BODY_BYTES: Final = 128 * 1024 * 1024
#: Only the encodings :class:`Inflater` bounds are offered to the server.
ACCEPT_ENCODING: Final = "gzip, deflate"


class BodyTooLarge(Exception):
    """The decompressed body exceeds the bound."""


class DeadlinePassed(Exception):
    """The body did not arrive before the deadline."""


class UnsupportedEncoding(Exception):
    """A Content-Encoding this reader cannot bound (the server ignored Accept-Encoding), or data that is not what
    its Content-Encoding says."""


class Inflater:
    """Decompresses ``Content-Encoding`` gzip/deflate (or passes identity through) into a bounded buffer."""

    def __init__(self, content_encoding: str, max_bytes: int) -> None:
        encodings = [e.strip().lower() for e in content_encoding.split(",") if e.strip()]
        encodings = [e for e in encodings if e != "identity"]
        if len(encodings) > 1 or (encodings and encodings[0] not in ("gzip", "x-gzip", "deflate")):
            raise UnsupportedEncoding(content_encoding)
        self.encoding = encodings[0] if encodings else ""
        self.max_bytes = max_bytes
        self.buffer = bytearray()
        self._zlib: Any = None
        if self.encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._first = True

    def feed(self, data: bytes) -> None:
        if not data:
            return
        if not self.encoding:
            self._append(data)
            return
        if self.encoding == "deflate" and self._first:
            # "deflate" is zlib-wrapped by the standard and raw in practice: look at the first byte pair.
            wbits = zlib.MAX_WBITS if len(data) >= 2 and (data[0] * 256 + data[1]) % 31 == 0 else -zlib.MAX_WBITS
            self._zlib = zlib.decompressobj(wbits)
        self._first = False
        pending = data
        try:
            while pending:
                room = self.max_bytes - len(self.buffer) + 1
                self._append(self._zlib.decompress(pending, room))
                pending = self._zlib.unconsumed_tail
        except zlib.error as error:
            raise UnsupportedEncoding(f"{self.encoding} data that does not inflate ({error})") from None

    def finish(self) -> bytes:
        if self._zlib is not None:
            try:
                self._append(self._zlib.flush())
            except zlib.error as error:
                raise UnsupportedEncoding(f"{self.encoding} data that does not inflate ({error})") from None
        return bytes(self.buffer)

    def _append(self, chunk: bytes) -> None:
        if len(self.buffer) + len(chunk) > self.max_bytes:
            raise BodyTooLarge(self.max_bytes)
        self.buffer += chunk


def read_body(chunks: Iterator[bytes], inflater: Inflater, deadline: float, clock: Callable[[], float]) -> bytes:
    """All of ``chunks`` inflated, or :class:`DeadlinePassed` once ``clock()`` passes ``deadline``."""
    for chunk in chunks:
        inflater.feed(chunk)
        if clock() > deadline:
            raise DeadlinePassed
    if clock() > deadline:
        raise DeadlinePassed  # the end may be a socket shut down at the deadline, not the server's end
    return inflater.finish()


async def aread_body(
    chunks: AsyncIterator[bytes], inflater: Inflater, deadline: float, clock: Callable[[], float]
) -> bytes:
    """Async :func:`read_body` (the caller's ``asyncio.timeout`` ends a blocked read)."""
    async for chunk in chunks:
        inflater.feed(chunk)
        if clock() > deadline:
            raise DeadlinePassed
    return inflater.finish()

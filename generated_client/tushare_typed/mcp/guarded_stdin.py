"""The lines of stdin that the MCP SDK's stdio transport should read, checked by :mod:`.framing` first.

:class:`GuardedStdin` is what :mod:`.server` gives the SDK's ``stdio_server`` as its stdin: an async iterator of
text lines. It reads the raw bytes itself, at most ``max_bytes`` per message (the rest of a longer line is read
away in chunks, never held), passes on each line the SDK accepts, and answers every other through the callback set
by :meth:`GuardedStdin.answer_with` (the SDK's write stream, so answers and results never interleave mid-line).
Each refused message is logged on stderr.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import BinaryIO, Final, Self

import anyio
import anyio.to_thread

from .framing import ENVELOPE_SCAN_BYTES, Rejection, Validate, check_line, oversized

__all__ = ["DEFAULT_MAX_REQUEST_BYTES", "GuardedStdin"]

#: Bytes one message may hold unless --max-request-bytes says otherwise (a tool call needs a few hundred).
DEFAULT_MAX_REQUEST_BYTES: Final = 1024 * 1024
# Bytes read at a time from the part of a line past the limit.
_DISCARD_CHUNK: Final = 64 * 1024

_log = logging.getLogger(__name__.rpartition(".")[0])

Answer = Callable[[Rejection], Awaitable[None]]


class GuardedStdin:
    """The messages of `source`, one line each, that `validate` accepts; the others answered, then skipped."""

    def __init__(self, source: BinaryIO, validate: Validate, max_bytes: int = DEFAULT_MAX_REQUEST_BYTES) -> None:
        self._source = source
        self._validate = validate
        self._max_bytes = max_bytes
        self._answer: Answer | None = None
        self._ready = anyio.Event()

    def answer_with(self, answer: Answer) -> None:
        """Send rejections through `answer` (lines refused before it is set wait for it)."""
        self._answer = answer
        self._ready.set()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> str:
        while True:
            start, size = await anyio.to_thread.run_sync(self._read_line, abandon_on_cancel=True)
            if not start:
                raise StopAsyncIteration
            if size > self._max_bytes:
                rejections = [oversized(start, size, self._max_bytes)]
            else:
                verdict = check_line(start, self._validate)
                if isinstance(verdict, str):
                    return verdict
                rejections = verdict
            for rejection in rejections:
                await self._reject(rejection)

    def _read_line(self) -> tuple[bytes, int]:
        """The next line (empty at the end of input) and its size without the newline; a line over the limit is
        cut to its first bytes, enough to find its id."""
        line = self._source.readline(self._max_bytes + 1)
        size = len(line) - line.endswith(b"\n")
        if size <= self._max_bytes:
            return line, size
        ended = False
        while not ended and (chunk := self._source.readline(_DISCARD_CHUNK)):
            ended = chunk.endswith(b"\n")
            size += len(chunk) - ended
        return line[:ENVELOPE_SCAN_BYTES], size

    async def _reject(self, rejection: Rejection) -> None:
        outcome = "answered" if rejection.answer else "not answered (a notification or response)"
        _log.warning(
            "refused a message, %s: error %d, id %s: %s",
            outcome,
            rejection.code,
            "null" if rejection.id is None else str(rejection.id)[:40],
            rejection.message,
        )
        if rejection.answer:
            await self._ready.wait()
            if self._answer is not None:
                await self._answer(rejection)

"""A polling stream of snapshots that yields only what changed.

:func:`stream_quotes` (an iterator) and :func:`astream_quotes` (an async iterator) poll ``realtime.quote`` every
``interval`` seconds and yield each :class:`Quote` that differs from the last one seen for its code (the first poll
yields every code). Memory is one quote per code (codes are capped at :data:`~._codes.MAX_CODES`); nothing queues
between polls, so a consumer that stops reading only stops the polling. A poll that fails on every source is
retried at the next interval and raised after ``max_failures`` failures in a row. Closing the iterator (``break``,
``close()``, cancelling the task) ends it between polls or aborts the wait for one; the async one's poll in a worker
thread is left to finish on its own and its result dropped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator, Callable, Generator, Sequence
from typing import Final

from ..errors import ParameterError, TushareError
from ._codes import parse_codes
from ._core import AsyncRealtime, Realtime
from ._model import Quote, Quotes

__all__ = ["Changes", "astream_quotes", "stream_quotes"]

_log = logging.getLogger("tushare_typed.realtime")
MIN_INTERVAL: Final = 0.05
DEFAULT_MAX_FAILURES: Final = 3


class Changes:
    """What changed since the last poll: one quote per code is kept, the newest seen."""

    def __init__(self) -> None:
        self.last: dict[str, Quote] = {}
        self.source: str | None = None
        self.failures = 0

    def changed(self, quotes: Quotes) -> list[Quote]:
        if quotes.source != self.source:
            if self.source is not None:
                _log.warning("realtime quotes now served by %s (was %s)", quotes.source, self.source)
            self.source = quotes.source
        fresh = [quote for quote in quotes.rows if self.last.get(quote.ts_code) != quote]
        for quote in fresh:
            self.last[quote.ts_code] = quote
        return fresh

    def failed(self, error: TushareError, max_failures: int) -> None:
        self.failures += 1
        _log.warning("realtime poll failed (%d of %d): [%s] %s", self.failures, max_failures, error.code, error.message)
        if self.failures >= max_failures:
            raise error


def _checked(codes: str | Sequence[str], interval: float, max_failures: int) -> list[str]:
    if isinstance(interval, bool) or not isinstance(interval, int | float) or not interval >= MIN_INTERVAL:
        raise ParameterError(f"interval={interval!r}", remediation=f"Poll every {MIN_INTERVAL} seconds or more.")
    if isinstance(max_failures, bool) or not isinstance(max_failures, int) or max_failures < 1:
        raise ParameterError(f"max_failures={max_failures!r}", remediation="Pass a whole number of 1 or more.")
    return parse_codes(codes)


def stream_quotes(
    codes: str | Sequence[str],
    interval: float = 3.0,
    *,
    src: str = "sina",
    realtime: Realtime | None = None,
    max_failures: int = DEFAULT_MAX_FAILURES,
    sleep: Callable[[float], None] = time.sleep,
) -> Generator[Quote]:
    """Quotes of ``codes`` as they change, polled every ``interval`` seconds (blocking)."""
    asked = _checked(codes, interval, max_failures)
    own = realtime is None
    core = realtime if realtime is not None else Realtime()
    return _poll(core, asked, interval, src, max_failures, sleep, own)


def _poll(
    core: Realtime,
    asked: list[str],
    interval: float,
    src: str,
    max_failures: int,
    sleep: Callable[[float], None],
    own: bool,
) -> Generator[Quote]:
    changes = Changes()
    try:
        while True:
            started = time.monotonic()
            try:
                quotes = core.quote(asked, src)
            except TushareError as error:
                changes.failed(error, max_failures)
            else:
                changes.failures = 0
                yield from changes.changed(quotes)
            sleep(max(0.0, interval - (time.monotonic() - started)))
    finally:
        if own:
            core.close()


async def astream_quotes(
    codes: str | Sequence[str],
    interval: float = 3.0,
    *,
    src: str = "sina",
    realtime: AsyncRealtime | None = None,
    max_failures: int = DEFAULT_MAX_FAILURES,
) -> AsyncGenerator[Quote]:
    """Quotes of ``codes`` as they change, polled every ``interval`` seconds (``async for``)."""
    import asyncio

    asked = _checked(codes, interval, max_failures)
    client = realtime if realtime is not None else AsyncRealtime()
    changes = Changes()
    try:
        while True:
            started = time.monotonic()
            try:
                quotes = await client.quote(asked, src)
            except TushareError as error:
                changes.failed(error, max_failures)
            else:
                changes.failures = 0
                for quote in changes.changed(quotes):
                    yield quote
            await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))
    finally:
        if realtime is None:
            client.core.close()

""":class:`Realtime`: the realtime calls over every source, each with its own pace and circuit breaker, failing
over in order and saying which source served. :class:`AsyncRealtime` is the same core off the event loop.

``src`` names the source tried first (the SDK's argument); the others follow unless ``failover=False``. A source
that is down, slow, throttling, answering HTML or garbage is passed over and listed in ``failovers``; a bad argument
is the caller's to fix and is raised at once.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import AsyncGenerator, Callable, Generator, Sequence
from typing import Final, Protocol, TypeVar

from .._internal.limiter.policy import RateLimiter
from .._internal.transport.breaker import CircuitBreaker
from ..errors import CircuitOpenError, MalformedReplyError, ParameterError, RateLimitError, ServiceError, TushareError
from ..sources._errors import AllSourcesFailedError, failover_reason
from ..sources._fetch import Fetcher
from ._codes import parse_codes
from ._config import SOURCES, RealtimeSettings, SourceName
from ._model import Failover, ListRow, Quote, QuoteList, Quotes, Tick, Ticks

__all__ = ["AsyncRealtime", "Realtime"]

T = TypeVar("T")
QUOTE_SOURCES: Final[tuple[SourceName, ...]] = ("sina", "dc")
LIST_SOURCES: Final[tuple[SourceName, ...]] = ("dc", "sina")
TICK_SOURCES: Final[tuple[SourceName, ...]] = ("tx", "sina", "dc")
_PASS_OVER: Final = (ServiceError, RateLimitError, MalformedReplyError)
BREAKER_FAILURES: Final = 3
BREAKER_RESET: Final = 30.0
MAX_PAGES: Final = 200


class _Paged(Protocol):
    def board(self, max_pages: int) -> tuple[list[ListRow], list[str], int, bool]: ...


def _order(src: str, served: tuple[SourceName, ...], failover: bool, call: str) -> list[SourceName]:
    if src not in served and src != "auto":
        raise ParameterError(
            f"src={src!r} does not serve {call}", remediation=f"Use one of {', '.join(served)} (or auto)."
        )
    first = [s for s in served if s == src]
    return first + [s for s in served if s != src] if failover or src == "auto" else first


def _pages(max_pages: int) -> int:
    if isinstance(max_pages, bool) or not isinstance(max_pages, int) or not 1 <= max_pages <= MAX_PAGES:
        raise ParameterError(f"max_pages={max_pages!r}", remediation=f"Pass a whole number from 1 to {MAX_PAGES}.")
    return max_pages


class Realtime:
    """The realtime calls (blocking). Build one and reuse it: paces and breakers live in it; ``close()`` ends it."""

    def __init__(self, settings: RealtimeSettings | None = None, *, max_rate_limit_wait: float = 10.0) -> None:
        from ._eastmoney import EastmoneySource
        from ._sina import HEADERS, SinaSource
        from ._tencent import TencentSource

        self.settings = settings if settings is not None else RealtimeSettings.resolve()
        urls = self.settings.urls
        self.fetchers = {name: self._fetcher(name, max_rate_limit_wait) for name in SOURCES}
        self.fetchers["sina"].headers = HEADERS
        self.sina = SinaSource(urls["sina"], urls["sina_vip"], self.fetchers["sina"])
        self.dc = EastmoneySource(urls["dc"], self.fetchers["dc"])
        self.tx = TencentSource(urls["tx"], self.fetchers["tx"])
        self.breakers = {
            name: CircuitBreaker(failure_threshold=BREAKER_FAILURES, reset_timeout=BREAKER_RESET) for name in SOURCES
        }

    def _fetcher(self, name: SourceName, max_wait: float) -> Fetcher:
        limiter = RateLimiter(self.settings.quotas[name], key=f"realtime:{name}")
        return Fetcher(
            name, limiter, timeout=self.settings.timeout, retries=self.settings.retries, max_rate_limit_wait=max_wait
        )

    def quote(self, ts_code: str | Sequence[str], src: str = "sina", *, failover: bool = True) -> Quotes:
        """Snapshots of ``ts_code`` (``"000001.SZ,600000.SH"`` or a list), from ``src`` or the next that serves."""
        codes = parse_codes(ts_code)
        sources = {"sina": self.sina.quote, "dc": self.dc.quote}
        served, (rows, missing), failovers = self._first(
            _order(src, QUOTE_SOURCES, failover, "quotes"), lambda name: sources[name](codes)
        )
        return Quotes.of(rows, served, failovers, missing)

    def list(self, src: str = "dc", *, max_pages: int = MAX_PAGES, failover: bool = True) -> QuoteList:
        """The whole A-share board, largest gain first; ``max_pages`` bounds the pages read (then not completed)."""
        pages = _pages(max_pages)
        boards: dict[str, _Paged] = {"sina": self.sina, "dc": self.dc}
        served, (rows, fields, count, completed), failovers = self._first(
            _order(src, LIST_SOURCES, failover, "the board"), lambda name: boards[name].board(pages)
        )
        rows.sort(key=lambda row: (row.pct_change is None, -(row.pct_change or 0.0)))
        return QuoteList.of(rows, fields, served, failovers, pages=count, completed=completed)

    def tick(self, ts_code: str, src: str = "tx", *, max_pages: int = MAX_PAGES, failover: bool = True) -> Ticks:
        """The day's trades of one code, oldest first."""
        codes = parse_codes(ts_code)
        if len(codes) != 1:
            raise ParameterError(f"{len(codes)} codes; ticks take one", remediation="Call once per code.")
        pages = _pages(max_pages)
        sources: dict[str, Callable[[str, int], tuple[list[Tick], list[str], int, bool]]] = {
            "tx": self.tx.tick,
            "sina": self.sina.tick,
            "dc": self.dc.tick,
        }
        served, (rows, fields, count, completed), failovers = self._first(
            _order(src, TICK_SOURCES, failover, "ticks"), lambda name: sources[name](codes[0], pages)
        )
        return Ticks.of(codes[0], rows, fields, served, failovers, pages=count, completed=completed)

    def _first(
        self, names: Sequence[SourceName], call: Callable[[SourceName], T]
    ) -> tuple[str, T, builtins.list[Failover]]:
        failovers: builtins.list[Failover] = []
        attempts: builtins.list[tuple[str, TushareError]] = []
        for name in names:
            try:
                return name, self._one(name, call), failovers
            except _PASS_OVER as error:
                attempts.append((name, error))
                reason = "malformed" if isinstance(error, MalformedReplyError) else failover_reason(error)
                failovers.append(Failover(name, reason, error.code, error.message))
        raise AllSourcesFailedError("no realtime source could serve", attempts=attempts)

    def _one(self, name: SourceName, call: Callable[[SourceName], T]) -> T:
        breaker = self.breakers[name]
        try:
            breaker.before_attempt(name, "")
        except CircuitOpenError as error:
            raise CircuitOpenError(
                f"{name} failed {BREAKER_FAILURES} times in a row; skipped for {error.retry_after:.0f} s more",
                retry_after=error.retry_after,
                api_name=name,
            ) from None
        with breaker.track():
            return call(name)

    def stream_quotes(
        self, codes: str | Sequence[str], interval: float = 3.0, *, src: str = "sina", max_failures: int = 3
    ) -> Generator[Quote]:
        """:func:`~._stream.stream_quotes` over this core: quotes of ``codes`` as they change."""
        from ._stream import stream_quotes

        return stream_quotes(codes, interval, src=src, realtime=self, max_failures=max_failures)

    def calls(self) -> dict[str, int]:
        """HTTP requests sent so far, per source."""
        return {name: fetcher.calls for name, fetcher in self.fetchers.items()}

    def health(self) -> dict[str, str]:
        return {name: breaker.state for name, breaker in self.breakers.items()}

    def close(self) -> None:
        for fetcher in self.fetchers.values():
            fetcher.close()

    def __enter__(self) -> Realtime:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncRealtime:
    """:class:`Realtime` for asyncio: each call runs the same core in a worker thread (the event loop never blocks)."""

    def __init__(self, core: Realtime | None = None) -> None:
        self.core = core if core is not None else Realtime()

    async def quote(self, ts_code: str | Sequence[str], src: str = "sina", *, failover: bool = True) -> Quotes:
        return await asyncio.to_thread(self.core.quote, ts_code, src, failover=failover)

    async def list(self, src: str = "dc", *, max_pages: int = MAX_PAGES, failover: bool = True) -> QuoteList:
        return await asyncio.to_thread(self.core.list, src, max_pages=max_pages, failover=failover)

    async def tick(self, ts_code: str, src: str = "tx", *, max_pages: int = MAX_PAGES, failover: bool = True) -> Ticks:
        return await asyncio.to_thread(self.core.tick, ts_code, src, max_pages=max_pages, failover=failover)

    def stream_quotes(
        self, codes: str | Sequence[str], interval: float = 3.0, *, src: str = "sina", max_failures: int = 3
    ) -> AsyncGenerator[Quote]:
        """:func:`~._stream.astream_quotes` over this core (``async for``)."""
        from ._stream import astream_quotes

        return astream_quotes(codes, interval, src=src, realtime=self, max_failures=max_failures)

    async def aclose(self) -> None:
        await asyncio.to_thread(self.core.close)

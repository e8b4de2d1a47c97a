""":class:`Sources`: the four adapters built from one :class:`SourceSettings`, each with its own rate limiter and
circuit breaker, a router over them and (unless turned off) the local store. Build one and reuse it: quotas and
breakers live in it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import Any

from .._internal.limiter.policy import RateLimiter
from ..errors import ParameterError
from ._base import Source, Window
from ._compare import DEFAULT_TOLERANCE, Report, Tolerance, acompare, compare
from ._config import SourceSettings
from ._fetch import Fetcher
from ._model import ADJUSTS, Adjust, Bars
from ._router import Router, Served
from ._store import BarStore
from ._symbols import SOURCE_NAMES, SourceName, normalize
from ._tushare import TushareSource

__all__ = ["Sources", "parse_date", "window_of"]

_DEFAULT_DAYS = 365


def parse_date(value: str | dt.date | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip().replace("-", "")
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise ParameterError(
            f"{name}={value!r} is not a date", remediation="Write dates as YYYYMMDD or YYYY-MM-DD."
        ) from None


def window_of(start: str | dt.date | None, end: str | dt.date | None, *, max_days: int | None = None) -> Window:
    """The window from ``start`` to ``end`` (default: today, and a year before ``end``), at most ``max_days`` long."""
    last = parse_date(end, "end") or dt.date.today()
    first = parse_date(start, "start") or last - dt.timedelta(days=_DEFAULT_DAYS)
    window = Window(first, last)
    if max_days is not None and window.days() > max_days:
        raise ParameterError(
            f"{window.start:%Y%m%d}..{window.end:%Y%m%d} spans {window.days()} days; the limit is {max_days}",
            remediation="Ask for a shorter span (several requests for a long history).",
        )
    return window


class Sources:
    """The sources, configured by ``settings`` (default: :meth:`SourceSettings.resolve` from the environment).

    ``store``: True for the default store file, a path, or False to fetch every time. ``max_rate_limit_wait``:
    how long a call may wait for its source's quota before that counts as exhausted (then ``auto`` fails over).
    """

    def __init__(
        self,
        settings: SourceSettings | None = None,
        *,
        store: bool | str | os.PathLike[str] = True,
        max_rate_limit_wait: float = 30.0,
    ) -> None:
        from ._alphavantage import AlphaVantageSource
        from ._eastmoney import EastmoneySource
        from ._yahoo import YahooSource

        self.settings = settings if settings is not None else SourceSettings.resolve()
        urls = self.settings.urls
        self._fetchers = {
            name: self._fetcher(name, max_rate_limit_wait) for name in ("akshare", "yahoo", "alphavantage")
        }
        adapters: dict[str, Source] = {
            "tushare": TushareSource(
                urls["tushare"], self.settings.tushare_token, self.settings.timeout, self.settings.retries
            ),
            "akshare": EastmoneySource(urls["akshare"], self._fetchers["akshare"]),
            "yahoo": YahooSource(urls["yahoo"], self._fetchers["yahoo"]),
            "alphavantage": AlphaVantageSource(
                urls["alphavantage"], self._fetchers["alphavantage"], self.settings.alphavantage_key
            ),
        }
        self.router = Router(adapters)
        self._store_setting = store
        self._store: BarStore | None = None

    def _fetcher(self, name: SourceName, max_wait: float) -> Fetcher:
        limits = self.settings.quotas.get(name, ())
        first, *caps = limits if limits else (None,)
        limiter = RateLimiter(first, caps=caps, key=f"sources:{name}")
        return Fetcher(
            name,
            limiter,
            timeout=self.settings.timeout,
            retries=self.settings.retries,
            max_rate_limit_wait=max_wait,
        )

    @property
    def store(self) -> BarStore | None:
        if self._store is None and self._store_setting is not False:
            path = None if self._store_setting is True else self._store_setting
            self._store = BarStore(path)
        return self._store

    def get_bars(
        self,
        symbol: str,
        *,
        source: str = "auto",
        start: str | dt.date | None = None,
        end: str | dt.date | None = None,
        adjust: str = "none",
    ) -> Bars:
        """The daily bars of ``symbol`` (tushare form) from ``source`` (a name or ``auto``), oldest first."""
        code, checked, window = _request(symbol, adjust, start, end)
        stored = self._stored(source, code, window, checked)
        if stored is not None:
            return stored
        return self._kept(code, window, checked, self.router.fetch(code, source, window, checked))

    async def aget_bars(
        self,
        symbol: str,
        *,
        source: str = "auto",
        start: str | dt.date | None = None,
        end: str | dt.date | None = None,
        adjust: str = "none",
    ) -> Bars:
        """Async :meth:`get_bars` (the local store is read and written off the event loop)."""
        import asyncio

        code, checked, window = _request(symbol, adjust, start, end)
        local = self._store_setting is not False
        stored = await asyncio.to_thread(self._stored, source, code, window, checked) if local else None
        if stored is not None:
            return stored
        served = await self.router.afetch(code, source, window, checked)
        return (
            await asyncio.to_thread(self._kept, code, window, checked, served)
            if local
            else self._kept(code, window, checked, served)
        )

    def _stored(self, source: str, code: str, window: Window, adjust: Adjust) -> Bars | None:
        """The bars the store holds whole for the window, from ``source`` or the first ``auto`` candidate."""
        store = self.store
        if store is None:
            return None
        for name in [source] if source != "auto" else self.router.candidates(code):
            stored = store.load(name, code, window, adjust)
            if stored is not None:
                return Bars.of(code, name, adjust, stored, failovers=[], local=True)
        return None

    def _kept(self, code: str, window: Window, adjust: Adjust, served: Served) -> Bars:
        """``served`` as :class:`Bars`, saved in the store."""
        name, bars, failovers = served
        store = self.store
        if store is not None:
            store.save(name, code, window, adjust, bars)
        return Bars.of(code, name, adjust, bars, failovers=failovers, local=False)

    def compare(
        self,
        symbols: Sequence[str],
        sources: Sequence[str],
        start: str | None = None,
        end: str | None = None,
        *,
        adjust: str = "none",
        tolerance: Tolerance = DEFAULT_TOLERANCE,
    ) -> Report:
        """:func:`._compare.compare` over this hub."""
        return compare(self, symbols, sources, start, end, adjust=adjust, tolerance=tolerance)

    async def acompare(
        self,
        symbols: Sequence[str],
        sources: Sequence[str],
        start: str | None = None,
        end: str | None = None,
        *,
        adjust: str = "none",
        tolerance: Tolerance = DEFAULT_TOLERANCE,
    ) -> Report:
        """:func:`._compare.acompare` over this hub."""
        return await acompare(self, symbols, sources, start, end, adjust=adjust, tolerance=tolerance)

    def calls(self) -> dict[str, int]:
        """HTTP requests sent so far, per source."""
        return {name: adapter.calls() for name, adapter in self.router.sources.items()}

    def status(self) -> list[dict[str, Any]]:
        """Each source's endpoint, markets, adjustments, quota, whether it is configured and its breaker state."""
        health = self.router.health()
        rows = []
        for name in SOURCE_NAMES:
            adapter = self.router.sources[name]
            quota = self.settings.quotas.get(name, ())
            rows.append(
                {
                    "source": name,
                    "url": self.settings.urls[name],
                    "markets": ",".join(sorted(adapter.markets)),
                    "adjust": ",".join(a for a in ADJUSTS if a in adapter.adjusts),
                    "quota": ", ".join(f"{q.calls}/{q.period:g}s" for q in quota) or "the client's own",
                    "configured": adapter.configured() or "yes",
                    "breaker": health[name],
                    "calls": adapter.calls(),
                }
            )
        return rows

    def close(self) -> None:
        for fetcher in self._fetchers.values():
            fetcher.close()
        if self._store is not None:
            self._store.close()
            self._store = None

    async def aclose(self) -> None:
        """Close the running event loop's async connections (and, as :meth:`close`, the rest)."""
        tushare = self.router.sources["tushare"]
        for fetcher in self._fetchers.values():
            await fetcher.aclose()
        if isinstance(tushare, TushareSource):
            await tushare.aclose()
        self.close()

    async def __aenter__(self) -> Sources:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __enter__(self) -> Sources:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _request(
    symbol: str, adjust: str, start: str | dt.date | None, end: str | dt.date | None
) -> tuple[str, Adjust, Window]:
    """The symbol, adjustment and window of a request, checked."""
    return normalize(symbol), _adjust(adjust), window_of(start, end)


def _adjust(value: str) -> Adjust:
    for known in ADJUSTS:
        if value == known:
            return known
    raise ParameterError(f"adjust={value!r} is not one of {', '.join(ADJUSTS)}", remediation="Use none, qfq or hfq.")

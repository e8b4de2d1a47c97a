"""``tushare_typed.sources``: daily bars from several providers in one standard form, with failover and
consistency checks.

    from tushare_typed.sources import get_bars, compare
    bars = get_bars("600000.SH", source="auto", start="20240101", end="20241231", adjust="qfq")
    bars.source, bars.failovers, bars.to_pandas()
    bars = await aget_bars("600000.SH")  # the async twin; also acompare, Sources.aget_bars / acompare / aclose
    report = compare(["000001.SZ", "600000.SH"], ["tushare", "akshare", "yahoo"], "20240101", "20241231")
    report.agree, report.findings

Sources: ``tushare`` (the typed client), ``akshare`` (the Eastmoney kline akshare reads), ``yahoo`` (the chart API
yfinance reads), ``alphavantage`` (TIME_SERIES_DAILY, key in ``ALPHAVANTAGE_API_KEY``). Endpoints come from
arguments, then ``TUSHARE_API_URL``, ``TUSHARE_TYPED_EASTMONEY_URL``, ``TUSHARE_TYPED_YAHOO_URL``,
``TUSHARE_TYPED_ALPHAVANTAGE_URL``. Bars are kept in the local store (``store=False`` turns that off).
:func:`bars_payload` and :func:`compare_payload` give the JSON a REST route or an MCP tool returns, in one call.
Nothing here is imported by ``import tushare_typed``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from ._compare import DEFAULT_TOLERANCE, Finding, Report, Tolerance, compare_bars
from ._config import SourceSettings
from ._errors import (
    AdjustmentNotSupportedError,
    AllSourcesFailedError,
    EmptySeriesError,
    MissingApiKeyError,
    NotCoveredError,
    UnknownSymbolError,
)
from ._hub import Sources
from ._model import Bar, Bars, Failover
from ._symbols import SOURCE_NAMES, from_source, market_of, to_source

__all__ = [
    "SOURCE_NAMES",
    "AdjustmentNotSupportedError",
    "AllSourcesFailedError",
    "Bar",
    "Bars",
    "EmptySeriesError",
    "Failover",
    "Finding",
    "MissingApiKeyError",
    "NotCoveredError",
    "Report",
    "SourceSettings",
    "Sources",
    "Tolerance",
    "UnknownSymbolError",
    "abars_payload",
    "acompare",
    "aget_bars",
    "bars_payload",
    "compare",
    "compare_bars",
    "compare_payload",
    "default_sources",
    "from_source",
    "get_bars",
    "market_of",
    "series_payload",
    "to_source",
]

_lock = threading.Lock()
_default: Sources | None = None


def default_sources() -> Sources:
    """The process-wide :class:`Sources` from the environment (built on first use; its quotas are shared)."""
    global _default
    with _lock:
        if _default is None:
            _default = Sources()
        return _default


def get_bars(
    symbol: str,
    *,
    source: str = "auto",
    start: str | None = None,
    end: str | None = None,
    adjust: str = "none",
    sources: Sources | None = None,
) -> Bars:
    """Daily bars of ``symbol`` (tushare form) from ``source`` or the first that can serve (``auto``)."""
    hub = sources if sources is not None else default_sources()
    return hub.get_bars(symbol, source=source, start=start, end=end, adjust=adjust)


async def aget_bars(
    symbol: str,
    *,
    source: str = "auto",
    start: str | None = None,
    end: str | None = None,
    adjust: str = "none",
    sources: Sources | None = None,
) -> Bars:
    """Async :func:`get_bars`."""
    hub = sources if sources is not None else default_sources()
    return await hub.aget_bars(symbol, source=source, start=start, end=end, adjust=adjust)


def compare(
    symbols: Sequence[str],
    sources: Sequence[str],
    start: str | None = None,
    end: str | None = None,
    *,
    adjust: str = "none",
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    hub: Sources | None = None,
) -> Report:
    """Compare ``symbols`` between every pair of ``sources``; :attr:`Report.agree` when nothing differs."""
    return (hub or default_sources()).compare(symbols, sources, start, end, adjust=adjust, tolerance=tolerance)


async def acompare(
    symbols: Sequence[str],
    sources: Sequence[str],
    start: str | None = None,
    end: str | None = None,
    *,
    adjust: str = "none",
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    hub: Sources | None = None,
) -> Report:
    """Async :func:`compare` (asyncio tasks, at most a few at once per source, each source within its quota)."""
    run = (hub or default_sources()).acompare
    return await run(symbols, sources, start, end, adjust=adjust, tolerance=tolerance)


def bars_payload(
    symbols: Sequence[str], source: str = "auto", start: str | None = None, end: str | None = None, adjust: str = "none"
) -> dict[str, Any]:
    """JSON-ready bars of each symbol with where they came from (what a REST route or MCP tool returns)."""
    return series_payload([get_bars(s, source=source, start=start, end=end, adjust=adjust) for s in symbols])


async def abars_payload(
    symbols: Sequence[str],
    source: str = "auto",
    start: str | None = None,
    end: str | None = None,
    adjust: str = "none",
    *,
    hub: Sources | None = None,
) -> dict[str, Any]:
    """Async :func:`bars_payload` (the symbols fetched concurrently)."""
    import asyncio

    fetch = (hub or default_sources()).aget_bars
    results = await asyncio.gather(*(fetch(s, source=source, start=start, end=end, adjust=adjust) for s in symbols))
    return series_payload(results)


def series_payload(results: Sequence[Bars]) -> dict[str, Any]:
    return {"series": [{**bars.describe(), "bars": bars.to_dicts()} for bars in results]}


def compare_payload(
    symbols: Sequence[str], sources: Sequence[str], start: str | None = None, end: str | None = None
) -> dict[str, Any]:
    """JSON-ready :func:`compare` report."""
    return compare(symbols, sources, start, end).to_dict()

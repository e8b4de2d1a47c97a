"""The SDK's ``ts.realtime_quote``, ``ts.realtime_list`` and ``ts.realtime_tick``: DataFrames with the SDK's
upper-case columns, over the typed calls (so with failover, strict decoding, deadlines and a polite pace).

Differences from the SDK: units are the same whatever the source (volumes in shares, see :mod:`._model`); Eastmoney
quotes every code asked (the SDK only the first); a code the source does not know is left out and logged, as the SDK
leaves it out silently; ``interval`` and ``proxies`` of ``realtime_list`` are not taken (each source has its own
pace; proxies go in the environment, ``HTTPS_PROXY``); ``page_count`` bounds the pages as in the SDK.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from ._core import MAX_PAGES, Realtime

if TYPE_CHECKING:
    import pandas

__all__ = ["default_realtime", "realtime_list", "realtime_quote", "realtime_tick"]

_lock = threading.Lock()
_default: Realtime | None = None
_log = logging.getLogger("tushare_typed.realtime")


def default_realtime() -> Realtime:
    """The process-wide :class:`Realtime` from the environment (built on first use; its paces are shared)."""
    global _default
    with _lock:
        if _default is None:
            _default = Realtime()
        return _default


def realtime_quote(ts_code: str = "688553.SH", src: str = "sina") -> pandas.DataFrame:
    """The SDK's ``realtime_quote``: one row per code, NAME, TS_CODE, DATE, TIME, OPEN … A5_P."""
    quotes = default_realtime().quote(ts_code, src)
    if quotes.missing:
        _log.warning("%s does not know %s", quotes.source, ", ".join(quotes.missing))
    return quotes.to_pandas()


def realtime_list(src: str = "dc", page_count: int | None = None) -> pandas.DataFrame:
    """The SDK's ``realtime_list``: the whole board, largest gain first (Eastmoney's or Sina's columns)."""
    return default_realtime().list(src, max_pages=page_count or MAX_PAGES).to_pandas()


def realtime_tick(ts_code: str = "000001.SZ", src: str = "tx", page_count: int | None = None) -> pandas.DataFrame:
    """The SDK's ``realtime_tick``: the day's trades (Tencent's, Sina's or Eastmoney's columns)."""
    return default_realtime().tick(ts_code, src, max_pages=page_count or MAX_PAGES).to_pandas()

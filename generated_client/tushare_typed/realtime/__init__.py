"""``tushare_typed.realtime``: the SDK's realtime quotes, board and trades as typed calls over Sina, Eastmoney and
Tencent, with failover, and a polling stream of what changed.

    from tushare_typed import TushareClient
    client = TushareClient()
    quotes = client.realtime.quote("000001.SZ,600000.SH")      # Quotes: typed rows, .source, .failovers
    board = client.realtime.list(src="dc", max_pages=2)        # QuoteList, largest gain first
    trades = client.realtime.tick("000001.SZ", src="tx")       # Ticks
    for quote in client.realtime.stream_quotes(["000001.SZ"], interval=3):  # only what changed
        ...
    # async: await aclient.realtime.quote(...); async for quote in aclient.realtime.stream_quotes(...)
    # the SDK's way: ts.realtime_quote(ts_code="000001.SZ", src="sina") → DataFrame

Endpoints: arguments (``RealtimeSettings.resolve(urls=...)``), then ``TUSHARE_TYPED_SINA_URL``,
``TUSHARE_TYPED_EASTMONEY_PUSH_URL``, ``TUSHARE_TYPED_TENCENT_URL`` (see :mod:`._config`). Nothing here is imported
by ``import tushare_typed``.
"""

from __future__ import annotations

from ._compat import default_realtime, realtime_list, realtime_quote, realtime_tick
from ._config import DEFAULT_URLS, URL_VARIABLES, RealtimeSettings
from ._core import AsyncRealtime, Realtime
from ._model import Failover, ListRow, Quote, QuoteList, Quotes, Tick, Ticks
from ._stream import astream_quotes, stream_quotes

__all__ = [
    "DEFAULT_URLS",
    "URL_VARIABLES",
    "AsyncRealtime",
    "Failover",
    "ListRow",
    "Quote",
    "QuoteList",
    "Quotes",
    "Realtime",
    "RealtimeSettings",
    "Tick",
    "Ticks",
    "astream_quotes",
    "default_realtime",
    "realtime_list",
    "realtime_quote",
    "realtime_tick",
    "stream_quotes",
]

"""``tushare_typed.push``: tushare's push feed (``wss://ws.tushare.pro/listening``) as typed streams.

    from tushare_typed import TushareClient

    with TushareClient().stream("HQ_STK_TICK", ["000001.SZ", "*.SH"]) as ticks:
        for tick in ticks:                      # TsTick records, typed from the SDK's own models
            print(tick.ts_code, tick.trade_time, tick.last_price)

``async for`` on ``AsyncTushareClient().stream(...)`` does the same; ``tushare-typed stream`` is the command line.
Needs the ``realtime`` extra (``websockets``); ``to_store=`` needs ``store`` too. Names load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._internal.lazy import lazy_exports

if TYPE_CHECKING:
    from ._options import URL_VARIABLE, OnSlow
    from ._protocol import MAX_CODES, StreamStats
    from ._records import (
        DEFAULT_URL,
        TOPICS,
        PushRecord,
        Topic,
        TsMin,
        TsTick,
        TsTickFuture,
        TsTickIdx,
        TsTickOpt,
    )
    from ._store import PushStore
    from ._stream import AsyncRecordStream
    from ._sync import RecordStream

_EXPORTS = {
    "URL_VARIABLE": "_options",
    "OnSlow": "_options",
    "MAX_CODES": "_protocol",
    "StreamStats": "_protocol",
    "DEFAULT_URL": "_records",
    "TOPICS": "_records",
    "PushRecord": "_records",
    "Topic": "_records",
    "TsMin": "_records",
    "TsTick": "_records",
    "TsTickFuture": "_records",
    "TsTickIdx": "_records",
    "TsTickOpt": "_records",
    "PushStore": "_store",
    "AsyncRecordStream": "_stream",
    "RecordStream": "_sync",
}
__all__ = [
    "DEFAULT_URL",
    "MAX_CODES",
    "TOPICS",
    "URL_VARIABLE",
    "AsyncRecordStream",
    "OnSlow",
    "PushRecord",
    "PushStore",
    "RecordStream",
    "StreamStats",
    "Topic",
    "TsMin",
    "TsTick",
    "TsTickFuture",
    "TsTickIdx",
    "TsTickOpt",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

"""``yahoo``: the chart API that yfinance's ``history`` reads (A-shares on Shanghai and Shenzhen, Hong Kong, US).

``GET {url}/v8/finance/chart/{symbol}?period1=EPOCH&period2=EPOCH&interval=1d&events=div,splits`` →
``{"chart": {"result": [{"meta": {"currency", "gmtoffset", …}, "timestamp": […], "indicators": {"quote": [{open,
high, low, close, volume}], "adjclose": [{adjclose}]}}], "error": null}}``; errors as ``{"chart": {"result": null,
"error": {"code", "description"}}}``. Timestamps are the session's start; its date is read in the exchange's offset.
Volume is in shares; there is no amount. qfq scales each bar by adjclose / close (anchored at the latest bar, as
yfinance's ``auto_adjust`` does); Yahoo has no backward adjustment.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any, Final

from ..errors import MalformedReplyError, ServiceError
from ._base import HttpSource, Window, chain_pre_close, check_adjust, number, require_bars
from ._errors import UnknownSymbolError
from ._fetch import Reply, decode_json
from ._model import Adjust, Bar
from ._symbols import Market, SourceName, to_source

__all__ = ["YAHOO_PATH", "YahooSource"]

YAHOO_PATH: Final = "/v8/finance/chart/"
_QUOTE: Final = ("open", "high", "low", "close", "volume")


def _epoch(day: dt.date) -> int:
    return calendar.timegm(day.timetuple())


class YahooSource(HttpSource):
    name: SourceName = "yahoo"
    markets: frozenset[Market] = frozenset({"cn", "hk", "us"})
    adjusts: frozenset[Adjust] = frozenset({"none", "qfq"})

    def request(self, symbol: str, window: Window, adjust: Adjust) -> tuple[str, dict[str, str]]:
        check_adjust(self, adjust)
        # A week before the window (the session before its first gives that bar's pre_close); a day after it (the
        # exchange's offset moves a session's start across UTC midnight).
        params = {
            "period1": str(_epoch(window.start - dt.timedelta(days=7))),
            "period2": str(_epoch(window.end + dt.timedelta(days=2))),
            "interval": "1d",
            "events": "div,splits",
        }
        return self.url + YAHOO_PATH + to_source("yahoo", symbol), params

    def decode(self, symbol: str, window: Window, adjust: Adjust, reply: Reply) -> list[Bar]:
        payload = decode_json(self.name, reply)
        result = self._result(symbol, payload)
        meta = result.get("meta")
        meta = meta if isinstance(meta, dict) else {}
        offset = dt.timedelta(seconds=number(meta.get("gmtoffset", 0), "gmtoffset", self.name))
        columns = self._columns(result)
        rows: list[dict[str, Any]] = []
        for i, stamp in enumerate(columns["timestamp"]):
            values = {name: columns[name][i] for name in (*_QUOTE, "adjclose")}
            if all(values[name] is None for name in _QUOTE):
                continue  # Yahoo's placeholder for a session without trades
            when = dt.datetime.fromtimestamp(number(stamp, "timestamp", self.name), dt.UTC) + offset
            row = {name: number(values[name], name, self.name) for name in _QUOTE}
            if adjust == "qfq":
                scale = number(values["adjclose"], "adjclose", self.name) / row["close"]
                row.update({name: row[name] * scale for name in ("open", "high", "low", "close")})
            rows.append({**row, "date": when.date()})
        bars = chain_pre_close(rows, lambda row, pre: _bar(symbol, row, pre, adjust))
        return require_bars(self.name, symbol, window, [bar for bar in bars if window.holds(bar.date)])

    def _result(self, symbol: str, payload: Any) -> dict[str, Any]:
        chart = payload.get("chart") if isinstance(payload, dict) else None
        if not isinstance(chart, dict):
            raise MalformedReplyError("Yahoo sent JSON without a chart object", api_name=self.name)
        error = chart.get("error")
        if error:
            code = error.get("code") if isinstance(error, dict) else error
            text = error.get("description") if isinstance(error, dict) else ""
            if code == "Not Found":
                raise UnknownSymbolError(f"Yahoo does not know {symbol}: {text}", api_name=self.name)
            raise ServiceError(f"Yahoo answered the error {code!r}: {text}", api_name=self.name)
        results = chart.get("result")
        if not isinstance(results, list) or len(results) != 1 or not isinstance(results[0], dict):
            raise MalformedReplyError("Yahoo's chart.result is not a list of one result", api_name=self.name)
        return results[0]

    def _columns(self, result: dict[str, Any]) -> dict[str, list[Any]]:
        stamps = result.get("timestamp") or []
        indicators = result.get("indicators") or {}
        try:
            quote = indicators["quote"][0] if stamps else {}
            adjclose = (indicators.get("adjclose") or [{}])[0].get("adjclose") or [None] * len(stamps)
            columns = {name: list(quote.get(name) or []) for name in _QUOTE}
        except (KeyError, IndexError, TypeError, AttributeError):
            raise MalformedReplyError("Yahoo's indicators are not quote/adjclose lists", api_name=self.name) from None
        columns.update(timestamp=list(stamps), adjclose=list(adjclose))
        if any(len(values) != len(stamps) for values in columns.values()):
            raise MalformedReplyError("Yahoo's quote lists differ in length from its timestamps", api_name=self.name)
        return columns


def _bar(symbol: str, row: dict[str, Any], pre_close: float | None, adjust: Adjust) -> Bar:
    return Bar(
        symbol=symbol,
        date=f"{row['date']:%Y%m%d}",
        open=row["open"],
        high=row["high"],
        low=row["low"],
        close=row["close"],
        pre_close=pre_close,
        volume=row["volume"],
        amount=None,
        adjust=adjust,
        source="yahoo",
    )

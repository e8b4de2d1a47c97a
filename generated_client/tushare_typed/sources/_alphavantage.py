"""``alphavantage``: TIME_SERIES_DAILY (A-shares on Shanghai and Shenzhen, US), with the key from
``ALPHAVANTAGE_API_KEY``.

``GET {url}/query?function=TIME_SERIES_DAILY&symbol=600000.SHH&outputsize=compact|full&apikey=KEY`` →
``{"Meta Data": {…}, "Time Series (Daily)": {"YYYY-MM-DD": {"1. open": "…", "2. high", "3. low", "4. close",
"5. volume"}}}`` with values as strings, volume in shares, no amount. Errors and quota notices come as HTTP 200:
``{"Error Message": …}`` (an unknown symbol or a wrong call), ``{"Note": …}`` or ``{"Information": …}`` (the call
rate or the daily quota; a bad key). TIME_SERIES_DAILY is unadjusted (the adjusted series is a premium endpoint).
``compact`` holds the last 100 sessions; older windows ask for ``full``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from .._internal.secret import Secret
from ..errors import AuthError, MalformedReplyError, RateLimitError
from ._base import HttpSource, Window, chain_pre_close, check_adjust, number, parse_day, require_bars
from ._config import KEY_VARIABLE
from ._errors import MissingApiKeyError, UnknownSymbolError
from ._fetch import Fetcher, Reply, decode_json
from ._model import Adjust, Bar
from ._symbols import Market, SourceName, to_source

__all__ = ["ALPHAVANTAGE_PATH", "AlphaVantageSource"]

ALPHAVANTAGE_PATH: Final = "/query"
_SERIES: Final = "Time Series (Daily)"
_FIELDS: Final = (("open", "1. open"), ("high", "2. high"), ("low", "3. low"), ("close", "4. close"))
# compact covers about 140 calendar days back from today.
_COMPACT_DAYS: Final = 140


class AlphaVantageSource(HttpSource):
    name: SourceName = "alphavantage"
    markets: frozenset[Market] = frozenset({"cn", "us"})
    adjusts: frozenset[Adjust] = frozenset({"none"})

    def __init__(self, url: str, fetcher: Fetcher, key: Secret | None) -> None:
        super().__init__(url, fetcher)
        self._key = key

    def configured(self) -> str | None:
        return None if self._key is not None else f"no API key ({KEY_VARIABLE})"

    def request(self, symbol: str, window: Window, adjust: Adjust) -> tuple[str, dict[str, str]]:
        check_adjust(self, adjust)
        av_symbol = to_source("alphavantage", symbol)
        if self._key is None:
            raise MissingApiKeyError(f"alphavantage needs an API key and {KEY_VARIABLE} is not set", api_name=self.name)
        compact = (dt.date.today() - window.start).days <= _COMPACT_DAYS
        params = {
            "function": "TIME_SERIES_DAILY",
            "symbol": av_symbol,
            "outputsize": "compact" if compact else "full",
            "apikey": self._key.reveal(),
        }
        return self.url + ALPHAVANTAGE_PATH, params

    def decode(self, symbol: str, window: Window, adjust: Adjust, reply: Reply) -> list[Bar]:
        payload = decode_json(self.name, reply)
        series = self._series(symbol, payload)
        rows: list[dict[str, Any]] = []
        for day_text, values in series.items():
            if not isinstance(values, dict):
                raise MalformedReplyError(f"Alpha Vantage's {day_text} entry is not an object", api_name=self.name)
            row: dict[str, Any] = {name: number(values.get(key), name, self.name) for name, key in _FIELDS}
            row["volume"] = number(values.get("5. volume"), "volume", self.name)
            row["date"] = parse_day(day_text, source=self.name)
            rows.append(row)
        rows.sort(key=lambda row: row["date"])
        bars = chain_pre_close(rows, lambda row, pre: _bar(symbol, row, pre))
        return require_bars(self.name, symbol, window, [bar for bar in bars if window.holds(bar.date)])

    def _series(self, symbol: str, payload: Any) -> dict[str, Any]:
        if not isinstance(payload, dict):
            raise MalformedReplyError("Alpha Vantage sent JSON that is not an object", api_name=self.name)
        if "Error Message" in payload:
            raise UnknownSymbolError(f"Alpha Vantage refused {symbol}: {payload['Error Message']}", api_name=self.name)
        notice = payload.get("Note") or payload.get("Information")
        if notice is not None and _SERIES not in payload:
            text = str(notice)
            if "api key" in text.lower() and ("invalid" in text.lower() or "missing" in text.lower()):
                raise AuthError(f"Alpha Vantage rejected the API key: {text}", api_name=self.name)
            error = RateLimitError(f"Alpha Vantage's quota notice: {text}", limit_calls=25, limit_period=86400.0)
            error.api_name = self.name
            raise error
        series = payload.get(_SERIES)
        if not isinstance(series, dict):
            raise MalformedReplyError(f"Alpha Vantage's reply has no {_SERIES!r} object", api_name=self.name)
        return series


def _bar(symbol: str, row: dict[str, Any], pre_close: float | None) -> Bar:
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
        adjust="none",
        source="alphavantage",
    )

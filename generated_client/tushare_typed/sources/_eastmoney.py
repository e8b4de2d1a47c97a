"""``akshare``: the Eastmoney daily kline that akshare's ``stock_zh_a_hist`` reads (A-shares only).

``GET {url}/api/qt/stock/kline/get?secid=1.600000&klt=101&fqt=0|1|2&beg=YYYYMMDD&end=YYYYMMDD&fields1=…&fields2=…``
→ ``{"rc": 0, "data": {"code", "market", "name", "klines": ["date,open,close,high,low,volume,amount,amplitude,
pct_chg,change,turnover", …]}}``; ``data: null`` for an unknown code. Volume is in lots of 100 shares, amount in CNY;
``fqt`` 1 is forward adjusted at the latest factor (our qfq), 2 backward (our hfq). ``pre_close`` is close − change.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import MalformedReplyError, ServiceError
from ._base import HttpSource, Window, check_adjust, number, parse_day, require_bars
from ._errors import UnknownSymbolError
from ._fetch import Reply, decode_json
from ._model import Adjust, Bar
from ._symbols import Market, SourceName, to_source

__all__ = ["EASTMONEY_PATH", "EastmoneySource"]

EASTMONEY_PATH: Final = "/api/qt/stock/kline/get"
SHARES_PER_LOT: Final = 100
_FQT: Final[dict[Adjust, str]] = {"none": "0", "qfq": "1", "hfq": "2"}
_FIELDS1: Final = "f1,f2,f3,f4,f5,f6"
_FIELDS2: Final = "f51,f52,f53,f54,f55,f56,f57,f58,f59,f60,f61"


class EastmoneySource(HttpSource):
    name: SourceName = "akshare"
    markets: frozenset[Market] = frozenset({"cn"})
    adjusts: frozenset[Adjust] = frozenset({"none", "qfq", "hfq"})

    def request(self, symbol: str, window: Window, adjust: Adjust) -> tuple[str, dict[str, str]]:
        check_adjust(self, adjust)
        params = {
            "secid": to_source("akshare", symbol),
            "klt": "101",
            "fqt": _FQT[adjust],
            "beg": f"{window.start:%Y%m%d}",
            "end": f"{window.end:%Y%m%d}",
            "fields1": _FIELDS1,
            "fields2": _FIELDS2,
        }
        return self.url + EASTMONEY_PATH, params

    def decode(self, symbol: str, window: Window, adjust: Adjust, reply: Reply) -> list[Bar]:
        payload = decode_json(self.name, reply)
        if not isinstance(payload, dict):
            raise MalformedReplyError("akshare (Eastmoney) sent JSON that is not an object", api_name=self.name)
        if payload.get("rc") not in (0, None):
            raise ServiceError(f"Eastmoney answered rc={payload.get('rc')!r}", api_name=self.name)
        data = payload.get("data")
        if data is None:
            raise UnknownSymbolError(f"Eastmoney does not know {symbol} (data: null)", api_name=self.name)
        klines = data.get("klines") if isinstance(data, dict) else None
        if not isinstance(klines, list):
            raise MalformedReplyError("Eastmoney's data has no klines list", api_name=self.name)
        bars = [self._bar(symbol, line, adjust) for line in klines]
        return require_bars(self.name, symbol, window, [bar for bar in bars if window.holds(bar.date)])

    def _bar(self, symbol: str, line: Any, adjust: Adjust) -> Bar:
        parts = line.split(",") if isinstance(line, str) else []
        if len(parts) < 10:
            raise MalformedReplyError(f"Eastmoney sent a kline with too few fields: {line!r}", api_name=self.name)
        day = parse_day(parts[0], source=self.name)
        open_, close, high, low = (number(parts[k], name, self.name) for k, name in enumerate(_PRICES, start=1))
        change = number(parts[9], "change", self.name)
        return Bar(
            symbol=symbol,
            date=f"{day:%Y%m%d}",
            open=open_,
            high=high,
            low=low,
            close=close,
            pre_close=round(close - change, 4),
            volume=number(parts[5], "volume", self.name, scale=SHARES_PER_LOT),
            amount=number(parts[6], "amount", self.name),
            adjust=adjust,
            source=self.name,
        )


_PRICES: Final = ("open", "close", "high", "low")

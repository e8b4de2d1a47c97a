"""Eastmoney's push2 API, as the SDK reads it: one security's snapshot (``/api/qt/stock/get``), the whole-market
board (``/api/qt/clist/get``) and the day's trades (``/api/qt/stock/details/sse``, server-sent events).

``stock/get?secid=1.600000&fltt=1&fields=…`` → ``{"rc": 0, "data": {"f43": price, …}}`` with prices as integers
scaled by ``10**f59`` and sizes in lots; ``data: null`` for an unknown code. ``clist/get?pn=…&pz=…&fltt=2`` →
``{"rc": 0, "data": {"total": N, "diff": [{"f2": …}, …]}}`` with decimals; ``data: null`` past the last page.
``details/sse`` streams ``data: {"data": {"details": ["HH:MM:SS,price,lots,count,side", …]}}`` events; the first
holds the day so far.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from typing import Any, Final

from ..errors import ServiceError
from ..sources._fetch import Fetcher, decode_json
from ._codes import secid, ts_code_of
from ._decode import malformed, number, required
from ._model import LIST_COLUMNS, ListRow, Quote, Tick

__all__ = ["LIST_FIELDS", "TICK_FIELDS", "EastmoneySource"]

QUOTE_PATH: Final = "/api/qt/stock/get"
LIST_PATH: Final = "/api/qt/clist/get"
TICK_PATH: Final = "/api/qt/stock/details/sse"
_BEIJING: Final = dt.timezone(dt.timedelta(hours=8))
_SHARES_PER_LOT: Final = 100
# (bid or ask level's size field, its price field), best first.
_BIDS: Final = (("f20", "f19"), ("f18", "f17"), ("f16", "f15"), ("f14", "f13"), ("f12", "f11"))
_ASKS: Final = (("f40", "f39"), ("f38", "f37"), ("f36", "f35"), ("f34", "f33"), ("f32", "f31"))
_QUOTE_FIELDS: Final = (
    "f43,f44,f45,f46,f47,f48,f57,f58,f59,f60,f86,"
    + ",".join(f"f{k}" for k in range(11, 21))
    + ","
    + ",".join(f"f{k}" for k in range(31, 41))
)
#: clist field of each board column, in ListRow order (Eastmoney fills the first 22).
_BOARD: Final = (
    "f12", "f14", "f2", "f3", "f4", "f5", "f6", "f7", "f15", "f16", "f17", "f18",
    "f10", "f8", "f9", "f23", "f20", "f21", "f22", "f11", "f24", "f25",
)  # fmt: skip
LIST_FIELDS: Final = list(LIST_COLUMNS[: len(_BOARD)])
_PAGE_SIZE: Final = 200
_BOARD_FILTER: Final = "m:0 t:6,m:0 t:80,m:1 t:2,m:1 t:23,m:0 t:81 s:2048"
TICK_FIELDS: Final = ["TIME", "PRICE", "VOLUME", "TYPE"]
_SIDES: Final = {"1": "卖盘", "2": "买盘", "4": "中性盘"}


def _data(payload: Any, what: str) -> Any:
    if not isinstance(payload, dict):
        raise malformed("dc", f"{what} JSON that is not an object", payload)
    if payload.get("rc") not in (0, None):
        raise ServiceError(f"Eastmoney answered rc={payload.get('rc')!r} for {what}", api_name="dc")
    return payload.get("data")


def parse_quote(code: str, data: dict[str, Any]) -> Quote:
    decimals = data.get("f59")
    if not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise malformed("dc", f"a price scale (f59) for {code} that is not 0-6", decimals)
    scale = 10.0**-decimals

    def price(key: str) -> float | None:
        return number(data.get(key), key, "dc", scale)

    def size(key: str) -> float | None:
        return number(data.get(key), key, "dc", _SHARES_PER_LOT)

    stamp = data.get("f86")
    if not isinstance(stamp, int) or isinstance(stamp, bool) or stamp <= 0:
        raise malformed("dc", f"a timestamp (f86) for {code} that is not seconds since 1970", stamp)
    moment = dt.datetime.fromtimestamp(stamp, _BEIJING)
    book = [value for pair in _BIDS + _ASKS for value in (size(pair[0]), price(pair[1]))]
    return Quote(
        str(data.get("f58", "")), code, f"{moment:%Y%m%d}", f"{moment:%H:%M:%S}",
        price("f46"), price("f60"), price("f43"), price("f44"), price("f45"), price("f19"), price("f39"),
        size("f47"), number(data.get("f48"), "f48", "dc"), *book,
    )  # fmt: skip


class EastmoneySource:
    name: Final = "dc"

    def __init__(self, url: str, fetcher: Fetcher) -> None:
        self.url = url
        self.fetcher = fetcher

    def quote(self, codes: Sequence[str]) -> tuple[list[Quote], list[str]]:
        quotes: list[Quote] = []
        missing: list[str] = []
        for code in codes:
            params = {"invt": "2", "fltt": "1", "fields": _QUOTE_FIELDS, "secid": secid(code)}
            data = _data(decode_json("dc", self.fetcher.get(self.url + QUOTE_PATH, params)), "a quote")
            if data is None:
                missing.append(code)
            elif isinstance(data, dict):
                quotes.append(parse_quote(code, data))
            else:
                raise malformed("dc", "quote data that is not an object", data)
        return quotes, missing

    def board(self, max_pages: int) -> tuple[list[ListRow], list[str], int, bool]:
        rows: list[ListRow] = []
        for page in range(1, max_pages + 1):
            params = {
                "pn": str(page), "pz": str(_PAGE_SIZE), "po": "1", "np": "1", "fltt": "2", "invt": "2",
                "fid": "f3", "fs": _BOARD_FILTER, "fields": ",".join(sorted({*_BOARD, "f13"})),
            }  # fmt: skip
            data = _data(decode_json("dc", self.fetcher.get(self.url + LIST_PATH, params)), "the board")
            if data is None:
                return rows, LIST_FIELDS, page, True
            diff = data.get("diff") if isinstance(data, dict) else None
            total = data.get("total") if isinstance(data, dict) else None
            if not isinstance(diff, list) or not isinstance(total, int):
                raise malformed("dc", "a board page without diff and total", data)
            rows += [_board_row(item) for item in diff]
            if len(rows) >= total or not diff:
                return rows, LIST_FIELDS, page, True
            if page >= math.ceil(total / _PAGE_SIZE):
                return rows, LIST_FIELDS, page, True
        return rows, LIST_FIELDS, max_pages, False

    def tick(self, code: str, max_pages: int) -> tuple[list[Tick], list[str], int, bool]:
        params = {
            "fields1": "f1,f2,f3,f4", "fields2": "f51,f52,f53,f54,f55", "mpi": "2000", "fltt": "2", "pos": "-0",
            "secid": secid(code),
        }  # fmt: skip
        reply = self.fetcher.get(self.url + TICK_PATH, params, until=b"\n\n")
        text = reply.body.decode("utf-8", "replace")
        event = next((line[5:].strip() for line in text.splitlines() if line.startswith("data:")), None)
        if event is None:
            raise malformed("dc", "a trade stream without a data event (an HTML page or garbage)", text)
        try:
            payload = json.loads(event)
        except ValueError:
            raise malformed("dc", "a trade event that is not JSON", event) from None
        data = _data(payload, "the trades")
        details = data.get("details") if isinstance(data, dict) else None
        if not isinstance(details, list):
            raise malformed("dc", f"no trades for {code} (data: null or without details)", data)
        return [_tick(line) for line in details], TICK_FIELDS, 1, True


def _board_row(item: Any) -> ListRow:
    if not isinstance(item, dict):
        raise malformed("dc", "a board row that is not an object", item)
    number_text, market = item.get("f12"), item.get("f13")
    if not isinstance(number_text, str) or not isinstance(market, int) or len(number_text) != 6:
        raise malformed("dc", "a board row without code (f12) and market (f13)", item)
    values = [number(item.get(key), key, "dc") for key in _BOARD[2:]]
    values[3] = None if values[3] is None else values[3] * _SHARES_PER_LOT  # f5: lots
    return ListRow._make([ts_code_of(number_text, market), str(item.get("f14", "")), *values, None, None, None])


def _tick(line: Any) -> Tick:
    parts = line.split(",") if isinstance(line, str) else []
    if len(parts) != 5:
        raise malformed("dc", "a trade that is not time,price,lots,count,side", line)
    return Tick(
        time=parts[0],
        price=required(number(parts[1], "price", "dc"), "price", "dc"),
        pchange=None,
        change=None,
        volume=number(parts[2], "volume", "dc", _SHARES_PER_LOT),
        amount=None,
        type=_SIDES.get(parts[4], parts[4]),
    )

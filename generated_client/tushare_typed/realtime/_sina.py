"""Sina: quotes (``hq.sinajs.cn``), the whole-market board (``Market_Center.getHQNodeData``) and the day's trades
(``vMS_tradedetail.php``), as the SDK reads them.

``GET {sina}/rn={ms}&list=sh600000,sz000001`` → GBK text, one line per code:
``var hq_str_sh600000="name,open,pre_close,price,high,low,bid,ask,volume,amount,b1_v,b1_p,…,b5_p,a1_v,a1_p,…,a5_p,
date,time,status";`` (volume and sizes in shares, amount in CNY); ``""`` for an unknown code. Sina refuses requests
without its own ``Referer``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any, Final

from ..sources._fetch import Fetcher, Reply, decode_json
from ._codes import from_sina, sina_symbol
from ._decode import malformed, number, required
from ._model import ListRow, Quote, Tick

__all__ = ["HEADERS", "LIST_FIELDS", "TICK_FIELDS", "SinaSource", "parse_quotes"]

HEADERS: Final = {"Referer": "https://finance.sina.com.cn/"}
_BATCH: Final = 200
_LINE: Final = re.compile(r'var hq_str_(\w+)="([^"]*)";')
_QUOTE_VALUES: Final = 32  # name .. time, before the status field
LIST_PATH: Final = "/quotes_service/api/json_v2.php/Market_Center.getHQNodeData"
TICK_PATH: Final = "/quotes_service/view/vMS_tradedetail.php"
_PAGE_SIZE: Final = 80
LIST_FIELDS: Final = [
    "TS_CODE", "NAME", "PRICE", "CHANGE", "PCT_CHANGE", "BUY", "SALE", "CLOSE",
    "OPEN", "HIGH", "LOW", "VOLUME", "AMOUNT", "TIME",
]  # fmt: skip
TICK_FIELDS: Final = ["TIME", "PRICE", "PCHANGE", "CHANGE", "VOLUME", "AMOUNT", "TYPE"]
_SHARES_PER_LOT: Final = 100


def _text(reply: Reply) -> str:
    try:
        return reply.body.decode("gbk")
    except UnicodeDecodeError:
        raise malformed("sina", "a reply that is not GBK text", reply.body[:40]) from None


def parse_quotes(text: str, asked: Sequence[str]) -> tuple[list[Quote], list[str]]:
    """The quotes of ``asked`` (tushare codes) in a ``hq_str`` reply, and the codes Sina does not know."""
    found = dict(_LINE.findall(text))
    if not found and text.strip():
        raise malformed("sina", "a reply without hq_str lines (an HTML page, a block notice or garbage)", text)
    quotes: list[Quote] = []
    missing: list[str] = []
    for code in asked:
        values = found.get(sina_symbol(code))
        if values is None:
            raise malformed("sina", f"no line for {code}", text)
        if not values:
            missing.append(code)
            continue
        quotes.append(_quote(code, values.split(",")))
    return quotes, missing


def _quote(code: str, parts: list[str]) -> Quote:
    if len(parts) < _QUOTE_VALUES:
        raise malformed("sina", f"{len(parts)} fields for {code} (expected at least {_QUOTE_VALUES})", parts)
    values = [number(part, f"field {k}", "sina") for k, part in enumerate(parts[1:30], start=1)]
    date, clock = parts[30], parts[31]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) or not re.fullmatch(r"\d{2}:\d{2}:\d{2}", clock):
        raise malformed("sina", f"a date and time for {code} that are not YYYY-MM-DD HH:MM:SS", f"{date} {clock}")
    return Quote(parts[0], code, date.replace("-", ""), clock, *values)


class SinaSource:
    name: Final = "sina"

    def __init__(self, url: str, vip_url: str, fetcher: Fetcher) -> None:
        self.url = url
        self.vip_url = vip_url
        self.fetcher = fetcher

    def quote(self, codes: Sequence[str]) -> tuple[list[Quote], list[str]]:
        quotes: list[Quote] = []
        missing: list[str] = []
        for start in range(0, len(codes), _BATCH):
            batch = codes[start : start + _BATCH]
            symbols = ",".join(sina_symbol(code) for code in batch)
            reply = self.fetcher.get(f"{self.url}/rn={int(time.time() * 1000)}&list={symbols}", {})
            if reply.status != 200:
                raise malformed("sina", f"HTTP {reply.status} for quotes")
            got, gone = parse_quotes(_text(reply), batch)
            quotes += got
            missing += gone
        return quotes, missing

    def board(self, max_pages: int) -> tuple[list[ListRow], list[str], int, bool]:
        rows: list[ListRow] = []
        for page in range(1, max_pages + 1):
            params = {"page": str(page), "num": str(_PAGE_SIZE), "sort": "symbol", "asc": "1", "node": "hs_a"}
            payload = decode_json("sina", self.fetcher.get(self.vip_url + LIST_PATH, params))
            if not isinstance(payload, list):
                raise malformed("sina", "a board page that is not a JSON list", payload)
            rows += [_board_row(item) for item in payload]
            if len(payload) < _PAGE_SIZE:
                return rows, LIST_FIELDS, page, True
        return rows, LIST_FIELDS, max_pages, False

    def tick(self, code: str, max_pages: int) -> tuple[list[Tick], list[str], int, bool]:
        ticks: list[Tick] = []
        for page in range(max_pages):
            params = {"symbol": sina_symbol(code), "date": time.strftime("%Y-%m-%d"), "page": str(page)}
            cells = _table_rows(_text(self.fetcher.get(self.vip_url + TICK_PATH, params)))
            ticks += [_tick(row) for row in cells]
            if not cells:
                return ticks, TICK_FIELDS, page + 1, True
        return ticks, TICK_FIELDS, max_pages, False


def _board_row(item: Any) -> ListRow:
    if not isinstance(item, dict):
        raise malformed("sina", "a board row that is not an object", item)
    code = from_sina(str(item.get("symbol", "")))
    if code is None:
        raise malformed("sina", "a board row without an A-share symbol", item)

    def num(key: str, scale: float = 1.0) -> float | None:
        return number(item.get(key), key, "sina", scale)

    return ListRow(
        ts_code=code, name=str(item.get("name", "")), price=num("trade"), pct_change=num("changepercent"),
        change=num("pricechange"), volume=num("volume"), amount=num("amount"), swing=None, high=num("high"),
        low=num("low"), open=num("open"), close=num("settlement"), vol_ratio=None, turnover_rate=num("turnoverratio"),
        pe=num("per"), pb=num("pb"), total_mv=num("mktcap"), float_mv=num("nmc"), rise=None, min5=None, day60=None,
        year1=None, buy=num("buy"), sale=num("sell"), time=str(item.get("ticktime", "")) or None,
    )  # fmt: skip


class _TradeTable(HTMLParser):
    """The cell texts of each body row of ``<table id="datatbl">``."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = False
        self.inside = self.in_body = False
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", "datatbl") in attrs:
            self.inside = self.seen = True
        elif self.inside and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("td", "th") and self.rows:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self.inside = self.in_body = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _table_rows(text: str) -> list[list[str]]:
    parser = _TradeTable()
    parser.feed(text)
    if not parser.seen:
        raise malformed("sina", "a trade-detail page without its table (a block page, a changed layout)", text[:80])
    return [row for row in parser.rows if row]


def _tick(cells: list[str]) -> Tick:
    if len(cells) != len(TICK_FIELDS) or not re.fullmatch(r"\d{2}:\d{2}:\d{2}", cells[0]):
        raise malformed("sina", "a trade row that is not time, price, change %, change, lots, amount, side", cells)
    return Tick(
        time=cells[0],
        price=required(number(cells[1], "price", "sina"), "price", "sina"),
        pchange=cells[2],
        change=number(cells[3], "change", "sina"),
        volume=number(cells[4], "volume", "sina", _SHARES_PER_LOT),
        amount=number(cells[5], "amount", "sina"),
        type=cells[6] or None,
    )

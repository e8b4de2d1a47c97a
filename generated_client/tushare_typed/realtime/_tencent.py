"""Tencent's trade details (``stock.gtimg.cn/data/index.php?appn=detail&action=data&c=sz000001&p=PAGE``), as the
SDK reads them: ``v_detail_data_sz000001=[PAGE,"n/HH:MM:SS/price/change/lots/amount/side|…"]``, pages from 0 until
one is empty. Sides are ``B`` (买盘), ``S`` (卖盘) and ``M`` (中性盘)."""

from __future__ import annotations

import json
import re
from typing import Final

from ..sources._fetch import Fetcher
from ._codes import sina_symbol
from ._decode import malformed, number, required
from ._model import Tick

__all__ = ["TICK_FIELDS", "TencentSource", "parse_page"]

TICK_PATH: Final = "/data/index.php"
TICK_FIELDS: Final = ["TIME", "PRICE", "CHANGE", "VOLUME", "AMOUNT", "TYPE"]
_SIDES: Final = {"B": "买盘", "S": "卖盘", "M": "中性盘"}
_SHARES_PER_LOT: Final = 100
_PAGE: Final = re.compile(r"^v_detail_data_(\w+)=(\[.*\])\s*;?\s*$", re.DOTALL)


def parse_page(text: str, symbol: str) -> list[Tick]:
    """The trades of one page; an empty list past the last one."""
    stripped = text.strip()
    if not stripped:
        return []
    match = _PAGE.match(stripped)
    if match is None or match.group(1) != symbol:
        raise malformed("tx", f"a page that is not v_detail_data_{symbol}=[...] (an HTML page or garbage)", text)
    try:
        payload = json.loads(match.group(2))
    except ValueError:
        raise malformed("tx", "a trade page whose list is not JSON", match.group(2)) from None
    if not isinstance(payload, list) or len(payload) != 2 or not isinstance(payload[1], str):
        raise malformed("tx", "a trade page that is not [page, text]", payload)
    return [_tick(item) for item in payload[1].split("|") if item]


def _tick(item: str) -> Tick:
    parts = item.split("/")
    if len(parts) != 7 or not re.fullmatch(r"\d{2}:\d{2}:\d{2}", parts[1]):
        raise malformed("tx", "a trade that is not n/time/price/change/lots/amount/side", item)
    return Tick(
        time=parts[1],
        price=required(number(parts[2], "price", "tx"), "price", "tx"),
        pchange=None,
        change=number(parts[3], "change", "tx"),
        volume=number(parts[4], "volume", "tx", _SHARES_PER_LOT),
        amount=number(parts[5], "amount", "tx"),
        type=_SIDES.get(parts[6], parts[6]),
    )


class TencentSource:
    name: Final = "tx"

    def __init__(self, url: str, fetcher: Fetcher) -> None:
        self.url = url
        self.fetcher = fetcher

    def tick(self, code: str, max_pages: int) -> tuple[list[Tick], list[str], int, bool]:
        symbol = sina_symbol(code)
        ticks: list[Tick] = []
        for page in range(max_pages):
            params = {"appn": "detail", "action": "data", "c": symbol, "p": str(page)}
            reply = self.fetcher.get(self.url + TICK_PATH, params)
            if reply.status == 404:
                return ticks, TICK_FIELDS, page + 1, True
            got = parse_page(reply.body.decode("gbk", "replace"), symbol)
            if not got:
                return ticks, TICK_FIELDS, page + 1, True
            ticks += got
        return ticks, TICK_FIELDS, max_pages, False

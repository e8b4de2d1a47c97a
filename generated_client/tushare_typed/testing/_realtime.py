"""Look-alikes of the realtime sources on 127.0.0.1, in their real wire formats, from one deterministic market.

- Sina: ``/rn=MS&list=sh600000,…`` (``var hq_str_sh600000="…";`` lines, GBK), the board
  ``…/Market_Center.getHQNodeData`` (JSON, 80 a page) and trades ``…/vMS_tradedetail.php`` (an HTML page, GBK);
- Eastmoney: ``/api/qt/stock/get`` (prices scaled by ``10**f59``, lots), ``/api/qt/clist/get`` (decimals, 200 a
  page) and ``/api/qt/stock/details/sse`` (server-sent events; the connection stays open after the first one);
- Tencent: ``/data/index.php?appn=detail&action=data&c=sz000001&p=N`` (``v_detail_data_…=[N,"…|…"]``, 70 a page).

All three answer on one URL (point ``TUSHARE_TYPED_SINA_URL``, ``TUSHARE_TYPED_EASTMONEY_PUSH_URL`` and
``TUSHARE_TYPED_TENCENT_URL`` at it). Switches per source (``sina``, ``dc``, ``tx``): ``mode[source]`` =
``"outage"`` (HTTP 500), ``"html"`` (a block page), ``"garbage"`` (bytes that mean nothing), ``"slow"`` (answer after
``slow_seconds``). ``market.advance()`` moves prices; ``calls[source]`` counts requests.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import threading
from collections import Counter
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs, urlsplit

from ._local_server import LocalServer
from ._realtime_market import SESSION_DATE, Market, State, board_codes

if TYPE_CHECKING:
    pass

__all__ = ["RealtimeLookalikes"]

_SINA_BOARD: Final = "/quotes_service/api/json_v2.php/Market_Center.getHQNodeData"
_SINA_TRADES: Final = "/quotes_service/view/vMS_tradedetail.php"
_GARBAGE: Final = b'\x00\x9f\xffgarbage\x01{["<'
_HTML: Final = b"<html><head><title>Forbidden</title></head><body>Kinsoku jikou desu!</body></html>"
_SIDES: Final = {"B": "买盘", "S": "卖盘", "M": "中性盘"}
_DC_SIDES: Final = {"B": "2", "S": "1", "M": "4"}
Answer = tuple[int, str, bytes]


def _sina_symbol(code: str) -> str:
    return code[7:].lower() + code[:6]


def _from_symbol(symbol: str) -> str:
    return f"{symbol[2:]}.{symbol[:2].upper()}"


def _from_secid(value: str) -> str:
    market, _, number = value.partition(".")
    return f"{number}.{'SH' if market == '1' else 'BJ' if number[:1] in '48' else 'SZ'}"


class RealtimeLookalikes:
    """The look-alike server; a context manager. ``board_size`` codes make the board."""

    def __init__(self, seed: int = 0, *, board_size: int = 450, slow_seconds: float = 3.0) -> None:
        self.market = Market(seed)
        self.board = board_codes(board_size)
        self.mode: dict[str, str] = {}
        self.slow_seconds = slow_seconds
        self.calls: Counter[str] = Counter()
        self._http = LocalServer()
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def __enter__(self) -> RealtimeLookalikes:
        self._stop.clear()
        self._http.start(_handler(self))
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._http.stop()

    @property
    def url(self) -> str:
        return self._http.url

    def urls(self) -> dict[str, str]:
        """``RealtimeSettings.resolve(urls=...)`` pointing every source here."""
        return {name: self.url for name in ("sina", "sina_vip", "dc", "tx")}

    # --- dispatch ----------------------------------------------------------------------------------------------

    def answer(self, path: str, query: dict[str, str]) -> Answer | None:
        """The reply to a GET, or None for the Eastmoney event stream (written by the handler)."""
        source = _source_of(path)
        with self._lock:
            self.calls[source] += 1
        mode = self.mode.get(source, "")
        if mode == "slow":
            self._stop.wait(self.slow_seconds)
        if mode == "outage":
            return 500, "text/plain", b"internal error"
        if mode == "html":
            return 200, "text/html; charset=utf-8", _HTML
        if mode == "garbage":
            return 200, "text/plain", _GARBAGE
        if source == "sina":
            return self._sina(path, query)
        if source == "dc":
            return None if path == "/api/qt/stock/details/sse" else self._eastmoney(path, query)
        if source == "tx":
            return self._tencent(query)
        return 404, "text/plain", b"not found"

    # --- Sina ----------------------------------------------------------------------------------------------------

    def _sina(self, path: str, query: dict[str, str]) -> Answer:
        if path == _SINA_BOARD:
            page, size = int(query.get("page", "1")), int(query.get("num", "80"))
            codes = self.board[(page - 1) * size : page * size]
            rows = [_sina_board_row(state) for state in map(self.market.state, codes) if state]
            return 200, "application/json; charset=utf-8", json.dumps(rows, ensure_ascii=False).encode()
        if path == _SINA_TRADES:
            return self._sina_trades(query)
        symbols = path.rpartition("list=")[2].split(",")
        lines = []
        for symbol in symbols:
            state = self.market.state(_from_symbol(symbol))
            lines.append(f'var hq_str_{symbol}="{_sina_line(state) if state else ""}";\n')
        return 200, "application/javascript; charset=GBK", "".join(lines).encode("gbk")

    def _sina_trades(self, query: dict[str, str]) -> Answer:
        page = int(query.get("page", "0"))
        trades = self.market.trades(_from_symbol(query.get("symbol", "")))[page * 60 : (page + 1) * 60]
        previous = trades[0][1] - trades[0][2] if trades else 0.0
        cells = "".join(
            f"<tr><th>{t}</th><td>{p:.2f}</td><td>{(p / previous - 1) * 100:+.2f}%</td><td>{c:.2f}</td>"
            f"<td>{lots}</td><td>{amount:,}</td><th><h5>{_SIDES[side]}</h5></th></tr>"
            for t, p, c, lots, amount, side in trades
        )
        page_html = (
            "<html><head><meta charset='gb2312'><title>成交明细</title></head><body>"
            "<table class='head'><tr><td>导航</td></tr></table>"
            '<table id="datatbl"><thead><tr><th>成交时间</th><th>成交价</th><th>涨跌幅</th><th>价格变动</th>'
            f"<th>成交量(手)</th><th>成交额(元)</th><th>性质</th></tr></thead><tbody>{cells}</tbody></table>"
            "</body></html>"
        )
        return 200, "text/html; charset=GBK", page_html.encode("gbk")

    # --- Eastmoney -----------------------------------------------------------------------------------------------

    def _eastmoney(self, path: str, query: dict[str, str]) -> Answer:
        if path == "/api/qt/clist/get":
            page, size = int(query.get("pn", "1")), int(query.get("pz", "20"))
            codes = self.board[(page - 1) * size : page * size]
            if not codes:
                return _json({"rc": 0, "rt": 6, "data": None})
            diff = [_dc_board_row(state) for state in map(self.market.state, codes) if state]
            return _json({"rc": 0, "rt": 6, "data": {"total": len(self.board), "diff": diff}})
        if path != "/api/qt/stock/get":
            return 404, "text/plain", b"not found"
        state = self.market.state(_from_secid(query.get("secid", "")))
        return _json({"rc": 0, "rt": 4, "data": _dc_quote(state) if state else None})

    def event_stream(self, query: dict[str, str], write: Any) -> None:
        """Eastmoney's trade stream: the day so far at once, then (as the real one) nothing until it ends."""
        trades = self.market.trades(_from_secid(query.get("secid", "")))
        details = [f"{t},{p:.2f},{lots},1,{_DC_SIDES[side]}" for t, p, _, lots, _, side in trades]
        event = {"rc": 0, "rt": 12, "data": {"code": query.get("secid", "")[2:], "decimal": 2, "details": details}}
        write(f"data: {json.dumps(event)}\n\n".encode())
        self._stop.wait(5.0)

    # --- Tencent -------------------------------------------------------------------------------------------------

    def _tencent(self, query: dict[str, str]) -> Answer:
        symbol, page = query.get("c", ""), int(query.get("p", "0"))
        trades = self.market.trades(_from_symbol(symbol))[page * 70 : (page + 1) * 70]
        if not trades:
            return 200, "text/html; charset=GBK", b""
        items = "|".join(
            f"{page * 70 + k}/{t}/{p:.2f}/{c:.2f}/{lots}/{amount}/{side}"
            for k, (t, p, c, lots, amount, side) in enumerate(trades)
        )
        return 200, "text/html; charset=GBK", f'v_detail_data_{symbol}=[{page},"{items}"]'.encode("gbk")


def _sina_line(s: State) -> str:
    book = s.book()
    bids = [f"{size},{price:.3f}" for size, price, _, _ in book]
    asks = [f"{size},{price:.3f}" for _, _, size, price in book]
    head = f"{s.name},{s.open:.3f},{s.pre_close:.3f},{s.price:.3f},{s.high:.3f},{s.low:.3f}"
    return ",".join(
        [
            head,
            f"{book[0][1]:.3f}",
            f"{book[0][3]:.3f}",
            str(s.volume),
            f"{s.amount:.3f}",
            *bids,
            *asks,
            SESSION_DATE,
            s.time,
            "00",
        ]
    )


def _sina_board_row(s: State) -> dict[str, Any]:
    change = round(s.price - s.pre_close, 2)
    return {
        "symbol": _sina_symbol(s.code), "code": s.code[:6], "name": s.name, "trade": f"{s.price:.3f}",
        "pricechange": f"{change:.3f}", "changepercent": f"{change / s.pre_close * 100:.3f}",
        "buy": f"{s.price - 0.01:.3f}", "sell": f"{s.price + 0.01:.3f}", "settlement": f"{s.pre_close:.3f}",
        "open": f"{s.open:.3f}", "high": f"{s.high:.3f}", "low": f"{s.low:.3f}", "volume": s.volume,
        "amount": s.amount, "ticktime": s.time, "per": 12.5, "pb": 1.3, "mktcap": 1.0e6, "nmc": 8.0e5,
        "turnoverratio": 0.5,
    }  # fmt: skip


def _epoch(s: State) -> int:
    day = dt.date.fromisoformat(SESSION_DATE)
    return calendar.timegm(day.timetuple()) + s.clock - 8 * 3600


def _dc_quote(s: State) -> dict[str, Any]:
    data: dict[str, Any] = {
        "f43": round(s.price * 100), "f44": round(s.high * 100), "f45": round(s.low * 100),
        "f46": round(s.open * 100), "f47": s.volume // 100, "f48": s.amount, "f57": s.code[:6], "f58": s.name,
        "f59": 2, "f60": round(s.pre_close * 100), "f86": _epoch(s),
    }  # fmt: skip
    for k, (bid_size, bid, ask_size, ask) in enumerate(s.book()):
        data[f"f{19 - 2 * k}"], data[f"f{20 - 2 * k}"] = round(bid * 100), bid_size // 100
        data[f"f{39 - 2 * k}"], data[f"f{40 - 2 * k}"] = round(ask * 100), ask_size // 100
    return data


def _dc_board_row(s: State) -> dict[str, Any]:
    change = round(s.price - s.pre_close, 2)
    return {
        "f2": s.price, "f3": round(change / s.pre_close * 100, 2), "f4": change, "f5": s.volume // 100,
        "f6": s.amount, "f7": round((s.high - s.low) / s.pre_close * 100, 2), "f8": 0.5, "f9": "-", "f10": 1.1,
        "f11": 0.1, "f12": s.code[:6], "f13": 1 if s.code.endswith("SH") else 0, "f14": s.name, "f15": s.high,
        "f16": s.low, "f17": s.open, "f18": s.pre_close, "f20": 1.0e9, "f21": 8.0e8, "f22": 0.0, "f23": 1.3,
        "f24": 5.0, "f25": -3.0,
    }  # fmt: skip


def _source_of(path: str) -> str:
    if path.startswith(("/rn=", "/list=", "/quotes_service/")):
        return "sina"
    if path.startswith("/api/qt/"):
        return "dc"
    return "tx" if path == "/data/index.php" else "other"


def _json(payload: Any) -> Answer:
    return 200, "application/json; charset=utf-8", json.dumps(payload, ensure_ascii=False).encode()


def _handler(lookalikes: RealtimeLookalikes) -> Any:
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
            answer = lookalikes.answer(parts.path, query)
            if answer is None:
                self.close_connection = True
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                lookalikes.event_stream(query, self._write)
                return
            status, content_type, body = answer
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _write(self, data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler

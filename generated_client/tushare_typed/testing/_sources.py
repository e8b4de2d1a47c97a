"""Look-alikes of the other sources' wire formats on 127.0.0.1, serving the tushare emulator's synthetic bars.

One server answers Eastmoney's kline (``/api/qt/stock/kline/get``), Yahoo's chart (``/v8/finance/chart/SYMBOL``,
plus ``/v1/test/getcrumb``) and Alpha Vantage's ``/query``, each in its own units (lots and CNY; shares; strings), from
the same rows a :class:`TushareEmulator` with the same seed serves, so every source agrees unless told otherwise.
Switches: ``mode[source]`` = ``"outage"`` (HTTP 500), ``"html"``, ``"error"`` (the source's error object),
``"empty"`` (an empty series), ``"ratelimit"`` (the source's rate-limit text); ``shift[(source, symbol, date)]``
adds to that day's close. Codes starting ``999`` are unknown to every source. ``calls[source]`` counts requests.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import threading
from collections import Counter
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs, urlsplit

from ._data import DEFAULT_END
from ._local_server import LocalServer
from ._market import adj_factor

if TYPE_CHECKING:
    from ._emulator import TushareEmulator

__all__ = ["ALPHAVANTAGE_KEY", "SourceLookalikes"]

ALPHAVANTAGE_KEY: Final = "lookalike-demo-key"
_FIELDS: Final = "trade_date,open,high,low,close,pre_close,vol,amount"
_MAX_ANSWERS: Final = 512
_APIS: Final = {"SH": "daily", "SZ": "daily", "BJ": "daily", "HK": "hk_daily"}
# Session start (hours after midnight UTC), the exchange's offset in seconds and its time zone.
_SESSIONS: Final = {
    "cn": (1.5, 28800, "Asia/Shanghai", "CNY"),
    "hk": (1.5, 28800, "Asia/Hong_Kong", "HKD"),
    "us": (14.5, -18000, "America/New_York", "USD"),
}
_RATE_TEXT: Final = {
    "akshare": "访问过于频繁，请稍后再试",
    "yahoo": "Too Many Requests",
    "alphavantage": "rate limit",
}


def _market(code: str) -> str:
    suffix = code.rsplit(".", 1)[-1] if "." in code else "US"
    return "cn" if suffix in ("SH", "SZ", "BJ") else suffix.lower()


class SourceLookalikes:
    """The look-alike server; a context manager. ``url`` is the base URL of all three sources."""

    def __init__(self, emulator: TushareEmulator) -> None:
        self.emulator = emulator
        self.mode: dict[str, str] = {}
        self.shift: dict[tuple[str, str, str], float] = {}
        self.calls: Counter[str] = Counter()
        self._http = LocalServer()
        self._lock = threading.Lock()
        # Answers already rendered, by request and switches: a repeated request costs the server no row generation
        # (benchmarks then time the client, not this server). Bounded; cleared when full.
        self._answers: dict[Any, tuple[int, str, bytes]] = {}

    # --- life cycle ------------------------------------------------------------------------------------------

    def __enter__(self) -> SourceLookalikes:
        self._http.start(_handler(self))
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._http.stop()

    @property
    def url(self) -> str:
        return self._http.url

    # --- the rows --------------------------------------------------------------------------------------------

    def bars(self, source: str, code: str, start: str, end: str, adjust: str = "none") -> list[dict[str, Any]]:
        """The emulator's bars of ``code`` (tushare form), oldest first, adjusted as the sources adjust."""
        if code.startswith("999"):
            return []
        api = _APIS.get(code.rsplit(".", 1)[-1], "us_daily")
        params = {"ts_code": code, "start_date": start, "end_date": end}
        names, items = self.emulator.rows(api, params, _FIELDS)
        rows = [dict(zip(names, item, strict=True)) for item in reversed(items)]
        latest = adj_factor(self.emulator.seed, code, _day(DEFAULT_END))
        for row in rows:
            factor = adj_factor(self.emulator.seed, code, _day(row["trade_date"])) if api == "daily" else 1.0
            scale = {"qfq": factor / latest, "hfq": factor}.get(adjust, 1.0)
            for name in ("open", "high", "low", "close", "pre_close"):
                row[name] = round(row[name] * scale, 2)
            row["close"] = round(row["close"] + self.shift.get((source, code, row["trade_date"]), 0.0), 2)
            row["adjclose"] = row["close"] * factor / latest
            row["shares"] = row["vol"] * (100 if api == "daily" else 1)
        return rows

    # --- the wire formats ------------------------------------------------------------------------------------

    def _render(self, source: str, path: str, query: dict[str, str], mode: str) -> tuple[int, str, bytes]:
        if source == "akshare":
            return self._eastmoney(query, mode)
        if source == "yahoo":
            return self._yahoo(path, query, mode)
        return self._alphavantage(query, mode)

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        source = _source_of(path)
        with self._lock:
            self.calls[source] += 1
        mode = self.mode.get(source, "")
        if mode == "outage":
            return 500, "application/json", b'{"error": "internal"}'
        if mode == "html":
            return 200, "text/html", b"<html><body>Please verify you are a human</body></html>"
        if mode == "ratelimit":
            return 200, "text/plain; charset=utf-8", _RATE_TEXT[source].encode()
        if source in ("akshare", "yahoo", "alphavantage"):
            key = (path, tuple(sorted(query.items())), mode, tuple(sorted(self.shift.items())))
            with self._lock:
                cached = self._answers.get(key)
            if cached is None:
                cached = self._render(source, path, query, mode)
                with self._lock:
                    if len(self._answers) >= _MAX_ANSWERS:
                        self._answers.clear()
                    self._answers[key] = cached
            return cached
        if path.startswith("/v1/test/getcrumb"):
            return 200, "text/plain", b"lookalike-crumb"
        return 404, "application/json", b'{"error": "not found"}'

    def _eastmoney(self, query: dict[str, str], mode: str) -> tuple[int, str, bytes]:
        market, _, number = query.get("secid", "").partition(".")
        code = f"{number}.{'SH' if market == '1' else 'BJ' if number[:1] in '489' else 'SZ'}"
        adjust = {"1": "qfq", "2": "hfq"}.get(query.get("fqt", "0"), "none")
        if mode == "error":
            return _json({"rc": 102, "data": None})
        rows = [] if mode == "empty" else self.bars("akshare", code, query.get("beg", ""), query.get("end", ""), adjust)
        if not rows and mode != "empty":
            return _json({"rc": 0, "data": None})
        klines = [
            f"{_iso(r['trade_date'])},{r['open']},{r['close']},{r['high']},{r['low']},{r['vol']},"
            f"{round(r['amount'] * 1000, 2)},0.0,0.0,{round(r['close'] - r['pre_close'], 2)},0.0"
            for r in rows
        ]
        return _json({"rc": 0, "data": {"code": number, "market": int(market or 0), "name": code, "klines": klines}})

    def _yahoo(self, path: str, query: dict[str, str], mode: str) -> tuple[int, str, bytes]:
        symbol = path.rsplit("/", 1)[-1]
        code = _yahoo_code(symbol)
        if mode == "error" or code.startswith("999"):
            error = {"code": "Not Found", "description": "No data found, symbol may be delisted"}
            return _json({"chart": {"result": None, "error": error}}, 404)
        # The sessions that start in [period1, period2).
        period1, period2 = int(query.get("period1", "0")), int(query.get("period2", "0"))
        first = dt.datetime.fromtimestamp(period1, dt.UTC).date() - dt.timedelta(days=1)
        last = dt.datetime.fromtimestamp(period2, dt.UTC).date() + dt.timedelta(days=1)
        rows = [] if mode == "empty" else self.bars("yahoo", code, f"{first:%Y%m%d}", f"{last:%Y%m%d}")
        hours, offset, zone, currency = _SESSIONS[_market(code)]
        start_of = {
            r["trade_date"]: calendar.timegm(_day(r["trade_date"]).timetuple()) + int(hours * 3600) for r in rows
        }
        rows = [r for r in rows if period1 <= start_of[r["trade_date"]] < period2]
        stamps = [start_of[r["trade_date"]] for r in rows]
        quote = {name: [r[name] for r in rows] for name in ("open", "high", "low", "close")}
        quote["volume"] = [int(r["shares"]) for r in rows]
        meta = {"symbol": symbol, "gmtoffset": offset, "currency": currency, "exchangeTimezoneName": zone}
        meta.update(instrumentType="EQUITY", dataGranularity="1d", timezone=zone)
        result: dict[str, Any] = {"meta": meta}
        if rows:
            result["timestamp"] = stamps
        result["indicators"] = {
            "quote": [quote if rows else {}],
            "adjclose": [{"adjclose": [r["adjclose"] for r in rows]}],
        }
        return _json({"chart": {"result": [result], "error": None}})

    def _alphavantage(self, query: dict[str, str], mode: str) -> tuple[int, str, bytes]:
        if query.get("apikey") != ALPHAVANTAGE_KEY:
            return _json({"Information": "the parameter apikey is invalid or missing."})
        symbol = query.get("symbol", "")
        code = symbol.replace(".SHH", ".SH").replace(".SHZ", ".SZ")
        if mode == "error" or code.startswith("999"):
            return _json({"Error Message": "Invalid API call. Please retry or visit the documentation."})
        rows = [] if mode == "empty" else self.bars("alphavantage", code, "20190101", DEFAULT_END)
        if query.get("outputsize") != "full":
            rows = rows[-100:]
        series = {
            _iso(r["trade_date"]): {
                "1. open": f"{r['open']:.4f}",
                "2. high": f"{r['high']:.4f}",
                "3. low": f"{r['low']:.4f}",
                "4. close": f"{r['close']:.4f}",
                "5. volume": str(int(r["shares"])),
            }
            for r in reversed(rows)
        }
        return _json({"Meta Data": {"2. Symbol": symbol}, "Time Series (Daily)": series})


def _source_of(path: str) -> str:
    if path.startswith("/api/qt/stock/kline"):
        return "akshare"
    if path.startswith("/v8/finance/chart/"):
        return "yahoo"
    return "alphavantage" if path == "/query" else "other"


def _yahoo_code(symbol: str) -> str:
    if symbol.endswith(".SS"):
        return symbol[:-3] + ".SH"
    if symbol.endswith(".HK"):
        return f"{int(symbol[:-3]):05d}.HK"
    return symbol


def _session_start(day: str, hours: float) -> int:
    return calendar.timegm(_day(day).timetuple()) + int(hours * 3600)


def _day(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _iso(text: str) -> str:
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}"


def _json(payload: Any, status: int = 200) -> tuple[int, str, bytes]:
    return status, "application/json; charset=utf-8", json.dumps(payload).encode()


def _handler(lookalikes: SourceLookalikes) -> Any:
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in two writes: with Nagle's algorithm the body would wait for the client's
        # delayed ACK (40 ms) on a kept-alive connection.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
            status, content_type, body = lookalikes.answer(parts.path, query)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler

"""A deliberately hostile tushare look-alike on 127.0.0.1 (standard library only).

The client's base URL selects a behaviour: ``http://127.0.0.1:<port>/<behaviour>``. Each behaviour answers the
tushare request (``{"api_name", "token", "params", "fields"}``) in one specific wrong (or tricky) way: lying paging
flags, repeated pages, nonsense values, dripping or oversized bodies, broken HTTP, echoed tokens. Behaviours are
plain functions of the request, so a test names what it provokes and asserts a typed error or correct data.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DAILY_FIELDS = (
    "ts_code",
    "trade_date",
    "open",
    "high",
    "low",
    "close",
    "pre_close",
    "change",
    "pct_chg",
    "vol",
    "amount",
)
RATE_DAY = "抱歉，您每天最多访问该接口1000次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。"
RATE_HOUR = "抱歉，您每小时最多访问该接口100次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。"
RATE_MINUTE = "抱歉，您每分钟最多访问该接口50次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。"


def daily_rows(n: int, *, close_values: int = 7) -> list[list[Any]]:
    """``n`` distinct daily records (unique ts_code + trade_date) whose closes repeat (few distinct values)."""
    rows = []
    for i in range(n):
        code = f"{i % 50:06d}.SZ"
        day = 20240101 + i // 50  # not a real calendar: only uniqueness matters
        close = float(10 + i % close_values)
        rows.append([code, str(day), close, close, close, close, close, 0.0, 0.0, 100.0, 1000.0])
    return rows


@dataclass
class Request:
    """One decoded client request."""

    api_name: str
    token: str
    params: dict[str, Any]
    fields: list[str]
    raw: bytes

    @property
    def offset(self) -> int:
        return int(self.params.get("offset", 0))

    @property
    def limit(self) -> int:
        return int(self.params.get("limit", 6000))


@dataclass
class Reply:
    """What to send: a status, headers and a body (bytes, or an iterator of (delay, bytes) chunks)."""

    body: bytes | Iterator[tuple[float, bytes]] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    close_without_reply: bool = False


Behaviour = Callable[[Request], Reply]


def envelope(
    items: list[list[Any]] | None,
    *,
    fields: Any = DAILY_FIELDS,
    has_more: bool | None = None,
    count: int | None = None,
    code: Any = 0,
    msg: str = "",
    request_id: str = "rid-1",
    data_null: bool = False,
) -> dict[str, Any]:
    data: dict[str, Any] | None = None
    if not data_null and items is not None:
        data = {"fields": list(fields), "items": items}
        if has_more is not None:
            data["has_more"] = has_more
        if count is not None:
            data["count"] = count
    return {"code": code, "msg": msg, "request_id": request_id, "data": data}


def as_json(payload: dict[str, Any], **headers: str) -> Reply:
    return Reply(
        json.dumps(payload, ensure_ascii=False).encode(), headers={"Content-Type": "application/json", **headers}
    )


def project(rows: list[list[Any]], fields: list[str]) -> tuple[list[str], list[list[Any]]]:
    """The rows limited to the requested columns (all when none are named), as the real server does."""
    names = fields or list(DAILY_FIELDS)
    positions = [DAILY_FIELDS.index(name) for name in names]
    return names, [[row[p] for p in positions] for row in rows]


def paged(
    rows: list[list[Any]],
    *,
    cap: int = 6000,
    flag: bool = True,
    count: bool = False,
    ignore_offset: bool = False,
    shift: int = 0,
    lie_has_more_false_after: int | None = None,
) -> Behaviour:
    """A server over ``rows`` with configurable lies."""

    def behaviour(req: Request) -> Reply:
        size = min(req.limit, cap)
        start = 0 if ignore_offset else max(0, req.offset - (shift if req.offset else 0))
        chunk = rows[start : start + size]
        has_more: bool | None = (start + len(chunk) < len(rows)) if flag else None
        if lie_has_more_false_after is not None and start + len(chunk) >= lie_has_more_false_after:
            has_more = False
        names, items = project(chunk, req.fields)
        return as_json(envelope(items, fields=names, has_more=has_more, count=len(rows) if count else None))

    return behaviour


def raw(body: bytes | str, status: int = 200, /, **headers: str) -> Behaviour:
    data = body.encode() if isinstance(body, str) else body
    return lambda req: Reply(data, status=status, headers=headers)


def one_row_with(column: str, literal: str) -> Behaviour:
    """One daily row whose ``column`` cell is the JSON text ``literal`` (which may not even be JSON)."""

    def behaviour(req: Request) -> Reply:
        cells = [json.dumps(v) for v in daily_rows(1)[0]]
        cells[DAILY_FIELDS.index(column)] = literal
        body = (
            '{"code":0,"msg":"","request_id":"r","data":{"fields":'
            + json.dumps(list(DAILY_FIELDS))
            + ',"items":[['
            + ",".join(cells)
            + ']],"has_more":false}}'
        )
        return Reply(body.encode())

    return behaviour


def with_new_column(literal: str) -> Behaviour:
    """One daily row followed by a column the metadata does not know, whose cell is the JSON text ``literal``."""

    def behaviour(req: Request) -> Reply:
        cells = [json.dumps(v) for v in daily_rows(1)[0]] + [literal]
        fields = [*DAILY_FIELDS, "new_column"]
        body = (
            '{"code":0,"msg":"","request_id":"r","data":{"fields":'
            + json.dumps(fields)
            + ',"items":[['
            + ",".join(cells)
            + ']],"has_more":false}}'
        )
        return Reply(body.encode())

    return behaviour


def drip(seconds_per_byte: float) -> Behaviour:
    body = json.dumps(envelope(daily_rows(3), has_more=False)).encode()
    return lambda req: Reply(iter([(seconds_per_byte, body[i : i + 1]) for i in range(len(body))]))


def gzip_bomb(inflated: int) -> Behaviour:
    head = b'{"code":0,"msg":"","request_id":"r","data":{"fields":["ts_code"],"items":[["'
    packed = gzip.compress(head + b"0" * inflated + b'"]]}}', 6)
    return lambda req: Reply(packed, headers={"Content-Encoding": "gzip"})


def echo_token(where: str) -> Behaviour:
    def behaviour(req: Request) -> Reply:
        if where == "request_id":
            return as_json(envelope(None, code=40101, msg="token invalid", request_id=req.token))
        if where == "malformed":
            return Reply(f"<html>proxy error for token {req.token}</html>".encode())
        return as_json(envelope(None, code=-2001, msg=f"参数错误 token={req.token}"))

    return behaviour


def _slow_headers(req: Request) -> Reply:
    time.sleep(3)
    return as_json(envelope([], has_more=False))


def _chunked(req: Request) -> Reply:
    body = json.dumps(envelope(daily_rows(4), has_more=False)).encode()
    return Reply(iter([(0.0, body[:10]), (0.0, body[10:])]), headers={"Transfer-Encoding": "chunked"})


ROWS_12K = daily_rows(12_000)

BEHAVIOURS: dict[str, Behaviour] = {
    # paging that tells the truth, and paging that lies
    "ok": paged(ROWS_12K),
    "ignore_offset": paged(ROWS_12K, ignore_offset=True),
    "cap_2000_no_has_more": paged(ROWS_12K, cap=2000, flag=False),
    "cap_2000_has_more": paged(ROWS_12K, cap=2000),
    "no_flag": paged(ROWS_12K, flag=False),
    "has_more_false_early": paged(ROWS_12K, count=True, lie_has_more_false_after=5000),
    "seam_shift": paged(ROWS_12K, shift=50),
    "empty_with_has_more": lambda req: as_json(envelope([], has_more=True)),
    "empty_before_count": lambda req: as_json(
        envelope(
            project(ROWS_12K[:6000], req.fields)[1] if req.offset == 0 else [],
            fields=project([], req.fields)[0],
            has_more=False,
            count=12_000,
        )
    ),
    "fields_change": lambda req: as_json(
        envelope(daily_rows(2), has_more=True) if req.offset == 0 else envelope([["x"]], fields=["ts_code"])
    ),
    # values that must not decode
    "float_overflow": one_row_with("close", "1e400"),
    "int_401_digits_in_float": one_row_with("close", "9" * 401),
    "nan": one_row_with("close", "NaN"),
    "infinity": one_row_with("close", "Infinity"),
    "minus_infinity": one_row_with("close", "-Infinity"),
    "bool_in_float": one_row_with("close", "true"),
    "string_in_float": one_row_with("close", '"12.5"'),
    "object_in_float": one_row_with("close", '{"v": 1}'),
    "number_in_str": one_row_with("ts_code", "600000"),
    "missing_column": lambda req: as_json(
        envelope([row[:5] for row in daily_rows(2)], fields=DAILY_FIELDS[:5], has_more=False)
    ),
    "new_column": with_new_column("42.5"),
    "nan_in_new_column": with_new_column("NaN"),
    "infinity_in_new_column": with_new_column("Infinity"),
    "data_null": lambda req: as_json(envelope(None, data_null=True)),
    "row_too_short": lambda req: as_json(envelope([row[:-1] for row in daily_rows(2)], has_more=False)),
    "duplicate_columns": lambda req: as_json(envelope([[1.0, 2.0]], fields=["close", "close"], has_more=False)),
    "code_is_string": lambda req: as_json(envelope([], code="0")),
    "code_huge": lambda req: as_json(envelope([], code=2**40)),
    "count_negative": lambda req: as_json(envelope([], count=-1)),
    "html": raw("<html><body>502 Bad Gateway</body></html>", **{"Content-Type": "text/html"}),
    "truncated_json": raw('{"code":0,"msg":"","data":{"fields":["ts_code"],"items":[["000'),
    "empty_body": raw(b""),
    "garbage": raw(b"\x00\xff\xfe binary"),
    "json_array": raw("[1, 2, 3]"),
    "deep_nesting": raw("[" * 100_000),
    # HTTP and the wire
    "drip": drip(0.2),
    "slow_headers": _slow_headers,
    "reset": lambda req: Reply(close_without_reply=True),
    "short_content_length": lambda req: Reply(b'{"code":0', headers={"Content-Length": "500"}),
    "gzip_bomb": gzip_bomb(64 * 1024 * 1024),
    "bad_gzip": raw(b"not gzip at all", **{"Content-Encoding": "gzip"}),
    "brotli_claimed": raw(b"\x0b\x02\x80", **{"Content-Encoding": "br"}),
    "chunked": _chunked,
    "wrong_content_type": lambda req: Reply(
        json.dumps(envelope(daily_rows(2), has_more=False)).encode(), headers={"Content-Type": "text/plain"}
    ),
    "http_500": raw("oops", 500),
    "http_404": raw("not here", 404),
    "http_302": raw("", 302, Location="http://127.0.0.1:1/"),
    "http_429": raw("slow down", 429, **{"Retry-After": "30"}),
    # codes
    "auth": lambda req: as_json(envelope(None, code=40101, msg="您的token不对，请确认。")),
    "permission": lambda req: as_json(
        envelope(None, code=40203, msg="抱歉，您没有接口访问权限，权限的具体详情访问：https://tushare.pro。")
    ),
    "server_params": lambda req: as_json(envelope(None, code=-2001, msg="参数格式错误")),
    "unknown_code": lambda req: as_json(envelope(None, code=12345, msg="???")),
    "rate_day": lambda req: as_json(envelope(None, code=40203, msg=RATE_DAY)),
    "rate_hour": lambda req: as_json(envelope(None, code=40203, msg=RATE_HOUR)),
    "rate_numberless": lambda req: as_json(envelope(None, code=40203, msg="频率超限")),
    # the token echoed back
    "echo_request_id": echo_token("request_id"),
    "echo_msg": echo_token("msg"),
    "echo_malformed": echo_token("malformed"),
}


class HostileServer:
    """The server; ``url(behaviour)`` is the base URL that selects one. Counts requests per behaviour."""

    def __init__(self) -> None:
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, behaviour: str) -> str:
        assert behaviour in BEHAVIOURS, behaviour
        return f"http://127.0.0.1:{self._server.server_address[1]}/{behaviour}"

    def count(self, behaviour: str) -> int:
        with self._lock:
            return self.requests.get(behaviour, 0)

    def record(self, behaviour: str) -> None:
        with self._lock:
            self.requests[behaviour] = self.requests.get(behaviour, 0) + 1


def _handler(server: HostileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            name = self.path.strip("/").split("/")[0]
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            payload = json.loads(body.decode("utf-8", errors="replace"))
            fields = [f for f in str(payload.get("fields", "")).split(",") if f]
            request = Request(
                payload.get("api_name", ""), payload.get("token", ""), payload.get("params", {}), fields, body
            )
            server.record(name)
            reply = BEHAVIOURS[name](request)
            if reply.close_without_reply:
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            if isinstance(reply.body, bytes):
                if "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
                if "Content-Length" in reply.headers:
                    self.close_connection = True
                return
            chunked = reply.headers.get("Transfer-Encoding") == "chunked"
            if not chunked:
                self.send_header("Connection", "close")
            self.end_headers()
            try:
                for delay, piece in reply.body:
                    time.sleep(delay)
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                    self.wfile.flush()
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass  # the client gave up: that is what the drip cases provoke
            self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests assert on outcomes, not on access logs."""

    return Handler

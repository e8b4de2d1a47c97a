"""``tushare_typed.testing``: a local tushare server for tests, and its pytest plugin.

:class:`TushareEmulator` is a real HTTP server on 127.0.0.1 (a random port by default) that speaks the tushare
envelope: ``POST /`` or ``POST /dataapi/<api_name>`` with ``{"api_name", "token", "params", "fields"}``, answered
with ``{"request_id", "code", "msg", "data": {"fields", "items", "has_more", "count"}}``. For every interface in a
catalog it serves deterministic synthetic rows from :mod:`.testing_data` (a trading calendar, consistent daily bars,
adjustment factors and financial statements, selected by codes, dates and ranges as the real server does). It
enforces what the real server enforces and tests need to provoke: the token (40101), per-token per-interface call
quotas over a sliding window (40203 with the real message, naming the window), row caps with
``limit``/``offset``/``has_more`` (optionally with overlapping pages), permission denial (40203), and injected
faults (HTTP 500, dropped connections, slow replies, truncated JSON). It counts every call by interface, token and
outcome.

The module is also a pytest plugin (entry point ``pytest11``): the ``tushare_emulator`` fixture yields a running
emulator and points ``TUSHARE_API_URL`` / ``TUSHARE_TOKEN`` at it. pytest imports every plugin at start-up, so this
module imports only the standard library's lightest modules at the top; the HTTP server is imported on ``start()``.

``python -m tushare_typed.testing --help`` runs an emulator until stopped, e.g. in the background of a shell session
(options: port, quota and window, denied interfaces, accepted tokens; see :mod:`.testing_cli`).
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    import socket
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from .catalog import Catalog, InterfaceSpec
    from .testing_data import Dataset

__all__ = [
    "DEFAULT_TOKEN",
    "Faults",
    "RequestRecord",
    "TushareEmulator",
    "permission_message",
    "rate_limit_message",
]

#: The token an emulator accepts unless told otherwise. Not shaped like a real token (56 hex digits) on purpose.
DEFAULT_TOKEN: Final = "tushare-emulator-token"  # noqa: S105 (a test token, not a secret)

FaultKind = Literal["http_500", "drop", "slow", "truncate"]
# "ok", "rate_limited", "denied", "bad_token", "bad_request", "unknown_api", or "fault:http_500" / "fault:drop" for
# requests a fault kept from the API (slow and truncated replies keep their real outcome).
Outcome = str

BAD_TOKEN_MSG: Final = "您的token不对，请确认。"  # noqa: S105 (a message, not a secret)
UNKNOWN_API_MSG: Final = "请指定正确的接口名"
BAD_REQUEST_MSG: Final = "参数格式错误"
_DOC_URL: Final = "https://tushare.pro/document/1?doc_id=108"
_PAGING_PARAMS: Final = frozenset({"limit", "offset"})
# Parameters the SDK adds that do not select data: kept out of the data seed.
_IGNORED_PARAMS: Final = frozenset({"ts_type_name"})
_MASK64: Final = (1 << 64) - 1
_GOLDEN: Final = 0x9E3779B97F4A7C15  # 2**64 / golden ratio: spreads consecutive integers over 64 bits


def rate_limit_message(calls: int, window: float) -> str:
    """The server's 40203 message for a call cap ("抱歉，您每分钟最多访问该接口N次…")."""
    unit = "天" if window >= 86400 else "小时" if window >= 3600 else "分钟"
    return f"抱歉，您每{unit}最多访问该接口{calls}次，权限的具体详情访问：{_DOC_URL}。"


def permission_message() -> str:
    """The server's 40203 message for an interface the account may not call."""
    return f"抱歉，您没有接口访问权限，权限的具体详情访问：{_DOC_URL}。"


@dataclass(frozen=True, slots=True)
class Faults:
    """Which calls fail, and how. Deterministic: the same seed and call numbers give the same faults.

    ``http_500`` … ``truncate`` are the chances per call; ``on_calls`` maps 1-based call numbers to a fault and
    overrides the chances. Calls are numbered over the interfaces in ``apis`` (all interfaces when None), in the
    order the server receives them.
    """

    http_500: float = 0.0
    drop: float = 0.0
    slow: float = 0.0
    truncate: float = 0.0
    on_calls: Mapping[int, FaultKind] = field(default_factory=dict)
    apis: frozenset[str] | None = None
    slow_seconds: float = 1.0
    seed: int = 0

    def applies_to(self, api_name: str) -> bool:
        return self.apis is None or api_name in self.apis

    def pick(self, call_number: int) -> FaultKind | None:
        """The fault for the ``call_number``-th eligible call, if any."""
        if call_number in self.on_calls:
            return self.on_calls[call_number]
        chances: tuple[tuple[FaultKind, float], ...] = (
            ("http_500", self.http_500),
            ("drop", self.drop),
            ("slow", self.slow),
            ("truncate", self.truncate),
        )
        if not any(chance for _, chance in chances):
            return None
        draw = _unit_float(_mix(self.seed * _GOLDEN + call_number))
        for kind, chance in chances:
            if draw < chance:
                return kind
            draw -= chance
        return None


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request as the emulator saw it."""

    number: int
    api_name: str
    token: str
    params: Mapping[str, Any]
    fields: str
    outcome: Outcome
    fault: FaultKind | None
    received_at: float


@dataclass(slots=True)
class _Reply:
    status: int
    body: bytes
    fault: FaultKind | None = None
    delay: float = 0.0


class TushareEmulator:
    """A tushare server on 127.0.0.1 for tests; use it as a context manager and talk to :attr:`url`.

    ``catalog`` defaults to the package's ``catalog.json``; tests should pass a small one. ``tokens`` lists the
    accepted tokens (None accepts any non-empty token). ``quota`` calls per ``window`` seconds hold for each token and
    interface (``quotas`` overrides per interface). ``total_rows`` (default: what the query's codes and dates select)
    overrides how many rows a query has: one number, a number per interface, or a function of ``(api_name, params)``.
    Rows per call are capped by ``row_caps``, else the interface's ``row_limit``, else ``default_row_cap``.
    ``overlap`` (one number, or per interface) makes each full page repeat that many rows of the page before, as
    some interfaces do. ``denied`` interfaces answer with the permission 40203.
    """

    def __init__(
        self,
        catalog: Catalog | None = None,
        *,
        tokens: Iterable[str] | None = (DEFAULT_TOKEN,),
        quota: int | None = None,
        window: float = 60.0,
        quotas: Mapping[str, int] | None = None,
        total_rows: int | Mapping[str, int] | Callable[[str, Mapping[str, Any]], int] | None = None,
        row_caps: Mapping[str, int] | None = None,
        default_row_cap: int = 5000,
        overlap: int | Mapping[str, int] = 0,
        denied: Iterable[str] = (),
        faults: Faults | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if catalog is None:
            from .catalog import load_catalog

            catalog = load_catalog()
        self.catalog = catalog
        self.tokens = None if tokens is None else frozenset(tokens)
        self.quota = quota
        self.window = window
        self.quotas = dict(quotas or {})
        self.total_rows = total_rows
        self.row_caps = dict(row_caps or {})
        self.default_row_cap = default_row_cap
        self.overlap = overlap
        self.denied = frozenset(denied)
        self.faults = faults
        self.seed = seed
        self.host = host
        self._port = port
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str, Outcome]] = Counter()
        self._fault_counts: Counter[FaultKind] = Counter()
        self._windows: dict[tuple[str, str], deque[float]] = {}
        self._records: list[RequestRecord] = []
        self._request_number = 0
        self._fault_number = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    # --- life cycle ------------------------------------------------------------------------------------------

    def __enter__(self) -> TushareEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> TushareEmulator:
        """Listen and serve in a background thread; returns self."""
        if self._server is not None:
            return self
        from http.server import ThreadingHTTPServer

        class _Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128

        self._server = _Server((self.host, self._port), _make_handler(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="tushare-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every open connection."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._lock:
            connections, self._connections = self._connections, set()
        for conn in connections:
            _shutdown_socket(conn)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running: use it as a context manager or call start()")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The base URL to give a client (``POST`` to it, or to ``<url>/dataapi/<api_name>``)."""
        return f"http://{self.host}:{self.port}"

    @property
    def token(self) -> str:
        """A token this emulator accepts."""
        if self.tokens is None or not self.tokens:
            return DEFAULT_TOKEN
        return DEFAULT_TOKEN if DEFAULT_TOKEN in self.tokens else min(self.tokens)

    # --- what happened ---------------------------------------------------------------------------------------

    def calls(self, api_name: str | None = None, token: str | None = None, outcome: Outcome | None = None) -> int:
        """Requests received, optionally only for one interface, token or outcome."""
        with self._lock:
            return sum(
                n
                for (api, tok, out), n in self._counts.items()
                if (api_name is None or api == api_name)
                and (token is None or tok == token)
                and (outcome is None or out == outcome)
            )

    def faults_injected(self, kind: FaultKind | None = None) -> int:
        """Faults applied so far (of one kind, or all)."""
        with self._lock:
            return self._fault_counts[kind] if kind is not None else sum(self._fault_counts.values())

    def rejections(self, api_name: str | None = None, token: str | None = None) -> int:
        """Calls refused for exceeding a quota (40203 rate replies)."""
        return self.calls(api_name, token, "rate_limited")

    def stats(self) -> dict[str, Any]:
        """Counts by outcome, by interface and by token (tokens shown only as their position in ``tokens``)."""
        with self._lock:
            counts = list(self._counts.items())
            faults = dict(sorted(self._fault_counts.items()))
        by_outcome: Counter[str] = Counter()
        by_api: dict[str, Counter[str]] = {}
        for (api, _token, outcome), n in counts:
            by_outcome[outcome] += n
            by_api.setdefault(api, Counter())[outcome] += n
        return {
            "calls": sum(by_outcome.values()),
            "outcomes": dict(sorted(by_outcome.items())),
            "by_api": {api: dict(sorted(c.items())) for api, c in sorted(by_api.items())},
            "faults": faults,
        }

    @property
    def records(self) -> list[RequestRecord]:
        """Every request so far, in arrival order."""
        with self._lock:
            return list(self._records)

    def reset_stats(self) -> None:
        """Forget counts, records and quota windows (call numbering for faults restarts too)."""
        with self._lock:
            self._counts.clear()
            self._fault_counts.clear()
            self._records.clear()
            self._windows.clear()
            self._request_number = 0
            self._fault_number = 0

    # --- the data --------------------------------------------------------------------------------------------

    def rows(
        self, api_name: str, params: Mapping[str, Any] | None = None, fields: str | Sequence[str] = ""
    ) -> tuple[list[str], list[list[Any]]]:
        """The whole result of a query, as the server pages through it: ``(fields, items)``, newest first."""
        spec = self.catalog.get(api_name)
        params = dict(params or {})
        names = _select_fields(spec, fields)
        data = _dataset(spec, self._data_params(params), self.seed)
        return names, data.rows(0, self._total_rows(api_name, params, data), names)

    # --- request handling (no sockets: the HTTP handler calls this) ------------------------------------------

    def handle(self, path: str, body: bytes) -> _Reply:
        """Answer one POST: the envelope bytes, plus any fault to apply on the wire."""
        received_at = time.monotonic()
        request, problem = _parse_request(path, body)
        api_name = str(request.get("api_name") or "")
        token = str(request.get("token") or "")
        raw_params = request.get("params")
        params: dict[str, Any] = raw_params if isinstance(raw_params, dict) else {}
        fields = request.get("fields") or ""
        if isinstance(fields, list):
            fields = ",".join(str(f) for f in fields)
        fault = self._next_fault(api_name)
        if fault in ("http_500", "drop"):
            # The request never reaches the API: no quota is spent and the outcome is the fault.
            self._count(api_name, token, params, str(fields), f"fault:{fault}", fault, received_at)
            return _Reply(500, b'{"error": "internal server error"}', fault)
        # A slow or truncated reply was still answered (and counted against the quota): keep its real outcome.
        outcome, payload = self._answer(api_name, token, params, str(fields), problem, received_at)
        self._count(api_name, token, params, str(fields), outcome, fault, received_at)
        delay = self.faults.slow_seconds if fault == "slow" and self.faults is not None else 0.0
        return _Reply(200, _encode(payload), fault, delay)

    def _answer(
        self,
        api_name: str,
        token: str,
        params: Mapping[str, Any],
        fields: str,
        problem: str | None,
        received_at: float,
    ) -> tuple[Outcome, dict[str, Any]]:
        if problem is not None:
            return "bad_request", _error(-2001, f"{BAD_REQUEST_MSG}: {problem}")
        if not token or (self.tokens is not None and token not in self.tokens):
            return "bad_token", _error(40101, BAD_TOKEN_MSG)
        if api_name not in self.catalog:
            return "unknown_api", _error(-2001, UNKNOWN_API_MSG)
        if api_name in self.denied:
            return "denied", _error(40203, permission_message())
        cap = self.quotas.get(api_name, self.quota)
        if cap is not None and not self._admit(token, api_name, cap, received_at):
            return "rate_limited", _error(40203, rate_limit_message(cap, self.window))
        try:
            return "ok", self._page(api_name, params, fields)
        except ValueError as exc:
            return "bad_request", _error(-2001, f"{BAD_REQUEST_MSG}: {exc}")

    def _admit(self, token: str, api_name: str, cap: int, now: float) -> bool:
        # A sliding window: the strictest way a server can count, so a client that passes here passes anywhere.
        with self._lock:
            calls = self._windows.setdefault((token, api_name), deque())
            while calls and calls[0] <= now - self.window:
                calls.popleft()
            if len(calls) >= cap:
                return False
            calls.append(now)
            return True

    def _page(self, api_name: str, params: Mapping[str, Any], fields: str) -> dict[str, Any]:
        spec = self.catalog.get(api_name)
        names = _select_fields(spec, fields)
        data = _dataset(spec, self._data_params(params), self.seed)
        total = self._total_rows(api_name, params, data)
        cap = self.row_caps.get(api_name) or spec.row_limit or self.default_row_cap
        limit = _int_param(params, "limit", cap)
        offset = _int_param(params, "offset", 0)
        size = min(limit, cap) if limit > 0 else cap
        overlap = self.overlap.get(api_name, 0) if isinstance(self.overlap, Mapping) else self.overlap
        # Each row-cap's worth of offset shifts the page back by `overlap` rows, so with full pages every page
        # repeats the last `overlap` rows of the one before, and no row is ever skipped.
        start = max(0, offset - overlap * -(-offset // cap))
        stop = min(total, start + size)
        items = data.rows(start, stop, names)
        return {
            "request_id": "",
            "code": 0,
            "msg": "",
            "data": {"fields": names, "items": items, "has_more": stop < total, "count": len(items)},
        }

    def _total_rows(self, api_name: str, params: Mapping[str, Any], data: Dataset) -> int:
        # The rows the query selects, unless the test asked for a given number (then the series continues).
        if callable(self.total_rows):
            return self.total_rows(api_name, self._data_params(params))
        if isinstance(self.total_rows, Mapping):
            return self.total_rows.get(api_name, data.natural_total)
        return data.natural_total if self.total_rows is None else self.total_rows

    @staticmethod
    def _data_params(params: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in params.items() if k not in _PAGING_PARAMS and k not in _IGNORED_PARAMS}

    def _next_fault(self, api_name: str) -> FaultKind | None:
        if self.faults is None or not self.faults.applies_to(api_name):
            return None
        with self._lock:
            self._fault_number += 1
            number = self._fault_number
        return self.faults.pick(number)

    def _count(
        self,
        api_name: str,
        token: str,
        params: Mapping[str, Any],
        fields: str,
        outcome: Outcome,
        fault: FaultKind | None,
        at: float,
    ) -> None:
        with self._lock:
            self._request_number += 1
            self._counts[(api_name, token, outcome)] += 1
            if fault is not None:
                self._fault_counts[fault] += 1
            self._records.append(
                RequestRecord(self._request_number, api_name, token, dict(params), fields, outcome, fault, at)
            )

    def _track(self, conn: socket.socket, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)


# --- synthetic data (the rows themselves: testing_data.py) ------------------------------------------------------


def _dataset(spec: InterfaceSpec, params: Mapping[str, Any], seed: int) -> Dataset:
    from .testing_data import Dataset

    return Dataset(spec, params, seed)


def _select_fields(spec: InterfaceSpec, fields: str | Sequence[str]) -> list[str]:
    wanted = [f.strip() for f in fields.split(",")] if isinstance(fields, str) else list(fields)
    wanted = [f for f in wanted if f]
    if not wanted:
        return list(spec.default_fields or spec.field_names)
    known = set(spec.field_names)
    # Like the server: unknown names are ignored, known ones come back in the order asked.
    return [name for name in dict.fromkeys(wanted) if name in known]


def _mix(value: int) -> int:
    """splitmix64's finaliser: a cheap, well-spread 64-bit hash of an integer."""
    value = (value + _GOLDEN) & _MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK64
    return value ^ (value >> 31)


def _unit_float(value: int) -> float:
    return (value >> 11) / float(1 << 53)


def _int_param(params: Mapping[str, Any], name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


# --- the wire ----------------------------------------------------------------------------------------------------


def _parse_request(path: str, body: bytes) -> tuple[dict[str, Any], str | None]:
    import json

    path_api = path.rstrip("/").rpartition("/dataapi/")[2] if "/dataapi/" in path else ""
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        return {"api_name": path_api}, "the body is not JSON"
    if not isinstance(request, dict):
        return {"api_name": path_api}, "the body is not a JSON object"
    if not request.get("api_name"):
        request["api_name"] = path_api
    if not request["api_name"]:
        return request, "api_name is missing"
    if request.get("params") is not None and not isinstance(request["params"], dict):
        return request, "params must be an object"
    return request, None


def _error(code: int, msg: str) -> dict[str, Any]:
    return {"request_id": "", "code": code, "msg": msg, "data": None}


def _encode(payload: dict[str, Any]) -> bytes:
    import json
    import uuid

    payload["request_id"] = uuid.uuid4().hex
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _shutdown_socket(conn: socket.socket) -> None:
    import socket as socket_module

    with contextlib.suppress(OSError):  # already closed by the peer
        conn.shutdown(socket_module.SHUT_RDWR)


_SERVED_PATHS: Final = ("/", "/dataapi")


def _make_handler(emulator: TushareEmulator) -> type[BaseHTTPRequestHandler]:
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as httpx uses it
        server_version = "TushareEmulator/1"

        def setup(self) -> None:
            super().setup()
            emulator._track(self.connection, True)

        def finish(self) -> None:
            try:
                super().finish()
            finally:
                emulator._track(self.connection, False)

        def do_POST(self) -> None:
            path = self.path.split("?", 1)[0]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not (path in _SERVED_PATHS or path.startswith("/dataapi/")):
                self._send(404, b'{"error": "not found"}')
                return
            reply = emulator.handle(path, body)
            if reply.fault == "drop":
                # Close without a byte of reply: the client sees the connection die mid-request.
                self.close_connection = True
                _shutdown_socket(self.connection)
                return
            if reply.delay:
                time.sleep(reply.delay)
            body_out = reply.body[: len(reply.body) // 2] if reply.fault == "truncate" else reply.body
            self._send(reply.status, body_out)

        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] == "/_emulator/stats":
                import json

                self._send(200, json.dumps(emulator.stats()).encode())
            else:
                self._send(404, b'{"error": "not found"}')

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # tests read the emulator's counts, not a log on stderr

    return Handler


# --- command line (benchmarks run the emulator in its own process) -----------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run an emulator until stopped (SIGTERM or Ctrl-C); print its URL on the first line of stdout."""
    from .testing_cli import parse_arguments, serve_until_stopped

    options = parse_arguments(argv)
    with TushareEmulator(**options) as emulator:
        print(emulator.url, flush=True)
        serve_until_stopped()
    return 0


# --- pytest plugin -----------------------------------------------------------------------------------------------

# pytest imports this module through the pytest11 entry point, so pytest is loaded by then; a plain
# `import tushare_typed.testing` outside pytest must not pay for importing it.
if "pytest" in sys.modules:
    import pytest

    def pytest_configure(config: pytest.Config) -> None:
        config.addinivalue_line(
            "markers", "tushare_emulator(**options): TushareEmulator options for the tushare_emulator fixture"
        )

    @pytest.fixture
    def tushare_emulator_catalog() -> Catalog | None:
        """The catalog the ``tushare_emulator`` fixture serves; override it in a conftest (None: the package's)."""
        return None

    @pytest.fixture
    def tushare_emulator(
        request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tushare_emulator_catalog: Catalog | None
    ) -> Iterator[TushareEmulator]:
        """A running emulator; ``TUSHARE_API_URL`` and ``TUSHARE_TOKEN`` point at it for the test's duration.

        Options: ``@pytest.mark.tushare_emulator(quota=5, window=2.0, ...)`` (any :class:`TushareEmulator` argument).
        """
        marker = request.node.get_closest_marker("tushare_emulator")
        options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
        options.setdefault("catalog", tushare_emulator_catalog)
        with TushareEmulator(**options) as emulator:
            monkeypatch.setenv("TUSHARE_API_URL", emulator.url)
            monkeypatch.setenv("TUSHARE_TOKEN", emulator.token)
            yield emulator


if __name__ == "__main__":
    raise SystemExit(main())

"""The emulator: a tushare server on 127.0.0.1, its quotas, row caps, faults and counts (see the package docs)."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from ._data import Dataset
from ._http import encode_reply, error_reply, make_handler, parse_request, shutdown_socket
from ._synthetic import GOLDEN, check_sizes, int_param, mix, select_fields, unit_float

if TYPE_CHECKING:
    import socket
    from http.server import ThreadingHTTPServer

    from ..catalog import Catalog

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
        draw = unit_float(mix(self.seed * GOLDEN + call_number))
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
    overrides how many rows a query has (``trade_cal`` excepted: it stays a calendar): one number, a number per
    interface, or a function of ``(api_name, params)``.
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
            from ..catalog import load_catalog

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

        self._server = _Server((self.host, self._port), make_handler(self))
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
            shutdown_socket(conn)
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
        names = select_fields(spec, fields)
        data = Dataset(spec, self._data_params(params), self.seed)
        return names, data.rows(0, self._total_rows(api_name, params, data), names)

    # --- request handling (no sockets: the HTTP handler calls this) ------------------------------------------

    def handle(self, path: str, body: bytes) -> _Reply:
        """Answer one POST: the envelope bytes, plus any fault to apply on the wire."""
        received_at = time.monotonic()
        request, problem = parse_request(path, body)
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
        return _Reply(200, encode_reply(payload), fault, delay)

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
            return "bad_request", error_reply(-2001, f"{BAD_REQUEST_MSG}: {problem}")
        if not token or (self.tokens is not None and token not in self.tokens):
            return "bad_token", error_reply(40101, BAD_TOKEN_MSG)
        if api_name not in self.catalog:
            return "unknown_api", error_reply(-2001, UNKNOWN_API_MSG)
        if api_name in self.denied:
            return "denied", error_reply(40203, permission_message())
        cap = self.quotas.get(api_name, self.quota)
        if cap is not None and not self._admit(token, api_name, cap, received_at):
            return "rate_limited", error_reply(40203, rate_limit_message(cap, self.window))
        try:
            return "ok", self._page(api_name, params, fields)
        except ValueError as exc:
            return "bad_request", error_reply(-2001, f"{BAD_REQUEST_MSG}: {exc}")

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
        check_sizes({**params, "fields": fields})
        spec = self.catalog.get(api_name)
        names = select_fields(spec, fields)
        data = Dataset(spec, self._data_params(params), self.seed)
        total = self._total_rows(api_name, params, data)
        cap = self.row_caps.get(api_name) or spec.row_limit or self.default_row_cap
        limit = int_param(params, "limit", cap)
        offset = int_param(params, "offset", 0)
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
        # The rows the query selects, unless the test asked for a given number (then the series continues). A
        # calendar stays one (every day of its range once), whatever the test asked of the other interfaces.
        if data.axis_kind == "calendar":
            return data.natural_total
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

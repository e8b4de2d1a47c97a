"""OpenTelemetry in the client (_internal/telemetry.py): spans and metrics of both halves through in-memory exporters,
the token never in a span, trace ids in structlog events, and nothing at all while no application configured it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
import structlog

from tests.otel_support import InMemoryOtel, every_text, in_memory_otel, reset_globals
from tushare_typed._internal import otel_setup, telemetry
from tushare_typed._internal.client_base import AsyncBaseClient, BaseClient
from tushare_typed._internal.log_events import configure_logging
from tushare_typed._internal.transport import AsyncTransport, SyncTransport
from tushare_typed.errors import AuthError
from tushare_typed.models.daily import DailyResponse

from .fakes import AsyncSleeper, FakeLimiter, Sleeper, reply_bytes, synthetic_token
from .halves import HALVES, AsyncClientDriver, Half

URL = "http://tushare.test/"
DAILY_FIELDS = list(DailyResponse.wire_names)


@pytest.fixture
def otel() -> Iterator[InMemoryOtel]:
    with in_memory_otel() as installed:
        yield installed


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


def _page(codes: tuple[str, ...], *, has_more: bool) -> httpx.Response:
    rows = [[code, "20240102", 1.0, 2.0, 0.5, 1.5, 1.0, 0.5, 50.0, 100.0, 150.0] for code in codes]
    return httpx.Response(200, content=reply_bytes(fields=DAILY_FIELDS, items=rows, has_more=has_more))


def _client(half: Half, token: str, limiter: FakeLimiter | None = None) -> Any:
    if half == "sync":
        return BaseClient(token, transport=SyncTransport(URL, sleep=Sleeper(), random=lambda: 0.0, limiter=limiter))
    transport = AsyncTransport(URL, sleep=AsyncSleeper(), random=lambda: 0.0, limiter=limiter)
    return AsyncClientDriver(AsyncBaseClient(token, transport=transport))


def _sum(otel: InMemoryOtel, name: str, **attributes: str) -> float:
    points = otel.metric_points(name)
    chosen = [p for p in points if all(bool(p.attributes.get(k) == v) for k, v in attributes.items())]
    return sum(float(p.value if hasattr(p, "value") else p.sum) for p in chosen)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("half", HALVES)
def test_a_paged_call_is_one_span_with_a_child_per_http_call(
    half: Half, otel: InMemoryOtel, mock: respx.MockRouter
) -> None:
    token = synthetic_token()
    mock.post(URL).mock(
        side_effect=[
            httpx.Response(200, content=reply_bytes(code=40203, msg="抱歉，您每分钟最多访问该接口50次")),
            _page(("000001.SZ", "000002.SZ"), has_more=True),
            _page(("000003.SZ",), has_more=False),
        ]
    )
    limiter = FakeLimiter(acquire_wait=0.25, rate_limited_wait=1.5)
    with _client(half, token, limiter) as client:
        response = client.query("daily", ts_code="000001.SZ")
    assert len(response.rows) == 3

    (paged,) = otel.spans("tushare.daily")
    calls = otel.spans(telemetry.CALL_SPAN)
    assert len(calls) == 2
    assert paged.attributes is not None
    assert dict(paged.attributes) == {
        "tushare.interface": "daily",
        "tushare.pages": 2,
        "tushare.rows": 3,
        "tushare.completed": True,
        "tushare.retries": 1,
        "tushare.quota_wait_s": pytest.approx(0.25 * 3 + 1.5),
    }
    assert all(c.parent is not None and c.parent.span_id == paged.context.span_id for c in calls)
    assert all(c.context.trace_id == paged.context.trace_id for c in calls)
    first = calls[0]
    assert first.attributes is not None
    assert first.attributes["tushare.attempts"] == 2 and first.attributes["tushare.retries"] == 1
    assert set(first.attributes["tushare.params"]) == {"ts_code", "offset", "limit"}  # type: ignore[arg-type]
    events = [(e.name, dict(e.attributes or {})) for e in first.events]
    assert ("tushare.rate_limit_wait", {"tushare.wait_s": 0.25, "tushare.reason": "limiter"}) in events
    assert ("tushare.rate_limit_wait", {"tushare.wait_s": 1.5, "tushare.reason": "server"}) in events
    retry = next(attributes for name, attributes in events if name == "tushare.retry")
    assert retry["tushare.attempt"] == 1 and str(retry["tushare.error.code"]).startswith("RATE")
    assert "000001.SZ" not in "".join(every_text(s) for s in otel.spans())  # parameter names, never values

    assert _sum(otel, "tushare.client.calls", **{"tushare.outcome": "ok"}) == 2
    assert _sum(otel, "tushare.client.rows") == 3
    assert sum(p.count for p in otel.metric_points("tushare.client.duration")) == 2
    assert sum(p.count for p in otel.metric_points("tushare.client.quota_wait")) == 4  # 3 turns + 1 server wait


@pytest.mark.timeout(30)
@pytest.mark.parametrize("half", HALVES)
def test_an_error_is_recorded_by_code_and_the_echoed_token_never_reaches_a_span(
    half: Half, otel: InMemoryOtel, mock: respx.MockRouter
) -> None:
    token = synthetic_token()
    echo = reply_bytes(code=40101, msg=f"token {token} 不对", request_id=token)
    mock.post(URL).mock(return_value=httpx.Response(200, content=echo))
    with _client(half, token) as client, pytest.raises(AuthError) as raised:
        client.query("daily", ts_code=token)  # a secret in a parameter value, too
    spans = otel.spans()
    assert {s.name for s in spans} == {"tushare.daily", telemetry.CALL_SPAN}
    for span in spans:
        assert span.status.status_code.name == "ERROR"
        assert span.attributes is not None and span.attributes["tushare.error.code"] == raised.value.code
        assert token not in every_text(span)
        assert any(e.name == "exception" for e in span.events)
    assert _sum(otel, "tushare.client.errors", **{"tushare.error.code": raised.value.code}) == 1
    assert _sum(otel, "tushare.client.calls", **{"tushare.outcome": "error"}) == 1


@pytest.mark.timeout(30)
def test_structlog_events_carry_the_trace_and_span_ids(otel: InMemoryOtel, mock: respx.MockRouter) -> None:
    mock.post(URL).mock(return_value=_page(("000001.SZ",), has_more=False))
    stream = io.StringIO()
    configure_logging(json=True, stream=stream)
    try:
        with _client("sync", synthetic_token()) as client:
            client.query("daily")
    finally:
        structlog.reset_defaults()
    (event,) = [json.loads(line) for line in stream.getvalue().splitlines()]
    (paged,) = otel.spans("tushare.daily")
    assert event["event"] == "tushare.call"
    assert event["trace_id"] == format(paged.context.trace_id, "032x")
    assert event["span_id"] == format(paged.context.span_id, "016x")


@pytest.mark.timeout(30)
def test_without_a_configured_provider_every_hook_is_a_no_op(mock: respx.MockRouter) -> None:
    reset_globals()  # the API imported, no provider set: the placeholders
    assert telemetry.tracer() is None
    assert telemetry.observe("daily", "rid", ["ts_code"]) is telemetry.NOOP
    mock.post(URL).mock(return_value=_page(("000001.SZ",), has_more=False))
    with _client("sync", synthetic_token()) as client:
        assert len(client.query("daily").rows) == 1
    event: dict[str, Any] = {}
    assert telemetry.add_trace_ids(None, "info", event) == {}


@pytest.mark.timeout(60)
def test_a_client_call_imports_no_opentelemetry_when_no_application_asked_for_it() -> None:
    program = """
import json, sys, httpx
from tushare_typed import TushareClient
def reply(request):
    data = {"fields": ["exchange", "cal_date"], "items": [["SSE", "20240102"]], "has_more": False}
    body = json.dumps({"code": 0, "msg": "", "data": data}).encode()
    return httpx.Response(200, content=body)
client = TushareClient(token="x" * 56, http_client=httpx.Client(transport=httpx.MockTransport(reply)))
client.query("trade_cal", fields="cal_date")
print(sorted(name for name in sys.modules if name.startswith("opentelemetry")))
"""
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=50, check=True)  # noqa: S603
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"}, False),
    ],
)
@pytest.mark.timeout(10)
def test_telemetry_is_wanted_only_when_the_otel_variables_ask(env: dict[str, str], expected: bool) -> None:
    assert otel_setup.wanted(env) is expected


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"OTEL_TRACES_EXPORTER": "zipkin-json"}, "OTEL_TRACES_EXPORTER='zipkin-json'"),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://x", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, "http/json"),
    ],
)
@pytest.mark.timeout(10)
def test_a_setting_the_sdk_cannot_follow_is_one_warning_and_no_telemetry(
    env: dict[str, str], named: str, caplog: pytest.LogCaptureFixture
) -> None:
    reset_globals()
    with caplog.at_level("WARNING", logger="tushare_typed.telemetry"):
        assert otel_setup.configure_from_env("test", env) is None
    assert telemetry.tracer() is None
    assert [r.getMessage() for r in caplog.records if named in r.getMessage()]

"""OpenTelemetry in the service: the request span parents the client's spans, the request id is on it, structlog
events carry its trace id, telemetry reaches a real OTLP/HTTP receiver, and an OTLP endpoint that is down neither
fails nor slows a request."""

from __future__ import annotations

import io
import json
import socket
import time
from collections.abc import Iterator

import pytest
import structlog
from fastapi.testclient import TestClient

from tests.otel_support import InMemoryOtel, in_memory_otel, otlp_receiver, reset_globals
from tushare_typed._internal.log_events import configure_logging
from tushare_typed._internal.otel_setup import Telemetry, configure_from_env

from .conftest import AppFactory, key_headers

EXECUTE = {"commandId": "daily", "params": {"ts_code": "000001.SZ"}}


@pytest.fixture
def otel() -> Iterator[InMemoryOtel]:
    with in_memory_otel() as installed:
        yield installed


def _execute(client: TestClient) -> tuple[int, dict[str, object]]:
    reply = client.post("/mcp/execute", json=EXECUTE, headers=key_headers(client))
    return reply.status_code, reply.json()


@pytest.mark.timeout(60)
def test_the_request_span_parents_the_client_spans_and_carries_the_request_id(
    make_client: AppFactory, otel: InMemoryOtel
) -> None:
    from opentelemetry import trace
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    stream = io.StringIO()
    configure_logging(json=True, stream=stream)
    instrumentor = HTTPXClientInstrumentor()
    instrumentor.instrument(tracer_provider=trace.get_tracer_provider())
    try:
        status, body = _execute(make_client())
    finally:
        instrumentor.uninstrument()
        structlog.reset_defaults()
    assert status == 200, body

    spans = otel.spans()
    by_id = {span.context.span_id: span for span in spans}
    (server,) = [s for s in spans if s.kind == trace.SpanKind.SERVER and s.name.startswith("POST")]
    (paged,) = otel.spans("tushare.daily")
    calls = otel.spans("tushare.call")
    assert paged.parent is not None and paged.parent.span_id == server.context.span_id
    assert calls and all(c.parent is not None and c.parent.span_id == paged.context.span_id for c in calls)
    outgoing = [s for s in spans if s.kind == trace.SpanKind.CLIENT and s.name == "POST"]
    assert outgoing and all(s.parent is not None and by_id[s.parent.span_id].name == "tushare.call" for s in outgoing)
    assert {s.context.trace_id for s in spans} == {server.context.trace_id}
    assert server.attributes is not None and server.attributes["tushare.service.request_id"] == body["requestId"]

    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    request = next(e for e in events if e["event"] == "service.request" and e["path"] == "/mcp/execute")
    assert request["request_id"] == body["requestId"]
    assert request["trace_id"] == format(server.context.trace_id, "032x")
    call_events = [e for e in events if e["event"] == "tushare.call"]
    assert call_events and all(e["trace_id"] == request["trace_id"] for e in call_events)


def _configure(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> Telemetry:
    reset_globals()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    telemetry = configure_from_env("tushare-typed-service")
    assert telemetry is not None
    return telemetry


@pytest.mark.timeout(60)
def test_traces_and_metrics_reach_a_real_otlp_receiver(
    make_client: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with otlp_receiver() as received:
        telemetry = _configure(monkeypatch, received.endpoint)
        try:
            client = make_client()
            status, body = _execute(client)
            assert client.get("/metrics").status_code == 200  # Prometheus stays
        finally:
            telemetry.shutdown()
            reset_globals()
    assert status == 200, body
    assert {"tushare.daily", "tushare.call", "POST /mcp/execute"} <= received.span_names()
    assert {service for service, _, _ in received.spans} == {"tushare-typed-service"}
    server = next(attrs for _, name, attrs in received.spans if name == "POST /mcp/execute")
    assert server["tushare.service.request_id"] == body["requestId"]
    assert {"tushare.client.calls", "tushare.client.rows", "tushare.client.duration"} <= received.metrics
    assert {"/v1/traces", "/v1/metrics"} <= set(received.paths)


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """An endpoint that accepts connections and never answers (an export waits for its whole timeout)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


@pytest.mark.timeout(90)
def test_an_otlp_endpoint_that_never_answers_neither_fails_nor_slows_a_request(
    make_client: AppFactory, monkeypatch: pytest.MonkeyPatch, silent_endpoint: str
) -> None:
    # Exports every 10 ms into a queue of 8 spans: the queue is full and an export is stuck nearly all the time.
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "10")
    monkeypatch.setenv("OTEL_BSP_MAX_QUEUE_SIZE", "8")
    monkeypatch.setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "8")
    monkeypatch.setenv("OTEL_METRIC_EXPORT_INTERVAL", "10")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "5")
    telemetry = _configure(monkeypatch, silent_endpoint)
    try:
        client = make_client()
        durations = []
        for _ in range(15):
            started = time.perf_counter()
            status, body = _execute(client)
            durations.append(time.perf_counter() - started)
            assert status == 200, body
    finally:
        stopping = time.perf_counter()
        telemetry.shutdown(timeout=1.0)
        stopped = time.perf_counter() - stopping
        reset_globals()
    # A request that waited for an export would take its 5 s timeout.
    assert max(durations) < 2.5, durations
    assert stopped < 5, stopped  # the shutdown gave up after its 1 s instead of waiting for the stuck export

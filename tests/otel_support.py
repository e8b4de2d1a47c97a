"""OpenTelemetry for tests: in-memory span and metric exporters installed as the global providers (and removed
again), and a real OTLP/HTTP receiver on 127.0.0.1 that decodes what it is sent with ``opentelemetry-proto``."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

pytest.importorskip("opentelemetry.sdk", reason="the otel extra is not installed")

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.util._once import Once


def reset_globals() -> None:
    """Forget the global tracer and meter providers (the API sets each only once per process)."""
    from opentelemetry.metrics import _internal as metrics_internal

    trace._TRACER_PROVIDER_SET_ONCE = Once()
    trace._TRACER_PROVIDER = None
    metrics_internal._METER_PROVIDER_SET_ONCE = Once()
    metrics_internal._METER_PROVIDER = None


@dataclass
class InMemoryOtel:
    exporter: InMemorySpanExporter
    reader: InMemoryMetricReader

    def spans(self, name: str | None = None) -> list[ReadableSpan]:
        return [s for s in self.exporter.get_finished_spans() if name is None or s.name == name]

    def metric_points(self, name: str) -> list[Any]:
        """The data points of metric ``name`` collected so far."""
        data = self.reader.get_metrics_data()
        points: list[Any] = []
        for resource in data.resource_metrics if data is not None else []:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    if metric.name == name:
                        points.extend(metric.data.data_points)
        return points


@contextmanager
def in_memory_otel() -> Iterator[InMemoryOtel]:
    """Global tracer and meter providers exporting to memory, for the duration of the block."""
    reset_globals()
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    trace.set_tracer_provider(tracer_provider)
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
    try:
        yield InMemoryOtel(exporter, reader)
    finally:
        tracer_provider.shutdown()
        reset_globals()


def every_text(span: ReadableSpan) -> str:
    """All a span says (name, attributes, events, status) as one text, to search for secrets."""
    parts = [span.name, repr(dict(span.attributes or {})), repr(span.status.description)]
    parts += [f"{event.name} {dict(event.attributes or {})!r}" for event in span.events]
    return "\n".join(parts)


# --- a real OTLP/HTTP receiver ---------------------------------------------------------------------------------


@dataclass
class OtlpReceiver:
    """What an OTLP/HTTP (protobuf) endpoint on 127.0.0.1 received."""

    endpoint: str = ""
    spans: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (service, span name, attributes)
    metrics: set[str] = field(default_factory=set)
    paths: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def span_names(self) -> set[str]:
        with self.lock:
            return {name for _, name, _ in self.spans}


def _value(any_value: Any) -> Any:
    kind = any_value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in any_value.array_value.values]
    return getattr(any_value, kind) if kind else None


def _decode(received: OtlpReceiver, path: str, body: bytes) -> None:
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    with received.lock:
        received.paths.append(path)
        if path == "/v1/traces":
            traces = ExportTraceServiceRequest.FromString(body)
            for resource_spans in traces.resource_spans:
                resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
                for scope in resource_spans.scope_spans:
                    for span in scope.spans:
                        attributes = {a.key: _value(a.value) for a in span.attributes}
                        received.spans.append((str(resource.get("service.name")), span.name, attributes))
        elif path == "/v1/metrics":
            exported = ExportMetricsServiceRequest.FromString(body)
            for resource_metrics in exported.resource_metrics:
                for scope_metrics in resource_metrics.scope_metrics:
                    received.metrics.update(m.name for m in scope_metrics.metrics)


@contextmanager
def otlp_receiver() -> Iterator[OtlpReceiver]:
    """A stdlib HTTP server accepting ``/v1/traces`` and ``/v1/metrics`` protobuf POSTs."""
    received = OtlpReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            if self.path not in ("/v1/traces", "/v1/metrics"):
                self.send_response(404)
                self.end_headers()
                return
            _decode(received, self.path, body)
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    received.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

"""The OpenTelemetry SDK for the applications we ship (``serve``, ``mcp serve``, ``exec``), from ``OTEL_*`` variables.

Telemetry is on when ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) or
``OTEL_TRACES_EXPORTER`` is set, and ``OTEL_SDK_DISABLED`` is not ``true``. The SDK reads the rest itself:
``OTEL_SERVICE_NAME`` / ``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_TRACES_SAMPLER`` / ``_ARG``, the endpoint, headers and
``OTEL_BSP_*``. ``OTEL_EXPORTER_OTLP_PROTOCOL`` is ``http/protobuf`` (the default) or ``grpc`` (when its exporter is
installed); ``OTEL_TRACES_EXPORTER`` / ``OTEL_METRICS_EXPORTER`` are ``otlp``, ``console`` or ``none``.

Telemetry never fails or slows a request: spans leave through a batch processor (a bounded queue, exported from its
own thread), metrics through a periodic reader, and an export gives up after a few seconds
(``OTEL_EXPORTER_OTLP_TIMEOUT``, 3 s unless set). Without the SDK (``pip install 'tushare-typed[otel]'``), or with
a setting it cannot follow, one warning line says so and the application runs without telemetry.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.trace import TracerProvider

__all__ = ["Telemetry", "configure_from_env", "instrument_fastapi", "telemetry_from_env", "wanted"]

_log = logging.getLogger("tushare_typed.telemetry")
_INSTALL: Final = "pip install 'tushare-typed[otel]'"
#: Seconds an export may take when OTEL_EXPORTER_OTLP_TIMEOUT does not say (the SDK's own default is 10).
EXPORT_TIMEOUT: Final = 3.0
_PROTOCOLS: Final = ("http/protobuf", "grpc")


def wanted(env: Mapping[str, str] = os.environ) -> bool:
    """Whether the ``OTEL_*`` variables ask for telemetry."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    names = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_TRACES_EXPORTER")
    return any(env.get(name, "").strip() for name in names)


@dataclass
class Telemetry:
    """The SDK this process configured; :meth:`shutdown` (also run at exit) exports what is queued and stops."""

    tracer_provider: TracerProvider
    meter_provider: MeterProvider | None
    instrumented: list[Any] = field(default_factory=list)
    stopped: bool = False

    def shutdown(self, timeout: float = EXPORT_TIMEOUT) -> None:
        """Export what is queued and stop, waiting at most ``timeout`` seconds: an export stuck on an endpoint that
        does not answer is left to its daemon thread, so a command never hangs on its exit."""
        for instrumentor in self.instrumented:
            instrumentor.uninstrument()
        self.instrumented.clear()
        if self.stopped:
            return
        self.stopped = True
        providers: list[Any] = [self.tracer_provider, self.meter_provider]
        stopping = [threading.Thread(target=p.shutdown, name="otel-shutdown", daemon=True) for p in providers if p]
        deadline = time.monotonic() + timeout
        for thread in stopping:
            thread.start()
        for thread in stopping:
            thread.join(max(deadline - time.monotonic(), 0.0))


def configure_from_env(service_name: str, env: Mapping[str, str] = os.environ) -> Telemetry | None:
    """Set the global tracer and meter providers from ``env`` when it asks for telemetry; instrument httpx."""
    if not wanted(env):
        return None
    try:
        from opentelemetry import metrics, trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
    except ImportError:
        _log.warning("OTEL_* variables are set but the OpenTelemetry SDK is not installed: no telemetry (%s)", _INSTALL)
        return None
    try:
        exporters = _exporters(env)
    except (ImportError, ValueError) as error:
        _log.warning("telemetry is off: %s", error)
        return None
    attributes = {} if env.get("OTEL_SERVICE_NAME") else {"service.name": service_name}
    resource = Resource.create(attributes)
    # The sampler from OTEL_TRACES_SAMPLER; shut down by Telemetry.shutdown, bounded, rather than by the SDK at exit.
    tracer_provider = TracerProvider(resource=resource, shutdown_on_exit=False)
    span_exporter, metric_exporter = exporters
    if span_exporter is not None:
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        timeout_ms = None if env.get("OTEL_BSP_EXPORT_TIMEOUT") else EXPORT_TIMEOUT * 1000
        tracer_provider.add_span_processor(BatchSpanProcessor(span_exporter, export_timeout_millis=timeout_ms))
    trace.set_tracer_provider(tracer_provider)
    meter_provider = None
    if metric_exporter is not None:
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

        timeout_ms = None if env.get("OTEL_METRIC_EXPORT_TIMEOUT") else EXPORT_TIMEOUT * 1000
        reader = PeriodicExportingMetricReader(metric_exporter, export_timeout_millis=timeout_ms)
        meter_provider = MeterProvider(resource=resource, metric_readers=[reader], shutdown_on_exit=False)
        metrics.set_meter_provider(meter_provider)
    telemetry = Telemetry(tracer_provider, meter_provider)
    _instrument_httpx(telemetry)
    atexit.register(telemetry.shutdown)
    return telemetry


@contextmanager
def telemetry_from_env(service_name: str) -> Iterator[Telemetry | None]:
    """:func:`configure_from_env` for a command's run; what is queued is flushed (bounded) when it ends."""
    telemetry = configure_from_env(service_name)
    try:
        yield telemetry
    finally:
        if telemetry is not None:
            telemetry.shutdown()


def _exporters(env: Mapping[str, str]) -> tuple[Any, Any]:
    """The span and metric exporters ``env`` names (None for ``none``)."""
    timeout = None if env.get("OTEL_EXPORTER_OTLP_TIMEOUT") else EXPORT_TIMEOUT
    chosen: list[Any] = []
    for signal in ("traces", "metrics"):
        kind = env.get(f"OTEL_{signal.upper()}_EXPORTER", "otlp").strip().lower() or "otlp"
        if kind == "none":
            chosen.append(None)
        elif kind == "console":
            chosen.append(_console(signal))
        elif kind == "otlp":
            chosen.append(_otlp(signal, _protocol(env, signal), timeout))
        else:
            raise ValueError(f"OTEL_{signal.upper()}_EXPORTER={kind!r} is not one of otlp, console, none")
    return chosen[0], chosen[1]


def _protocol(env: Mapping[str, str], signal: str) -> str:
    protocol = (
        env.get(f"OTEL_EXPORTER_OTLP_{signal.upper()}_PROTOCOL") or env.get("OTEL_EXPORTER_OTLP_PROTOCOL") or ""
    ).strip() or "http/protobuf"
    if protocol not in _PROTOCOLS:
        raise ValueError(f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol!r} is not supported (use {' or '.join(_PROTOCOLS)})")
    return protocol


def _otlp(signal: str, protocol: str, timeout: float | None) -> Any:
    wire = "grpc" if protocol == "grpc" else "http"
    try:
        if signal == "traces" and wire == "http":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpSpans

            return HttpSpans(timeout=timeout)
        if signal == "metrics" and wire == "http":
            from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter as HttpMetrics

            return HttpMetrics(timeout=timeout)
        if signal == "traces":
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcSpans

            return GrpcSpans(timeout=timeout)
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter as GrpcMetrics

        return GrpcMetrics(timeout=timeout)
    except ImportError:
        package = f"opentelemetry-exporter-otlp-proto-{wire}"
        missing = f"the OTLP {protocol} exporter is not installed ({_INSTALL}, or pip install {package})"
        raise ImportError(missing) from None


def _console(signal: str) -> Any:
    if signal == "traces":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    from opentelemetry.sdk.metrics.export import ConsoleMetricExporter

    return ConsoleMetricExporter()


def _instrument_httpx(telemetry: Telemetry) -> None:
    try:
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    except ImportError:
        _log.warning("no httpx spans: opentelemetry-instrumentation-httpx is not installed (%s)", _INSTALL)
        return
    instrumentor = HTTPXClientInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=telemetry.tracer_provider)
        telemetry.instrumented.append(instrumentor)


def instrument_fastapi(app: Any) -> None:
    """Server spans for ``app``'s requests, when a tracer provider is configured and the instrumentation installed."""
    from .telemetry import tracer

    if tracer() is None:
        return
    try:
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    except ImportError:
        _log.warning("no request spans: opentelemetry-instrumentation-fastapi is not installed (%s)", _INSTALL)
        return
    FastAPIInstrumentor.instrument_app(app)

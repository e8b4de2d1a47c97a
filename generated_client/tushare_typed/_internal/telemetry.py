"""OpenTelemetry for the client: spans and metrics through the OpenTelemetry *API*, only when an application set it up.

The library never configures OpenTelemetry (the applications we ship do, see :mod:`.otel_setup`). Whether an
application did is checked per call, cheaply: while ``opentelemetry`` is not even imported nothing here imports it,
and while the global tracer and meter providers are the API's placeholders every hook is a no-op object.

What is recorded:

- a span ``tushare.<api_name>`` around a paged call (:func:`paging_span`, one per ``client.<interface>()`` or
  ``client.query()``): ``tushare.interface``, ``tushare.pages``, ``tushare.rows``, ``tushare.retries``,
  ``tushare.completed``;
- a child span ``tushare.call`` per HTTP call (:func:`observe`, which the sans-IO core notifies; sync and async
  alike): ``tushare.interface``, ``tushare.request_id``, ``tushare.params`` (parameter NAMES only, never values),
  ``tushare.attempts``, ``tushare.retries``, ``tushare.rows``; limiter waits and retries as span events;
- errors: status ERROR, ``tushare.error.code`` and an ``exception`` event whose message is redacted;
- metrics: ``tushare.client.calls`` and ``tushare.client.errors`` (by interface, outcome / error code),
  ``tushare.client.rows``, the ``tushare.client.duration`` and ``tushare.client.quota_wait`` histograms (seconds).

Every text value goes through :func:`~.redact.redact_text`; the token is never an attribute.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

from .redact import redact_text

if TYPE_CHECKING:
    from opentelemetry.metrics import Counter, Histogram, MeterProvider
    from opentelemetry.trace import Span, Tracer, TracerProvider
    from structlog.typing import EventDict, WrappedLogger

__all__ = [
    "CALL_SPAN",
    "NOOP",
    "CallObserver",
    "add_trace_ids",
    "observe",
    "paging_span",
    "tag_current_span",
    "tracer",
]

SCOPE: Final = "tushare_typed"
CALL_SPAN: Final = "tushare.call"
_MAX_MESSAGE: Final = 300
_NULL: Final = nullcontext()


# --- is it configured? ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Cache:
    tracer: tuple[TracerProvider, Tracer] | None = None
    meters: tuple[MeterProvider, _Instruments] | None = None


_cache = _Cache()


def tracer() -> Tracer | None:
    """The library's tracer when the application configured a tracer provider, else None (and nothing imported)."""
    if "opentelemetry.trace" not in sys.modules:
        return None
    from opentelemetry import trace

    provider = trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider):
        return None
    cached = _cache.tracer
    if cached is None or cached[0] is not provider:
        from .._version import __version__

        cached = _cache.tracer = (provider, provider.get_tracer(SCOPE, __version__))
    return cached[1]


@dataclass(frozen=True, slots=True)
class _Instruments:
    calls: Counter
    errors: Counter
    rows: Counter
    duration: Histogram
    quota_wait: Histogram


def _instruments() -> _Instruments | None:
    """The library's metric instruments when the application configured a meter provider, else None."""
    if "opentelemetry.metrics" not in sys.modules:
        return None
    from opentelemetry import metrics

    provider = metrics.get_meter_provider()
    if isinstance(provider, metrics.NoOpMeterProvider) or type(provider).__name__ == "_ProxyMeterProvider":
        return None
    cached = _cache.meters
    if cached is None or cached[0] is not provider:
        from .._version import __version__

        meter = provider.get_meter(SCOPE, __version__)
        instruments = _Instruments(
            calls=meter.create_counter("tushare.client.calls", "{call}", "HTTP calls to tushare, by outcome"),
            errors=meter.create_counter("tushare.client.errors", "{error}", "Failed calls, by error code"),
            rows=meter.create_counter("tushare.client.rows", "{row}", "Rows received"),
            duration=meter.create_histogram("tushare.client.duration", "s", "Call latency, retries included"),
            quota_wait=meter.create_histogram("tushare.client.quota_wait", "s", "Waits for a rate limit"),
        )
        cached = _cache.meters = (provider, instruments)
    return cached[1]


# --- one HTTP call (the core notifies) -------------------------------------------------------------


class CallObserver:
    """What the sans-IO core tells about one call; this base does nothing (telemetry not configured)."""

    __slots__ = ()

    def waited(self, seconds: float, reason: str) -> None:
        """The call waited ``seconds`` for a quota (``reason``: ``limiter`` or the server's reply)."""

    def retrying(self, attempt: int, code: str, wait: float) -> None:
        """Attempt ``attempt`` failed with ``code``; the next starts after ``wait`` seconds."""

    def finished(self, attempts: int, rows: int | None, error: BaseException | None) -> None:
        """The call ended (``error`` None on success)."""

    def active(self) -> AbstractContextManager[object]:
        """A context in which the call's span is the current one (for the HTTP instrumentation's span)."""
        return _NULL


NOOP: Final = CallObserver()


@dataclass(slots=True)
class _Tally:
    """What the HTTP calls of one paged call cost, summed onto its span."""

    retries: int = 0
    quota_wait: float = 0.0


_TALLY: ContextVar[_Tally | None] = ContextVar("tushare_typed_telemetry_tally", default=None)


class _Observer(CallObserver):
    __slots__ = ("_attributes", "_instruments", "_span", "_started")

    def __init__(self, span: Span | None, instruments: _Instruments | None, api_name: str) -> None:
        self._span = span
        self._instruments = instruments
        self._attributes = {"tushare.interface": api_name}
        self._started = time.perf_counter()

    def waited(self, seconds: float, reason: str) -> None:
        if seconds <= 0:
            return
        if self._span is not None:
            self._span.add_event("tushare.rate_limit_wait", {"tushare.wait_s": seconds, "tushare.reason": reason})
        if self._instruments is not None:
            self._instruments.quota_wait.record(seconds, {**self._attributes, "tushare.reason": reason})
        tally = _TALLY.get()
        if tally is not None:
            tally.quota_wait += seconds

    def retrying(self, attempt: int, code: str, wait: float) -> None:
        if self._span is not None:
            self._span.add_event(
                "tushare.retry", {"tushare.attempt": attempt, "tushare.error.code": code, "tushare.wait_s": wait}
            )
        tally = _TALLY.get()
        if tally is not None:
            tally.retries += 1

    def finished(self, attempts: int, rows: int | None, error: BaseException | None) -> None:
        code = _code_of(error)
        if self._instruments is not None:
            outcome = "ok" if error is None else "error"
            self._instruments.calls.add(1, {**self._attributes, "tushare.outcome": outcome})
            self._instruments.duration.record(time.perf_counter() - self._started, self._attributes)
            if rows:
                self._instruments.rows.add(rows, self._attributes)
            if code is not None:
                self._instruments.errors.add(1, {**self._attributes, "tushare.error.code": code})
        span = self._span
        if span is None:
            return
        span.set_attribute("tushare.attempts", attempts)
        span.set_attribute("tushare.retries", max(attempts - 1, 0))
        if rows is not None:
            span.set_attribute("tushare.rows", rows)
        _end(span, error, code)

    def active(self) -> AbstractContextManager[object]:
        if self._span is None:
            return _NULL
        from opentelemetry import trace

        return trace.use_span(self._span, end_on_exit=False, record_exception=False, set_status_on_exception=False)


def observe(api_name: str, request_id: str, param_names: Iterable[str]) -> CallObserver:
    """The observer of one HTTP call: :data:`NOOP` unless the application configured OpenTelemetry."""
    traces, instruments = tracer(), _instruments()
    if traces is None and instruments is None:
        return NOOP
    span = None
    if traces is not None:
        from opentelemetry.trace import SpanKind

        attributes = {
            "tushare.interface": api_name,
            "tushare.request_id": request_id,
            "tushare.params": sorted(redact_text(str(name)) for name in param_names),
        }
        span = traces.start_span(CALL_SPAN, kind=SpanKind.CLIENT, attributes=attributes)
    return _Observer(span, instruments, api_name)


# --- one paged call --------------------------------------------------------------------------------


class PagingSpan:
    """The span of one paged call, current while its pages are fetched; a no-op when tracing is off."""

    __slots__ = ("_scope", "_span", "_tally", "_token")

    def __init__(self, api_name: str | None) -> None:
        traces = tracer()
        self._span: Span | None = None
        self._scope: AbstractContextManager[object] = _NULL
        self._tally = _Tally()
        self._token: Any = None
        if traces is not None:
            from opentelemetry import trace

            name = f"tushare.{api_name}" if api_name else CALL_SPAN
            self._span = traces.start_span(name, attributes={"tushare.interface": api_name or ""})
            self._scope = trace.use_span(self._span, end_on_exit=False, record_exception=False)

    def done(self, pages: int, rows: int, completed: bool) -> None:
        """What the paged call returned."""
        if self._span is not None:
            self._span.set_attributes({"tushare.pages": pages, "tushare.rows": rows, "tushare.completed": completed})

    def __enter__(self) -> PagingSpan:
        if self._span is not None:
            self._scope.__enter__()
            self._token = _TALLY.set(self._tally)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        span = self._span
        if span is None:
            return
        _TALLY.reset(self._token)
        span.set_attribute("tushare.retries", self._tally.retries)
        span.set_attribute("tushare.quota_wait_s", self._tally.quota_wait)
        _end(span, error, _code_of(error))
        self._scope.__exit__(None, None, None)


def paging_span(api_name: str | None) -> PagingSpan:
    """The span of one paged call (``with paging_span(name) as span: ...; span.done(...)``)."""
    return PagingSpan(api_name)


# --- shared ------------------------------------------------------------------------------------------


def _code_of(error: BaseException | None) -> str | None:
    if error is None:
        return None
    code = getattr(error, "code", None)
    return code if isinstance(code, str) else type(error).__name__


def _end(span: Span, error: BaseException | None, code: str | None) -> None:
    if error is not None:
        from opentelemetry.trace import Status, StatusCode

        message = redact_text(str(error))[:_MAX_MESSAGE]
        span.set_attribute("tushare.error.code", code or "")
        span.add_event("exception", {"exception.type": type(error).__name__, "exception.message": message})
        span.set_status(Status(StatusCode.ERROR, f"{code}: {message}"))
    span.end()


def tag_current_span(request_id: str) -> None:
    """Put a service request's id on the current (server) span, so the two ids join up."""
    if tracer() is None:
        return
    from opentelemetry import trace

    trace.get_current_span().set_attribute("tushare.service.request_id", request_id)


def add_trace_ids(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """structlog processor: the current span's ``trace_id`` and ``span_id`` (hex) on every event inside one."""
    if "opentelemetry.trace" not in sys.modules:
        return event_dict
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict.setdefault("trace_id", format(context.trace_id, "032x"))
        event_dict.setdefault("span_id", format(context.span_id, "016x"))
    return event_dict

"""One structured log event per request, Prometheus metrics, and the per-request context routes fill in.

The event is ``service.request`` with the design's fixed fields (``timestamp``, ``level`` and ``event`` from the
structlog chain; ``request_id``, ``command_id``, ``duration_ms``, ``retries``) plus ``status``,
``rate_limit_hits``, ``http_status``, ``method``, ``path`` and ``owner``. It never carries a header, a body, a
token or a key. Like the client's events it is emitted only once structlog is configured (``tushare-typed serve``
configures JSON lines on stderr).
"""

from __future__ import annotations

import contextvars
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Final

import structlog

from .._internal.log_events import redact
from .._internal.telemetry import tag_current_span

__all__ = ["Metrics", "RequestContext", "RequestLogMiddleware", "current_context"]

REQUEST_EVENT: Final = "service.request"
LOGGER: Final = "tushare_typed.service"
#: The status logged for a request whose client went away (nginx's "client closed request").
_CLIENT_GONE: Final = 499

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(slots=True)
class RequestContext:
    """What a request did, filled in by the route that served it."""

    request_id: str
    command_id: str | None = None
    status: str | None = None
    retries: int = 0
    rate_limit_hits: int = 0
    upstream_rejections: int = 0
    owner: str | None = None
    #: The client disconnected before its reply: the request was cancelled (logged as HTTP 499).
    client_gone: bool = False


_CONTEXT: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "tushare_typed_service_request", default=None
)


def current_context() -> RequestContext:
    """The running request's context (a detached one outside a request, e.g. in unit tests of a route helper)."""
    context = _CONTEXT.get()
    return context if context is not None else RequestContext(uuid.uuid4().hex)


class Metrics:
    """The service's Prometheus metrics, in a registry of its own (so several apps can live in one process)."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tushare_service_requests", "HTTP requests served", ["route", "http_status"], registry=self.registry
        )
        self.latency = Histogram(
            "tushare_service_request_seconds",
            "Request latency",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.5, 5.0, 10.0, 30.0),
            registry=self.registry,
        )
        self.rate_limit_hits = Counter(
            "tushare_service_rate_limit_hits", "Upstream calls held back or refused by a quota", registry=self.registry
        )
        self.upstream_errors = Counter(
            "tushare_service_upstream_errors", "Executions that failed, by error code", ["code"], registry=self.registry
        )

    def render(self) -> tuple[bytes, str]:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class RequestLogMiddleware:
    """ASGI middleware: a context per request, then one log event and the request metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        context = RequestContext(uuid.uuid4().hex)
        tag_current_span(context.request_id)  # the request's id on its span: logs, traces and replies join up
        token = _CONTEXT.set(context)
        started = time.perf_counter()
        status_code = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            _CONTEXT.reset(token)
            if context.client_gone:
                status_code = _CLIENT_GONE
            elapsed = time.perf_counter() - started
            route = _route_of(scope)
            self.metrics.requests.labels(route, str(status_code)).inc()
            self.metrics.latency.labels(route).observe(elapsed)
            if context.rate_limit_hits:
                self.metrics.rate_limit_hits.inc(context.rate_limit_hits)
            _log(context, scope, status_code, elapsed)


def _route_of(scope: Scope) -> str:
    # The route's template (/mcp/commands/{commandId}), so that ids do not explode the metric's label set.
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def _log(context: RequestContext, scope: Scope, status_code: int, elapsed: float) -> None:
    if not structlog.is_configured():
        return
    fields = {
        "logger": LOGGER,
        "request_id": context.request_id,
        "command_id": context.command_id,
        "status": context.status,
        "duration_ms": round(elapsed * 1000.0, 3),
        "retries": context.retries,
        "rate_limit_hits": context.rate_limit_hits,
        "http_status": status_code,
        "method": scope.get("method"),
        "path": _route_of(scope),
        "owner": context.owner,
    }
    logger = structlog.get_logger(LOGGER)
    if status_code >= 500:
        emit = logger.error
    elif status_code == 429 or context.rate_limit_hits:
        emit = logger.warning
    else:
        emit = logger.info
    emit(REQUEST_EVENT, **redact(fields))

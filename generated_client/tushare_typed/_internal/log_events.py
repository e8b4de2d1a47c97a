"""Structured logging of calls, with the token redacted from every event.

The client emits one ``tushare.call`` event per call (one HTTP page, retries included) with
``request_id``, ``api_name``, ``duration_ms``, ``attempts``, ``rate_limit_wait_ms``, ``rows``,
``pages`` and ``outcome``, through ``structlog.get_logger("tushare_typed")``.

The library never configures logging by itself. Until structlog is configured (by the application,
or by :func:`configure_logging`), the client stays silent rather than printing through structlog's
default stdout logger. Events are redacted before they are emitted, so the token cannot reach a log
through the client even when the application's processors do not include :func:`redact_processor`;
add it to your own chain to protect the rest of your events too.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, WrappedLogger

from ..errors import MASK, redact_text
from .telemetry import add_trace_ids

__all__ = [
    "CALL_EVENT",
    "LOGGER_NAME",
    "configure_logging",
    "get_logger",
    "log_call",
    "redact",
    "redact_processor",
]

LOGGER_NAME = "tushare_typed"
CALL_EVENT = "tushare.call"

# Keys whose values are secrets whatever they look like.
_SECRET_KEY_PARTS = ("token", "secret", "passphrase", "password", "authorization", "api_key")
_MAX_DEPTH = 8


def _is_secret_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    lowered = key.lower()
    return any(part in lowered for part in _SECRET_KEY_PARTS)


def redact(value: Any, *, _depth: int = 0) -> Any:
    """A copy of ``value`` with token-like strings masked and secret-named keys blanked."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, bytes | bytearray):
        return redact_text(bytes(value).decode("utf-8", errors="replace"))
    if _depth >= _MAX_DEPTH:
        # Deeper structures are not worth walking; their text form is still scanned.
        return redact_text(repr(value))
    if isinstance(value, Mapping):
        return {
            key: MASK if _is_secret_key(key) and item is not None else redact(item, _depth=_depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(redact(item, _depth=_depth + 1) for item in value)
    return value


def redact_processor(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """structlog processor: mask the token (and anything token-like) in every event, tracebacks included.

    ``exc_info`` is rendered to text here and redacted, so a renderer after this processor never formats the
    exception (and the locals of its frames) itself.
    """
    exc_info = event_dict.pop("exc_info", None)
    redacted: EventDict = redact(event_dict)
    if exc_info:
        redacted["exception"] = redact_text(_format_exception(exc_info))
    return redacted


def _format_exception(exc_info: Any) -> str:
    if isinstance(exc_info, BaseException):
        parts = traceback.format_exception(exc_info)
    elif isinstance(exc_info, tuple):
        parts = traceback.format_exception(*exc_info)
    else:
        current = sys.exc_info()
        parts = traceback.format_exception(*current) if current[0] is not None else []
    return "".join(parts)


def get_logger() -> Any:
    """The library's logger: ``structlog.get_logger("tushare_typed")``."""
    return structlog.get_logger(LOGGER_NAME)


def log_call(
    *,
    request_id: str,
    api_name: str,
    duration_ms: float,
    attempts: int,
    rate_limit_wait_ms: float,
    rows: int | None,
    pages: int,
    outcome: str,
    **extra: Any,
) -> None:
    """Emit the one event that describes a call; silent while structlog is unconfigured."""
    if not structlog.is_configured():
        return
    fields: MutableMapping[str, Any] = {
        "logger": LOGGER_NAME,
        "request_id": request_id,
        "api_name": api_name,
        "duration_ms": round(duration_ms, 3),
        "attempts": attempts,
        "rate_limit_wait_ms": round(rate_limit_wait_ms, 3),
        "rows": rows,
        "pages": pages,
        "outcome": outcome,
        **extra,
    }
    logger = get_logger()
    emit = logger.info if outcome == "ok" else logger.warning
    emit(CALL_EVENT, **redact(fields))


def configure_logging(*, json: bool = False, level: int | str = logging.INFO, stream: TextIO | None = None) -> None:
    """Configure structlog globally: ISO timestamps, the current OpenTelemetry trace and span ids (when there is
    one), redaction, JSON lines or console text.

    Call it once in an application or notebook; libraries should not call it.
    """
    numeric_level = logging.getLevelName(level) if isinstance(level, str) else level
    if not isinstance(numeric_level, int):
        raise ValueError(f"unknown log level {level!r}")
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            add_trace_ids,
            redact_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.PrintLoggerFactory(file=stream or sys.stderr),
        cache_logger_on_first_use=False,
    )

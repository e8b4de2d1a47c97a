"""Logging of calls, for applications: each call emits one ``tushare.call`` structlog event (token redacted).

The library never configures logging by itself; call :func:`configure_logging` once in an application or notebook,
or add :func:`redact_processor` to your own structlog chain.
"""

from ._internal.log_events import CALL_EVENT, LOGGER_NAME, configure_logging, redact_processor

__all__ = ["CALL_EVENT", "LOGGER_NAME", "configure_logging", "redact_processor"]

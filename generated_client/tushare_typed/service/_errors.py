"""Errors as HTTP replies: the client's error codes in the spec's ``ErrorPayload``, with REST statuses.

- 404: an unknown command or interface (:class:`NotFoundError`);
- 401: a missing, invalid or revoked API key (:class:`ApiKeyError`, AUTH-001);
- 403: tushare rejected the caller's tushare token (:class:`UpstreamTokenRejectedError`, AUTH-020), no tushare
  token (AUTH-002), no permission for the interface (AUTH-003);
- 400: a parameter problem (PARAM-1xx); 429: a quota, the service's or tushare's (RATE-201, with ``Retry-After``);
- 503: the upstream is failing or failing fast (SERVICE-30x, with ``Retry-After``);
- 500: the service cannot seal or open tokens (AUTH-01x), and anything else.

Texts are bounded (:data:`MAX_TEXT` characters): a payload (and the execution-log row built from it) never grows with
the request.
"""

from __future__ import annotations

import math
from typing import Any, Final

from ..errors import (
    AuthError,
    CircuitOpenError,
    ErrorCategory,
    MissingTokenError,
    ParameterError,
    RateLimitError,
    ServiceError,
    TokenStoreError,
    TushareError,
)

__all__ = [
    "MAX_TEXT",
    "ApiKeyError",
    "NotFoundError",
    "RequestCancelledError",
    "UpstreamTokenRejectedError",
    "error_headers",
    "error_payload",
    "for_rest",
    "http_status",
    "truncated",
]

#: The longest message or remediation a payload carries.
MAX_TEXT: Final = 1000
_UNAVAILABLE_RETRY: Final = 5
_STORE_REMEDY: Final = "store your tushare token with POST /auth/token (it is at https://tushare.pro/user/token)"


class NotFoundError(ParameterError):
    """An unknown command or interface (HTTP 404)."""


class ApiKeyError(AuthError):
    """The ``X-MCP-Token`` API key is missing, invalid or revoked (HTTP 401)."""


class UpstreamTokenRejectedError(AuthError):
    """tushare rejected the tushare token the service called it with for this caller (HTTP 403)."""

    default_code = "AUTH-020"
    default_remediation = f"tushare rejected your tushare token: {_STORE_REMEDY}"


class RequestCancelledError(ServiceError):
    """The client went away before the reply: the call was cancelled (logged, never sent)."""

    default_code = "SERVICE-310"
    default_remediation = "send the request again and wait for its reply"
    retryable = False


def truncated(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def for_rest(error: TushareError) -> TushareError:
    """An upstream failure as a REST caller should see it: a rejected tushare token or a missing one gets its own
    remedy (``POST /auth/token``), never the client library's advice about arguments and variables."""
    if type(error) is AuthError:
        translated: TushareError = UpstreamTokenRejectedError(
            error.message, api_name=error.api_name, request_id=error.request_id, tushare_code=error.tushare_code
        )
    elif isinstance(error, MissingTokenError):
        translated = MissingTokenError(error.message, remediation=_STORE_REMEDY, api_name=error.api_name)
    else:
        return error
    translated.partial, translated.next_offset = error.partial, error.next_offset
    return translated


def _unavailable(error: TushareError) -> bool:
    return isinstance(error, CircuitOpenError) or (isinstance(error, ServiceError) and error.retryable)


def http_status(error: TushareError) -> int:
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, ApiKeyError):
        return 401
    if isinstance(error, TokenStoreError):
        return 500
    if error.category is ErrorCategory.AUTH:
        return 403
    if error.category is ErrorCategory.PARAMETER:
        return 400
    if error.category is ErrorCategory.RATE_LIMIT:
        return 429
    return 503 if _unavailable(error) else 500


def error_headers(error: TushareError) -> dict[str, str] | None:
    """``Retry-After`` (whole seconds) for a quota or an unavailable upstream, else None."""
    seconds: float | None = None
    if isinstance(error, RateLimitError):
        seconds = error.retry_after if error.retry_after is not None else error.limit_period
    elif isinstance(error, CircuitOpenError):
        seconds = error.retry_after
    elif _unavailable(error):
        seconds = _UNAVAILABLE_RETRY
    if seconds is None or not math.isfinite(seconds):
        return None
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


def error_payload(error: TushareError, request_id: str | None) -> dict[str, Any]:
    """The ``ErrorPayload`` body (camelCase) of ``error``; its texts are already redacted by the error itself."""
    return {
        "code": error.code,
        "category": str(error.category),
        "message": truncated(error.message),
        "remediation": truncated(error.remediation),
        "requestId": request_id,
    }

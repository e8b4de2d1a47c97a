"""Errors as HTTP replies: the client's error codes in the spec's ``ErrorPayload``, with the spec's statuses."""

from __future__ import annotations

from typing import Any, Final

from ..errors import ErrorCategory, ParameterError, TushareError

__all__ = ["STATUS_BY_CATEGORY", "NotFoundError", "error_payload", "http_status"]

#: The REST API Spec's statuses: 400 InvalidParameter, 401 AuthRequired, 429 RateLimited, 500 InternalError.
STATUS_BY_CATEGORY: Final = {
    ErrorCategory.AUTH: 401,
    ErrorCategory.PARAMETER: 400,
    ErrorCategory.RATE_LIMIT: 429,
    ErrorCategory.SERVICE: 500,
    ErrorCategory.UNKNOWN: 500,
}


class NotFoundError(ParameterError):
    """An unknown command or interface (HTTP 404)."""


def http_status(error: TushareError) -> int:
    if isinstance(error, NotFoundError):
        return 404
    return STATUS_BY_CATEGORY.get(error.category, 500)


def error_payload(error: TushareError, request_id: str | None) -> dict[str, Any]:
    """The ``ErrorPayload`` body (camelCase) of ``error``; its texts are already redacted by the error itself."""
    return {
        "code": error.code,
        "category": str(error.category),
        "message": error.message,
        "remediation": error.remediation,
        "requestId": request_id,
    }

"""HTTP transports to the tushare API: options, wire body, retries, rate-limit waits, a breaker, sync and async.

Importing this package imports no HTTP library: ``httpx`` is loaded with the first request.
"""

from ..body import DEFAULT_MAX_BODY_BYTES
from .aio import AsyncTransport
from .base import TransportBase
from .breaker import CircuitBreaker
from .core import decode_generic_page
from .options import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RATE_LIMIT_WAIT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ENV_BASE_URL,
    REQUEST_ID_HEADER,
    RequestOptions,
    new_request_id,
    resolve_base_url,
)
from .retry import BACKOFF_INITIAL, BACKOFF_MAX
from .sync import SyncTransport

__all__ = [
    "BACKOFF_INITIAL",
    "BACKOFF_MAX",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_RATE_LIMIT_WAIT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ENV_BASE_URL",
    "REQUEST_ID_HEADER",
    "AsyncTransport",
    "CircuitBreaker",
    "RequestOptions",
    "SyncTransport",
    "TransportBase",
    "decode_generic_page",
    "new_request_id",
    "resolve_base_url",
]

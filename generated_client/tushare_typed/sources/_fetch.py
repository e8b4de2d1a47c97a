"""One GET to a source's documented endpoint, with the guarantees of a tushare call.

A deadline per attempt that covers the whole body (read chunk by chunk, a blocked read ended by shutting the socket
down: :mod:`.._internal.body`), a bound on the decompressed size, the source's own :class:`RateLimiter` turn before
each attempt, bounded retries with backoff on outages (connection failures, timeouts, HTTP 5xx), and typed errors
that name the source. The API key in a URL is masked in every message (it is remembered as a secret).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from .._internal.body import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_BODY_BYTES,
    BodyTooLarge,
    DeadlinePassed,
    Inflater,
    UnsupportedEncoding,
    read_body,
    socket_watchdog,
)
from .._internal.redact import redact_text
from ..errors import (
    MalformedReplyError,
    RateLimitError,
    ReplyTooLargeError,
    ServiceConnectionError,
    ServiceError,
    ServiceTimeoutError,
    TushareError,
    UnexpectedStatusError,
)

if TYPE_CHECKING:
    import httpx

    from .._internal.limiter.policy import RateLimiter

__all__ = ["DEFAULT_RETRIES", "DEFAULT_TIMEOUT", "Fetcher", "Reply", "decode_json"]

DEFAULT_TIMEOUT: Final = 15.0
DEFAULT_RETRIES: Final = 2
_BACKOFF: Final = 0.25
_USER_AGENT: Final = "Mozilla/5.0 (compatible; tushare-typed sources)"
# What a source's plain-text or HTML refusal says when it is about the call rate.
_RATE_TEXT: Final = re.compile(r"rate.?limit|too many requests|频繁|请求过多|访问受限", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    content_type: str
    body: bytes


def decode_json(source: str, reply: Reply) -> Any:
    """The reply's JSON, or :class:`MalformedReplyError` naming the source (an HTML page, a truncated body)."""
    head = reply.body.lstrip()[:1]
    if head not in (b"{", b"[") and _RATE_TEXT.search(reply.body[:2000].decode("utf-8", "replace")):
        error = RateLimitError(f"{source} answered a rate-limit notice instead of data", api_name=source)
        error.retry_after = 60.0
        raise error
    if head == b"<" or "html" in reply.content_type.lower():
        raise MalformedReplyError(
            f"{source} answered an HTML page instead of JSON (a block page, a login wall or a changed endpoint)",
            api_name=source,
            remediation=f"Check the {source} endpoint URL; if it is right, {source} may be blocking this client.",
        )
    try:
        return json.loads(reply.body)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedReplyError(f"{source} answered something that is not JSON ({error})", api_name=source) from None


@dataclass
class Fetcher:
    """GETs for one source over one pooled ``httpx.Client``; ``calls`` counts the requests sent. ``headers`` are
    sent with every request (a source that wants a ``Referer``)."""

    source: str
    limiter: RateLimiter
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_rate_limit_wait: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    headers: Mapping[str, str] = field(default_factory=dict)
    calls: int = 0
    _http: httpx.Client | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def http(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                import httpx

                self._http = httpx.Client(
                    headers={"Accept-Encoding": ACCEPT_ENCODING, "User-Agent": _USER_AGENT, **self.headers},
                    limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
                    follow_redirects=False,
                )
            return self._http

    def get(self, url: str, params: Mapping[str, str], *, until: bytes | None = None) -> Reply:
        """The reply of a GET (any status below 500 but 429), after up to ``retries`` retries of an outage.

        ``until``: stop reading once the decoded body holds this marker (the first event of a stream that does not
        end, such as server-sent events); the body read so far is the reply."""
        attempt = 0
        while True:
            try:
                return self._attempt(url, params, until)
            except ServiceError as error:
                if not error.retryable or attempt >= self.retries:
                    raise
            attempt += 1
            self.sleep(_BACKOFF * 2 ** (attempt - 1))

    def _attempt(self, url: str, params: Mapping[str, str], until: bytes | None) -> Reply:
        import httpx

        self.limiter.acquire(self.source, max_wait=self.max_rate_limit_wait)
        deadline = time.monotonic() + self.timeout
        timeout = httpx.Timeout(self.timeout)
        error: TushareError
        try:
            response = self.http.send(self.http.build_request("GET", url, params=params, timeout=timeout), stream=True)
            with self._lock:
                self.calls += 1
            try:
                return self._reply(response, deadline, until)
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            error = ServiceTimeoutError(f"{self.source}: no reply within {self.timeout:g} s ({exc!r})")
        except httpx.RequestError as exc:
            error = ServiceConnectionError(
                f"cannot reach {self.source} ({type(exc).__name__}: {exc})",
                remediation=f"Check the network and the {self.source} endpoint (argument or environment variable).",
            )
        except DeadlinePassed:
            error = ServiceTimeoutError(f"{self.source}: the reply did not arrive whole within {self.timeout:g} s")
        except BodyTooLarge:
            error = ReplyTooLargeError(f"{self.source}: the reply exceeds {self.max_body_bytes} bytes decompressed")
        except UnsupportedEncoding as exc:
            error = MalformedReplyError(f"{self.source}: a reply whose encoding cannot be read ({exc})")
        # Raised outside the handler: the httpx exception (its request holds the URL with any key) is not chained.
        error.api_name = self.source
        error.message = redact_text(error.message)
        raise error

    def _reply(self, response: httpx.Response, deadline: float, until: bytes | None) -> Reply:
        status = response.status_code
        if status >= 500:
            raise ServiceError(f"{self.source} answered HTTP {status}", api_name=self.source)
        if status == 429:
            error = RateLimitError(f"{self.source} answered HTTP 429 Too Many Requests", api_name=self.source)
            error.retry_after = 60.0
            raise error
        if status >= 300 and status != 404:
            raise UnexpectedStatusError(f"{self.source} answered HTTP {status}", api_name=self.source)
        inflater = Inflater(response.headers.get("Content-Encoding", ""), self.max_body_bytes)
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        with socket_watchdog(sock, deadline - time.monotonic()) as fired:
            try:
                chunks = response.iter_raw() if until is None else _until(response.iter_raw(), inflater, until)
                body = read_body(chunks, inflater, deadline, time.monotonic)
            except Exception:
                if fired.is_set():
                    raise DeadlinePassed from None
                raise
            if fired.is_set():
                raise DeadlinePassed
        return Reply(status, response.headers.get("Content-Type", ""), body)

    def close(self) -> None:
        with self._lock:
            if self._http is not None:
                self._http.close()
                self._http = None


def _until(chunks: Iterator[bytes], inflater: Inflater, marker: bytes) -> Iterator[bytes]:
    """``chunks`` until the inflated body holds ``marker``."""
    for chunk in chunks:
        yield chunk
        if marker in inflater.buffer:
            return

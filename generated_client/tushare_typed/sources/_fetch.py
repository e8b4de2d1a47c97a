"""One GET to a source's documented endpoint, with the guarantees of a tushare call.

The sync :meth:`Fetcher.get` and async :meth:`Fetcher.aget` are thin shells over the same decisions (which status is
which error, which failure is retried after how long, how a transport failure is reported): only the waiting and the
reading differ. A deadline per attempt covers the whole body (read chunk by chunk; a blocked sync read is ended by
shutting the socket down, :mod:`.._internal.body`, an async one by ``asyncio.timeout``), a bound on the decompressed
size, the source's own :class:`RateLimiter` turn before each attempt, bounded retries with backoff on outages
(connection failures, timeouts, HTTP 5xx), and typed errors that name the source. The API key in a URL is masked in
every message (it is remembered as a secret).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from .._internal.body import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_BODY_BYTES,
    BodyTooLarge,
    DeadlinePassed,
    Inflater,
    UnsupportedEncoding,
    aread_body,
    read_body,
)
from .._internal.redact import redact_text
from .._internal.transport.watchdog import socket_watchdog
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

__all__ = ["DEFAULT_RETRIES", "DEFAULT_TIMEOUT", "Fetcher", "Reply", "decode_json", "loop_bound"]

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


def _pool(async_: bool) -> Any:
    import httpx

    settings: dict[str, Any] = {
        "headers": {"Accept-Encoding": ACCEPT_ENCODING, "User-Agent": _USER_AGENT},
        "limits": httpx.Limits(max_connections=16, max_keepalive_connections=16),
        "follow_redirects": False,
    }
    return httpx.AsyncClient(**settings) if async_ else httpx.Client(**settings)


def loop_bound(held: dict[int, Any], make: Callable[[], Any]) -> Any:
    """What ``make`` built for the running event loop (an async pool belongs to the loop it was opened on); the ones
    of loops that have ended are dropped."""
    loop = asyncio.get_running_loop()
    for key in [key for key, (other, _) in held.items() if other.is_closed()]:
        del held[key]
    if id(loop) not in held:
        held[id(loop)] = (loop, make())
    return held[id(loop)][1]


@dataclass
class Fetcher:
    """GETs for one source over one pooled ``httpx.Client`` (and, for :meth:`aget`, one ``httpx.AsyncClient`` per
    event loop); ``calls`` counts the requests sent. ``headers`` are sent with every request (a source that wants a
    ``Referer``)."""

    source: str
    limiter: RateLimiter
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_rate_limit_wait: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    asleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    headers: Mapping[str, str] = field(default_factory=dict)
    calls: int = 0
    _http: httpx.Client | None = None
    _ahttp: dict[int, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def http(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                self._http = _pool(False)
            return self._http

    @property
    def ahttp(self) -> httpx.AsyncClient:
        """The async pool of the running event loop."""
        with self._lock:
            return loop_bound(self._ahttp, lambda: _pool(True))  # type: ignore[no-any-return]

    def get(self, url: str, params: Mapping[str, str], *, until: bytes | None = None) -> Reply:
        """The reply of a GET (any status below 500 but 429), after up to ``retries`` retries of an outage.

        ``until``: stop reading once the decoded body holds this marker (the first event of a stream that does not
        end, such as server-sent events); the body read so far is the reply."""
        attempt = 0
        while True:
            try:
                return self._attempt(url, params, until)
            except ServiceError as error:
                delay = self._retry_delay(error, attempt)
            attempt += 1
            self.sleep(delay)

    async def aget(self, url: str, params: Mapping[str, str], *, until: bytes | None = None) -> Reply:
        """Async :meth:`get`."""
        attempt = 0
        while True:
            try:
                return await self._aattempt(url, params, until)
            except ServiceError as error:
                delay = self._retry_delay(error, attempt)
            attempt += 1
            await self.asleep(delay)

    def _retry_delay(self, error: ServiceError, attempt: int) -> float:
        """How long to wait before retrying after ``error`` (re-raised when it is final)."""
        if not error.retryable or attempt >= self.retries:
            raise error
        return float(_BACKOFF * 2.0**attempt)

    def _attempt(self, url: str, params: Mapping[str, str], until: bytes | None) -> Reply:
        import httpx

        self.limiter.acquire(self.source, max_wait=self.max_rate_limit_wait)
        deadline = time.monotonic() + self.timeout
        try:
            response = self.http.send(self._request(self.http, url, params), stream=True)
            self._sent()
            try:
                _check_status(self.source, response.status_code)
                with socket_watchdog(deadline - time.monotonic()) as watchdog:
                    watchdog.watch_stream(response.extensions.get("network_stream"))
                    fired = watchdog.fired
                    try:
                        inflater = self._inflater(response)
                        chunks = response.iter_raw() if until is None else _until(response.iter_raw(), inflater, until)
                        body = read_body(chunks, inflater, deadline, time.monotonic)
                    except Exception:
                        if fired.is_set():
                            raise DeadlinePassed from None
                        raise
                    if fired.is_set():
                        raise DeadlinePassed
                return Reply(response.status_code, response.headers.get("Content-Type", ""), body)
            finally:
                response.close()
        except (httpx.RequestError, DeadlinePassed, BodyTooLarge, UnsupportedEncoding) as exc:
            error = self._failure(exc)
        # Raised outside the handler: the httpx exception (its request holds the URL with any key) is not chained.
        raise error

    async def _aattempt(self, url: str, params: Mapping[str, str], until: bytes | None) -> Reply:
        import httpx

        await self.limiter.aacquire(self.source, max_wait=self.max_rate_limit_wait)
        deadline = time.monotonic() + self.timeout
        http = self.ahttp
        try:
            async with asyncio.timeout(self.timeout):
                response = await http.send(self._request(http, url, params), stream=True)
                self._sent()
                try:
                    _check_status(self.source, response.status_code)
                    inflater = self._inflater(response)
                    raw = response.aiter_raw()
                    chunks = raw if until is None else _auntil(raw, inflater, until)
                    body = await aread_body(chunks, inflater, deadline, time.monotonic)
                    return Reply(response.status_code, response.headers.get("Content-Type", ""), body)
                finally:
                    await response.aclose()
        except TimeoutError:
            error = self._failure(DeadlinePassed())
        except (httpx.RequestError, DeadlinePassed, BodyTooLarge, UnsupportedEncoding) as exc:
            error = self._failure(exc)
        raise error

    def _request(self, http: httpx.Client | httpx.AsyncClient, url: str, params: Mapping[str, str]) -> httpx.Request:
        import httpx

        return http.build_request(
            "GET", url, params=params, headers=dict(self.headers), timeout=httpx.Timeout(self.timeout)
        )

    def _sent(self) -> None:
        with self._lock:
            self.calls += 1

    def _inflater(self, response: httpx.Response) -> Inflater:
        return Inflater(response.headers.get("Content-Encoding", ""), self.max_body_bytes)

    def _failure(self, exc: Exception) -> TushareError:
        """The typed error for a failed attempt, naming the source, any key in its text masked."""
        import httpx

        error: TushareError
        if isinstance(exc, httpx.TimeoutException):
            error = ServiceTimeoutError(f"{self.source}: no reply within {self.timeout:g} s ({exc!r})")
        elif isinstance(exc, httpx.RequestError):
            error = ServiceConnectionError(
                f"cannot reach {self.source} ({type(exc).__name__}: {exc})",
                remediation=f"Check the network and the {self.source} endpoint (argument or environment variable).",
            )
        elif isinstance(exc, DeadlinePassed):
            error = ServiceTimeoutError(f"{self.source}: the reply did not arrive whole within {self.timeout:g} s")
        elif isinstance(exc, BodyTooLarge):
            error = ReplyTooLargeError(f"{self.source}: the reply exceeds {self.max_body_bytes} bytes decompressed")
        else:
            error = MalformedReplyError(f"{self.source}: a reply whose encoding cannot be read ({exc})")
        error.api_name = self.source
        error.message = redact_text(error.message)
        return error

    def close(self) -> None:
        with self._lock:
            if self._http is not None:
                self._http.close()
                self._http = None

    async def aclose(self) -> None:
        """Close the sync pool and the running loop's async pool."""
        self.close()
        loop = asyncio.get_running_loop()
        with self._lock:
            held = self._ahttp.pop(id(loop), None)
        if held is not None:
            await held[1].aclose()


def _check_status(source: str, status: int) -> None:
    """The typed error of a status that carries no data (outage, rate limit, redirect); 404 and 2xx are read."""
    if status >= 500:
        raise ServiceError(f"{source} answered HTTP {status}", api_name=source)
    if status == 429:
        error = RateLimitError(f"{source} answered HTTP 429 Too Many Requests", api_name=source)
        error.retry_after = 60.0
        raise error
    if status >= 300 and status != 404:
        raise UnexpectedStatusError(f"{source} answered HTTP {status}", api_name=source)


def _until(chunks: Iterator[bytes], inflater: Inflater, marker: bytes) -> Iterator[bytes]:
    """``chunks`` until the inflated body holds ``marker``."""
    for chunk in chunks:
        yield chunk
        if marker in inflater.buffer:
            return


async def _auntil(chunks: AsyncIterator[bytes], inflater: Inflater, marker: bytes) -> AsyncIterator[bytes]:
    """Async :func:`_until`."""
    async for chunk in chunks:
        yield chunk
        if marker in inflater.buffer:
            return

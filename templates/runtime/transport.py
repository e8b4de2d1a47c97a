"""HTTP transports to the tushare API: pooling, timeouts, retries, rate-limit waits, a breaker.

One *call* is one POST of ``{"api_name", "token", "params", "fields"}`` (one page), possibly over
several *attempts*:

- network errors, timeouts, HTTP >= 500 and undecodable replies are retried with exponential
  backoff and jitter (first wait about 0.5 s), at most ``max_retries`` times (0 disables retries);
- a 40203 rate reply (or HTTP 429) tells the limiter (``limiter.on_rate_limited``) and waits out
  the server's window (a minute for per-minute caps), while the total wait stays within
  ``max_rate_limit_wait`` seconds (0 raises at once);
- AUTH, PARAMETER and UNKNOWN errors are never retried;
- after 5 consecutive service failures the circuit breaker fails calls fast for 60 s.

Each call gets a local request id (uuid4 hex) sent as ``X-Request-Id``; errors and the log event
carry the server's request id when the reply had one, else the local one. ``sleep``, ``clock`` and
``random`` are injectable so tests neither sleep nor depend on chance.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random as _random
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, overload, runtime_checkable

import httpx
from tenacity import AsyncRetrying, RetryCallState, Retrying, stop_never

from .errors import (
    CircuitOpenError,
    ParameterError,
    RateLimitError,
    ServiceConnectionError,
    ServiceError,
    ServiceTimeoutError,
    TushareError,
    UnexpectedStatusError,
    redact_text,
)
from .logs import log_call
from .progress import announce_wait
from .token import Secret

if TYPE_CHECKING:
    from .envelope import Decoder, Page
    from .errors import MalformedReplyError

__all__ = [
    "DEFAULT_BASE_URL",
    "ENV_BASE_URL",
    "REQUEST_ID_HEADER",
    "AsyncTransport",
    "CircuitBreaker",
    "Limiter",
    "RequestOptions",
    "SyncTransport",
    "backoff_delay",
    "encode_fields",
    "encode_params",
    "new_request_id",
    "resolve_base_url",
]

T = TypeVar("T")

DEFAULT_BASE_URL = "http://api.tushare.pro"
ENV_BASE_URL = "TUSHARE_API_URL"
REQUEST_ID_HEADER = "X-Request-Id"
USER_AGENT = "tushare-typed"

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2  # three attempts in all
# A per-minute window plus slack: one 40203 is waited out, a second one in a row is raised.
DEFAULT_MAX_RATE_LIMIT_WAIT = 65.0
BACKOFF_INITIAL = 0.5
BACKOFF_MAX = 8.0
# A limiter answering "wait 0 s" after a 40203 would only burn another request on the same window.
MIN_RATE_LIMIT_WAIT = 1.0

BREAKER_FAILURE_THRESHOLD = 5
BREAKER_RESET_TIMEOUT = 60.0


@runtime_checkable
class Limiter(Protocol):
    """The rate limiter as the transport sees it (``ratelimit.RateLimiter`` implements it)."""

    def acquire(self, api_name: str) -> float:
        """Block until a call may go; return the seconds waited."""
        ...

    async def aacquire(self, api_name: str) -> float:
        """Same as ``acquire`` without blocking the event loop."""
        ...

    def on_rate_limited(self, api_name: str, calls: int | None, period: float) -> float:
        """A 40203 rate reply arrived: lower the limit to what the server stated; return the wait."""
        ...


# --- decoding, imported on first use ------------------------------------------------------------
# The envelope decoder needs pydantic, which costs more at import than everything else a client needs to be
# built; it is loaded with the first reply instead.


def decode_generic_page(body: bytes, api_name: str, request_id: str) -> Page:
    """The default decoder: :func:`.envelope.decode_page`, imported when the first reply arrives."""
    from .envelope import decode_page

    return decode_page(body, api_name, request_id)


def _malformed(body: bytes, api_name: str, request_id: str, reason: str) -> MalformedReplyError:
    from .envelope import malformed

    return malformed(body, api_name, request_id, reason)


# --- options ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Per-client or per-call overrides; ``None`` means "inherit"."""

    timeout: float | None = None
    max_retries: int | None = None
    max_rate_limit_wait: float | None = None

    def __post_init__(self) -> None:
        if self.timeout is not None and not self.timeout > 0:
            raise ParameterError(f"timeout must be positive, got {self.timeout!r}")
        if self.max_retries is not None and self.max_retries < 0:
            raise ParameterError(f"max_retries must be >= 0, got {self.max_retries!r}")
        if self.max_rate_limit_wait is not None and not self.max_rate_limit_wait >= 0:
            raise ParameterError(f"max_rate_limit_wait must be >= 0, got {self.max_rate_limit_wait!r}")

    def merged(self, overrides: RequestOptions | None) -> RequestOptions:
        """These options with every non-None field of ``overrides`` taking precedence."""
        if overrides is None:
            return self
        changes = {
            field.name: getattr(overrides, field.name)
            for field in dataclass_fields(overrides)
            if getattr(overrides, field.name) is not None
        }
        return replace(self, **changes)


# --- request building -------------------------------------------------------------------------


def new_request_id() -> str:
    return uuid.uuid4().hex


def resolve_base_url(base_url: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """``base_url``, else ``TUSHARE_API_URL``, else ``http://api.tushare.pro``."""
    env = os.environ if environ is None else environ
    url = (base_url or env.get(ENV_BASE_URL, "") or DEFAULT_BASE_URL).strip()
    if not url.startswith(("http://", "https://")):
        raise ParameterError(f"the base URL must start with http:// or https://, got {url!r}")
    return url


def _encode_value(name: str, value: object) -> str | int | float | bool:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, float) and not math.isfinite(value):
        # json.dumps would write NaN/Infinity, which is not JSON.
        raise ParameterError(f"parameter {name!r} must be a finite number, got {value!r}")
    if isinstance(value, str | bool | int | float):
        return value
    # datetime before date: a datetime is also a date.
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return ",".join(str(_encode_value(name, item)) for item in value)
    if isinstance(value, set | frozenset):
        return ",".join(sorted(str(_encode_value(name, item)) for item in value))
    raise ParameterError(f"parameter {name!r} cannot be sent as a {type(value).__name__}")


def encode_params(params: Mapping[str, object]) -> dict[str, str | int | float | bool]:
    """Wire form of ``params``: None dropped, dates ``YYYYMMDD``, sequences comma-joined."""
    return {name: _encode_value(name, value) for name, value in params.items() if value is not None}


def encode_fields(fields: Sequence[str] | str | None) -> str:
    """The ``fields`` string: names comma-joined, blanks and repeats dropped; "" means default."""
    names = fields.split(",") if isinstance(fields, str) else list(fields or ())
    unique: dict[str, None] = {}
    for name in names:
        if not isinstance(name, str):
            raise ParameterError(f"field names are strings, got {type(name).__name__}")
        if name.strip():
            unique[name.strip()] = None
    return ",".join(unique)


def backoff_delay(retry_number: int, rng: Callable[[], float] = _random.random) -> float:
    """Seconds before retry ``retry_number`` (1-based): 0.5, 1, 2, 4... capped, plus up to 50%."""
    base = min(BACKOFF_MAX, BACKOFF_INITIAL * 2.0 ** (retry_number - 1))
    return base * (1.0 + 0.5 * rng())


# --- circuit breaker --------------------------------------------------------------------------


class CircuitBreaker:
    """Fails calls fast after ``failure_threshold`` consecutive service failures.

    Open for ``reset_timeout`` seconds, then half-open: one probe call goes through; its success
    closes the circuit, its failure opens it again. Thread-safe; ``clock`` is injectable.
    """

    def __init__(
        self,
        *,
        failure_threshold: int = BREAKER_FAILURE_THRESHOLD,
        reset_timeout: float = BREAKER_RESET_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = failure_threshold
        self._reset_timeout = reset_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> Literal["closed", "open", "half_open"]:
        with self._lock:
            return self._state(self._clock())

    def _state(self, now: float) -> Literal["closed", "open", "half_open"]:
        if self._opened_at is None:
            return "closed"
        if now - self._opened_at < self._reset_timeout:
            return "open"
        return "half_open"

    def before_attempt(self, api_name: str, request_id: str) -> None:
        """Raise ``CircuitOpenError`` unless an attempt may go now."""
        with self._lock:
            now = self._clock()
            state = self._state(now)
            if state == "closed":
                return
            if state == "half_open" and not self._probing:
                self._probing = True
                return
            opened_at = self._opened_at if self._opened_at is not None else now
            retry_after = max(0.0, opened_at + self._reset_timeout - now)
        raise CircuitOpenError(
            f"tushare failed {self._threshold} times in a row, so calls fail fast for {retry_after:.1f} s more",
            retry_after=retry_after,
            api_name=api_name,
            request_id=request_id,
        )

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._probing = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._probing = False
            if self._failures >= self._threshold:
                self._opened_at = self._clock()

    def _release_probe(self) -> None:
        with self._lock:
            self._probing = False

    @contextmanager
    def untracked(self) -> Iterator[None]:
        """Run local work (the limiter) between ``before_attempt`` and the HTTP attempt.

        A failure there says nothing about the service, but must not leave a half-open probe
        slot taken forever.
        """
        try:
            yield
        except BaseException:
            self._release_probe()
            raise

    @contextmanager
    def track(self) -> Iterator[None]:
        """Record the outcome of the attempt run inside the block."""
        try:
            yield
        except ServiceError as error:
            if error.retryable:
                self.record_failure()
            else:
                self.record_success()
            raise
        except TushareError:
            # Any decoded reply (even "bad token") shows the service is up.
            self.record_success()
            raise
        except BaseException:
            # Cancelled or broken before an answer: say nothing about the service.
            self._release_probe()
            raise
        self.record_success()


# --- one call ---------------------------------------------------------------------------------


class _Call:
    """Mutable state of one call across its attempts, and its retry decisions for tenacity."""

    def __init__(
        self,
        *,
        api_name: str,
        body: bytes,
        options: RequestOptions,
        limiter: Limiter | None,
        rng: Callable[[], float],
    ) -> None:
        self.api_name = api_name
        self.request_id = new_request_id()
        self.body = body
        self.timeout = options.timeout or DEFAULT_TIMEOUT
        self.max_retries = options.max_retries if options.max_retries is not None else DEFAULT_MAX_RETRIES
        self.max_rate_limit_wait = (
            options.max_rate_limit_wait if options.max_rate_limit_wait is not None else DEFAULT_MAX_RATE_LIMIT_WAIT
        )
        self.limiter = limiter
        self.rng = rng
        self.attempts = 0
        self.retries = 0
        self.waited_for_limiter = 0.0
        self.waited_for_server = 0.0
        self.next_wait = 0.0
        self.refused_locally = False

    @property
    def rate_limit_wait(self) -> float:
        return self.waited_for_limiter + self.waited_for_server

    @contextmanager
    def limiter_turn(self) -> Iterator[None]:
        """Mark errors raised by the local limiter: they are the caller's budget, not the server's."""
        try:
            yield
        except BaseException:
            self.refused_locally = True
            raise

    def should_retry(self, state: RetryCallState) -> bool:
        outcome = state.outcome
        if outcome is None or not outcome.failed or self.refused_locally:
            return False
        error = outcome.exception()
        if isinstance(error, RateLimitError):
            return self._plan_rate_limit_wait(error)
        if isinstance(error, TushareError) and error.retryable:
            return self._plan_backoff()
        return False

    def wait(self, state: RetryCallState) -> float:
        return self.next_wait

    def _plan_rate_limit_wait(self, error: RateLimitError) -> bool:
        if self.limiter is not None:
            wait = self.limiter.on_rate_limited(self.api_name, error.limit_calls, error.limit_period)
        else:
            wait = error.limit_period
        wait = max(wait, MIN_RATE_LIMIT_WAIT)
        if self.waited_for_server + wait > self.max_rate_limit_wait:
            return False
        self.waited_for_server += wait
        self.next_wait = wait
        announce_wait(self.api_name, wait, "tushare replied 40203: too many calls")
        return True

    def _plan_backoff(self) -> bool:
        if self.retries >= self.max_retries:
            return False
        self.retries += 1
        self.next_wait = backoff_delay(self.retries, self.rng)
        return True


def _row_count(result: object) -> int | None:
    for name in ("items", "rows"):
        value = getattr(result, name, None)
        if isinstance(value, list | tuple):
            return len(value)
    return None


# --- shared transport logic -------------------------------------------------------------------


class _TransportBase:
    def __init__(
        self,
        *,
        base_url: str | None,
        timeout: float,
        max_retries: int,
        max_rate_limit_wait: float,
        limiter: Limiter | None,
        breaker: CircuitBreaker | None,
        clock: Callable[[], float],
        random: Callable[[], float],
    ) -> None:
        self.base_url = resolve_base_url(base_url)
        self.options = RequestOptions(timeout=timeout, max_retries=max_retries, max_rate_limit_wait=max_rate_limit_wait)
        self.limiter = limiter
        self.breaker = breaker if breaker is not None else CircuitBreaker(clock=clock)
        self._clock = clock
        self._random = random

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _new_call(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None,
        token: str | Secret,
        options: RequestOptions | None,
    ) -> _Call:
        payload = {
            "api_name": api_name,
            "token": token.reveal() if isinstance(token, Secret) else token,
            "params": encode_params(params),
            "fields": encode_fields(fields),
        }
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return _Call(
            api_name=api_name,
            body=body,
            options=self.options.merged(options),
            limiter=self.limiter,
            rng=self._random,
        )

    @staticmethod
    def _headers(call: _Call) -> dict[str, str]:
        return {"Content-Type": "application/json", REQUEST_ID_HEADER: call.request_id}

    @staticmethod
    def _network_error(exc: httpx.RequestError, call: _Call) -> TushareError:
        detail = redact_text(str(exc)) or type(exc).__name__
        where: dict[str, Any] = {"api_name": call.api_name, "request_id": call.request_id}
        if isinstance(exc, httpx.TimeoutException):
            return ServiceTimeoutError(f"no reply within {call.timeout:g} s ({type(exc).__name__}: {detail})", **where)
        if isinstance(exc, httpx.DecodingError):
            return _malformed(b"", call.api_name, call.request_id, f"transfer decoding: {detail}")
        return ServiceConnectionError(f"cannot reach tushare ({type(exc).__name__}: {detail})", **where)

    @staticmethod
    def _interpret(response: httpx.Response, call: _Call, decode: Decoder[T]) -> T:
        where: dict[str, Any] = {"api_name": call.api_name, "request_id": call.request_id}
        status = response.status_code
        if status >= 500:
            raise ServiceError(f"tushare answered HTTP {status}", **where)
        if status == 429:
            raise RateLimitError("HTTP 429 Too Many Requests", limit_period=_retry_after(response), **where)
        if status != 200:
            raise UnexpectedStatusError(f"tushare answered HTTP {status} instead of 200", **where)
        body = response.content
        try:
            return decode(body, call.api_name, call.request_id)
        except TushareError:
            raise
        except (ValueError, TypeError, LookupError, RecursionError) as exc:
            # Typed decoders promise TushareErrors; anything else still must not escape raw.
            reason = f"decoder failed with {type(exc).__name__}"
            raise _malformed(body, call.api_name, call.request_id, reason) from None

    def _retry_policy(self, call: _Call) -> dict[str, Any]:
        return {
            "retry": call.should_retry,
            "wait": call.wait,
            "stop": stop_never,
            "reraise": True,
        }

    @staticmethod
    def _log(call: _Call, started: float, result: object, error: BaseException | None) -> None:
        extra: dict[str, Any] = {}
        if isinstance(error, TushareError):
            extra = {"error_code": error.code, "tushare_code": error.tushare_code}
            server_id = error.request_id
        elif error is not None:
            extra = {"error_type": type(error).__name__}
            server_id = None
        else:
            server_id = getattr(result, "request_id", None)
        if isinstance(server_id, str) and server_id != call.request_id:
            extra["server_request_id"] = server_id
        log_call(
            request_id=call.request_id,
            api_name=call.api_name,
            duration_ms=(time.perf_counter() - started) * 1000.0,
            attempts=call.attempts,
            rate_limit_wait_ms=call.rate_limit_wait * 1000.0,
            rows=_row_count(result) if error is None else None,
            pages=1 if error is None else 0,
            outcome="ok" if error is None else "error",
            **extra,
        )

    @staticmethod
    def _fill_ids(error: TushareError, call: _Call) -> None:
        if error.request_id is None:
            error.request_id = call.request_id
        if error.api_name is None:
            error.api_name = call.api_name


def _retry_after(response: httpx.Response) -> float:
    """Seconds from a numeric ``Retry-After``; a minute (the usual window) when absent or odd."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return 60.0
    return max(seconds, MIN_RATE_LIMIT_WAIT) if math.isfinite(seconds) else 60.0


def _default_limits() -> httpx.Limits:
    return httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0)


# --- sync -------------------------------------------------------------------------------------


class SyncTransport(_TransportBase):
    """Blocking transport over a pooled ``httpx.Client``."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT,
        limiter: Limiter | None = None,
        http_client: httpx.Client | None = None,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = _random.random,
    ) -> None:
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_rate_limit_wait=max_rate_limit_wait,
            limiter=limiter,
            breaker=breaker,
            clock=clock,
            random=random,
        )
        self._owns_http = http_client is None
        self.http = http_client or httpx.Client(
            timeout=httpx.Timeout(timeout),
            limits=_default_limits(),
            headers={"User-Agent": USER_AGENT},
        )
        self._sleep = sleep

    def with_base_url(self, base_url: str) -> SyncTransport:
        """A transport to another URL sharing this one's connection pool (not closing it)."""
        return SyncTransport(
            base_url,
            timeout=self.options.timeout or DEFAULT_TIMEOUT,
            max_retries=self.options.max_retries or 0,
            max_rate_limit_wait=self.options.max_rate_limit_wait or 0.0,
            limiter=self.limiter,
            http_client=self.http,
            sleep=self._sleep,
            clock=self._clock,
            random=self._random,
        )

    @overload
    def request(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        token: str | Secret,
        options: RequestOptions | None = None,
    ) -> Page: ...

    @overload
    def request(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        token: str | Secret,
        decode: Decoder[T],
        options: RequestOptions | None = None,
    ) -> T: ...

    def request(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        token: str | Secret,
        decode: Decoder[Any] = decode_generic_page,
        options: RequestOptions | None = None,
    ) -> Any:
        """One call (one page): POST, retry as configured, decode with ``decode``."""
        call = self._new_call(api_name, params, fields, token, options)
        retrying = Retrying(sleep=self._sleep, **self._retry_policy(call))
        started = time.perf_counter()
        try:
            result = retrying(self._attempt, call, decode)
        except TushareError as error:
            self._fill_ids(error, call)
            self._log(call, started, None, error)
            raise
        except BaseException as error:
            self._log(call, started, None, error)
            raise
        self._log(call, started, result, None)
        return result

    def _attempt(self, call: _Call, decode: Decoder[T]) -> T:
        self.breaker.before_attempt(call.api_name, call.request_id)
        with self.breaker.untracked(), call.limiter_turn():
            if self.limiter is not None:
                call.waited_for_limiter += self.limiter.acquire(call.api_name)
        with self.breaker.track():
            call.attempts += 1
            response = self._post(call)
            return self._interpret(response, call, decode)

    def _post(self, call: _Call) -> httpx.Response:
        try:
            return self.http.post(
                self.base_url,
                content=call.body,
                headers=self._headers(call),
                timeout=httpx.Timeout(call.timeout),
            )
        except httpx.RequestError as exc:
            error = self._network_error(exc, call)
        # Raised outside the handler so the httpx exception (whose request holds the token in
        # its body) is not chained to the error as __context__.
        raise error

    def close(self) -> None:
        """Close the connection pool if this transport created it."""
        if self._owns_http:
            self.http.close()


# --- async ------------------------------------------------------------------------------------


class AsyncTransport(_TransportBase):
    """Non-blocking transport over a pooled ``httpx.AsyncClient``."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT,
        limiter: Limiter | None = None,
        http_client: httpx.AsyncClient | None = None,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = _random.random,
    ) -> None:
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_rate_limit_wait=max_rate_limit_wait,
            limiter=limiter,
            breaker=breaker,
            clock=clock,
            random=random,
        )
        self._owns_http = http_client is None
        self.http = http_client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            limits=_default_limits(),
            headers={"User-Agent": USER_AGENT},
        )
        self._sleep = sleep

    def with_base_url(self, base_url: str) -> AsyncTransport:
        """A transport to another URL sharing this one's connection pool (not closing it)."""
        return AsyncTransport(
            base_url,
            timeout=self.options.timeout or DEFAULT_TIMEOUT,
            max_retries=self.options.max_retries or 0,
            max_rate_limit_wait=self.options.max_rate_limit_wait or 0.0,
            limiter=self.limiter,
            http_client=self.http,
            sleep=self._sleep,
            clock=self._clock,
            random=self._random,
        )

    @overload
    async def request(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        token: str | Secret,
        options: RequestOptions | None = None,
    ) -> Page: ...

    @overload
    async def request(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        token: str | Secret,
        decode: Decoder[T],
        options: RequestOptions | None = None,
    ) -> T: ...

    async def request(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        token: str | Secret,
        decode: Decoder[Any] = decode_generic_page,
        options: RequestOptions | None = None,
    ) -> Any:
        """One call (one page): POST, retry as configured, decode with ``decode``."""
        call = self._new_call(api_name, params, fields, token, options)
        retrying = AsyncRetrying(sleep=self._sleep, **self._retry_policy(call))
        started = time.perf_counter()
        try:
            result: Any = await retrying(self._attempt, call, decode)
        except TushareError as error:
            self._fill_ids(error, call)
            self._log(call, started, None, error)
            raise
        except BaseException as error:
            self._log(call, started, None, error)
            raise
        self._log(call, started, result, None)
        return result

    async def _attempt(self, call: _Call, decode: Decoder[T]) -> T:
        self.breaker.before_attempt(call.api_name, call.request_id)
        with self.breaker.untracked(), call.limiter_turn():
            if self.limiter is not None:
                call.waited_for_limiter += await self.limiter.aacquire(call.api_name)
        with self.breaker.track():
            call.attempts += 1
            response = await self._post(call)
            return self._interpret(response, call, decode)

    async def _post(self, call: _Call) -> httpx.Response:
        try:
            return await self.http.post(
                self.base_url,
                content=call.body,
                headers=self._headers(call),
                timeout=httpx.Timeout(call.timeout),
            )
        except httpx.RequestError as exc:
            error = self._network_error(exc, call)
        # Raised outside the handler: see SyncTransport._post.
        raise error

    async def aclose(self) -> None:
        """Close the connection pool if this transport created it."""
        if self._owns_http:
            await self.http.aclose()

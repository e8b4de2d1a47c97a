"""What one call does, free of I/O: the sync and async transports drive the same steps.

One *call* is one POST of ``{"api_name", "token", "params", "fields"}`` (one page), possibly over several
*attempts*: after each failure :mod:`.retry` asks tenacity whether to retry and how long to wait first, and
:mod:`.breaker` fails calls fast beside it. :func:`run_call` is a generator that *yields what to do* — take a turn
from the limiter (:class:`Acquire`), send the request and read its body (:class:`Post`), wait (:class:`Sleep`) —
and receives the outcome (or has the failure thrown into it). The sync and async transports only perform those
steps, so the decisions exist once.

``timeout`` bounds one whole attempt (connect, headers and every byte of the body, read within ``max_body_bytes``
while decompressing, see :mod:`..body`); the per-call ``deadline_at`` bounds the whole call, every attempt and
wait included. A final error leaves the transport without its frames: their locals hold the request body (and so
the token), which tracebacks printed with locals would show.

Each call gets a local request id (uuid4 hex) sent as ``X-Request-Id``; errors and the log event carry the server's
request id when the reply had one, else the local one.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ...errors import (
    ParameterError,
    RateLimitError,
    ReplyTooLargeError,
    ServiceConnectionError,
    ServiceError,
    ServiceTimeoutError,
    TushareError,
    UnexpectedStatusError,
    redact_text,
)
from ...progress import announce_wait
from ..body import DEFAULT_MAX_BODY_BYTES, BodyTooLarge, DeadlinePassed
from ..secret import Secret
from ..telemetry import NOOP, CallObserver, observe
from .breaker import CircuitBreaker
from .options import DEFAULT_MAX_RATE_LIMIT_WAIT, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, RequestOptions, new_request_id
from .retry import MIN_RATE_LIMIT_WAIT, RetryPolicy

if TYPE_CHECKING:
    import httpx

    from ...errors import MalformedReplyError
    from ..envelope import Decoder, Page
    from ..limiter.protocol import Limiter

__all__ = [
    "Acquire",
    "Call",
    "Post",
    "Sleep",
    "Step",
    "body_error",
    "decode_generic_page",
    "in_memory_body",
    "mark_sent",
    "new_call",
    "run_call",
    "scrubbed",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Acquire:
    """Take a turn from ``limiter``; the outcome sent back is the seconds waited. ``max_wait`` (for limiters that
    take one) is what the call may still wait: a longer wait raises at once."""

    limiter: Limiter
    max_wait: float | None = None

    def __call__(self, api_name: str) -> float:
        if self.max_wait is None:
            return self.limiter.acquire(api_name)
        return cast(Any, self.limiter).acquire(api_name, max_wait=self.max_wait)  # type: ignore[no-any-return]

    async def acall(self, api_name: str) -> float:
        if self.max_wait is None:
            return await self.limiter.aacquire(api_name)
        return await cast(Any, self.limiter).aacquire(api_name, max_wait=self.max_wait)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Post:
    """Send the call's request and read its body, all within ``budget`` seconds; the outcome sent back is
    ``(httpx.Response, body bytes)`` (failures are thrown in)."""

    budget: float


@dataclass(frozen=True, slots=True)
class Sleep:
    """Wait ``seconds`` before the next attempt; nothing is sent back."""

    seconds: float


Step = Acquire | Post | Sleep


# --- decoding, imported on first use ------------------------------------------------------------
# The envelope decoder needs pydantic, which costs more at import than everything else a client needs to be
# built; it is loaded with the first reply instead.


def decode_generic_page(body: bytes, api_name: str, request_id: str) -> Page:
    """The default decoder: :func:`..envelope.decode_page`, imported when the first reply arrives."""
    from ..envelope import decode_page

    return decode_page(body, api_name, request_id)


def _malformed(body: bytes, api_name: str, request_id: str, reason: str) -> MalformedReplyError:
    from ..envelope import malformed

    return malformed(body, api_name, request_id, reason)


# --- one call -------------------------------------------------------------------------------------


@dataclass(eq=False)
class Call:
    """One call across its attempts: what is sent, and what it cost."""

    api_name: str
    request_id: str
    #: Holds the token: kept out of the repr (tracebacks printed with locals show reprs).
    body: bytes = field(repr=False)
    timeout: float
    policy: RetryPolicy = field(repr=False)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    attempts: int = 0
    waited_for_limiter: float = 0.0
    #: Told what the call does (OpenTelemetry spans and metrics, when the application configured them).
    observer: CallObserver = field(default=NOOP, repr=False)

    @property
    def rate_limit_wait(self) -> float:
        return self.waited_for_limiter + self.policy.waited_for_server

    @property
    def where(self) -> dict[str, Any]:
        return {"api_name": self.api_name, "request_id": self.request_id}

    def attempt_budget(self) -> float:
        """Seconds one attempt may take: ``timeout``, cut short by the deadline; past it, a timeout error."""
        budget = min(self.timeout, self.policy.remaining())
        if budget <= 0:
            raise ServiceTimeoutError(
                "the call's deadline passed before it could finish",
                remediation="raise deadline=..., or fetch fewer rows per call (max_rows=...)",
                **self.where,
            )
        return budget


def new_call(
    api_name: str,
    params: Mapping[str, object],
    fields: Sequence[str] | str | None,
    token: str | Secret,
    options: RequestOptions,
    *,
    limiter: Limiter | None,
    rng: Callable[[], float],
) -> Call:
    """The request body and retry budget of one call under ``options`` (already merged with the defaults)."""
    from ..wire import encodable, encode_fields, encode_params

    # Arguments first: an error about them must not be raised where the revealed token is a local.
    wire_params, wire_fields = encode_params(params), encode_fields(fields)
    secret = token.reveal() if isinstance(token, Secret) else token
    if not encodable(secret):
        raise ParameterError(
            "the token contains characters that cannot be sent (e.g. a lone surrogate)",
            remediation="check the token= argument, TUSHARE_TOKEN or the token store: a token is plain text",
            api_name=api_name,
        )
    payload = {"api_name": api_name, "token": secret, "params": wire_params, "fields": wire_fields}
    policy = RetryPolicy(
        api_name=api_name,
        max_retries=options.max_retries if options.max_retries is not None else DEFAULT_MAX_RETRIES,
        max_rate_limit_wait=(
            options.max_rate_limit_wait if options.max_rate_limit_wait is not None else DEFAULT_MAX_RATE_LIMIT_WAIT
        ),
        limiter=limiter,
        rng=rng,
        deadline_at=options.deadline_at,
    )
    request_id = new_request_id()
    return Call(
        api_name=api_name,
        request_id=request_id,
        body=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
        timeout=options.timeout or DEFAULT_TIMEOUT,
        policy=policy,
        max_body_bytes=options.max_body_bytes or DEFAULT_MAX_BODY_BYTES,
        observer=observe(api_name, request_id, wire_params),
    )


def run_call(
    call: Call, breaker: CircuitBreaker, decode: Decoder[T], *, limiter: Limiter | None
) -> Generator[Step, Any, T]:
    """The steps of ``call``; returns the decoded reply or raises the final error, logging either way."""
    started = time.perf_counter()
    try:
        result = yield from _attempts(call, breaker, decode, limiter)
    except TushareError as error:
        if error.request_id is None:
            error.request_id = call.request_id
        if error.api_name is None:
            error.api_name = call.api_name
        _log(call, started, None, error)
        raise scrubbed(error) from None
    except BaseException as error:
        _log(call, started, None, error)
        raise
    _log(call, started, result, None)
    return result


def _attempts(
    call: Call, breaker: CircuitBreaker, decode: Decoder[T], limiter: Limiter | None
) -> Generator[Step, Any, T]:
    while True:
        breaker.before_attempt(call.api_name, call.request_id)
        # Outside the retried block: the limiter's refusals are the caller's budget, not the server's.
        with breaker.untracked():
            if limiter is not None:
                waited = yield Acquire(limiter, _limiter_wait(limiter, call))
                call.waited_for_limiter += waited
                call.observer.waited(waited, "limiter")
        try:
            with breaker.track():
                call.attempts += 1
                response, body = yield Post(call.attempt_budget())
                return interpret(response, body, call, decode)
        except TushareError as error:
            wait = call.policy.wait_before_retry(error)  # raises the error when tenacity says it is final
            call.observer.retrying(call.attempts, error.code, wait)
            if isinstance(error, RateLimitError):
                call.observer.waited(wait, "server")
                announce_wait(call.api_name, wait, "tushare replied 40203: too many calls")
        yield Sleep(wait)


def _limiter_wait(limiter: Limiter, call: Call) -> float | None:
    """What to pass as the limiter's ``max_wait`` (limiters that say they take one), or None."""
    if getattr(limiter, "takes_max_wait", False):
        return call.policy.limiter_budget(call.waited_for_limiter)
    return None


def mark_sent(limiter: Limiter | None, call: Call) -> None:
    """Tell a limiter that keeps call logs (optional ``mark_sent``) that the call went out now: the server counts
    it on arrival, not when the limiter admitted it."""
    sent = getattr(limiter, "mark_sent", None)
    if sent is not None:
        sent(call.api_name)


def scrubbed(error: TushareError) -> TushareError:
    """The error without the transport's frames and context: their locals hold the request body (the token)."""
    error.__context__ = None
    return error.with_traceback(None)


# --- what a reply or a failure means --------------------------------------------------------------


def network_error(exc: httpx.RequestError, call: Call) -> TushareError:
    """The error for an HTTP-level failure; its message is redacted (the request body holds the token)."""
    import httpx

    detail = redact_text(str(exc)) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return ServiceTimeoutError(f"no reply within {call.timeout:g} s ({type(exc).__name__}: {detail})", **call.where)
    if isinstance(exc, httpx.DecodingError):
        return _malformed(b"", call.api_name, call.request_id, f"transfer decoding: {detail}")
    return ServiceConnectionError(f"cannot reach tushare ({type(exc).__name__}: {detail})", **call.where)


def body_error(exc: Exception, call: Call, budget: float) -> TushareError:
    """The error for a body that did not arrive in time, was too large, or had an encoding that cannot be bounded."""
    if isinstance(exc, DeadlinePassed):
        return ServiceTimeoutError(f"the reply did not arrive whole within {budget:g} s", **call.where)
    if isinstance(exc, BodyTooLarge):
        return ReplyTooLargeError(
            f"the reply is larger than max_body_bytes={call.max_body_bytes} once decompressed", **call.where
        )
    return _malformed(b"", call.api_name, call.request_id, f"Content-Encoding: {exc}")


def in_memory_body(response: httpx.Response, call: Call) -> bytes:
    """The body of a reply an ``httpx`` transport built in memory (``MockTransport``), already decoded."""
    if len(response.content) > call.max_body_bytes:
        raise BodyTooLarge(call.max_body_bytes)
    return response.content


def interpret(response: httpx.Response, body: bytes, call: Call, decode: Decoder[T]) -> T:
    status = response.status_code
    if status >= 500:
        raise ServiceError(f"tushare answered HTTP {status}", **call.where)
    if status == 429:
        error = RateLimitError("HTTP 429 Too Many Requests", limit_period=_retry_after(response), **call.where)
        error.retry_after = error.limit_period  # the server said how long (or a minute when it did not)
        raise error
    if status != 200:
        raise UnexpectedStatusError(f"tushare answered HTTP {status} instead of 200", **call.where)
    try:
        return decode(body, call.api_name, call.request_id)
    except TushareError:
        raise
    except (ValueError, TypeError, LookupError, RecursionError) as exc:
        # Typed decoders promise TushareErrors; anything else still must not escape raw.
        reason = f"decoder failed with {type(exc).__name__}"
        raise _malformed(body, call.api_name, call.request_id, reason) from None


def _retry_after(response: httpx.Response) -> float:
    """Seconds from a numeric ``Retry-After``; a minute (the usual window) when absent or odd."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return 60.0
    return max(seconds, MIN_RATE_LIMIT_WAIT) if math.isfinite(seconds) else 60.0


# --- the log event and telemetry ----------------------------------------------------------------------------------


def _row_count(result: object) -> int | None:
    for name in ("items", "rows"):
        value = getattr(result, name, None)
        if isinstance(value, list | tuple):
            return len(value)
    return None


def _log(call: Call, started: float, result: object, error: BaseException | None) -> None:
    """The call's log event, and its end told to the observer (its span and metrics)."""
    from ..log_events import log_call

    call.observer.finished(call.attempts, _row_count(result) if error is None else None, error)

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

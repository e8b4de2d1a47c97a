"""The execution orchestrator: one interface call through the typed :class:`~tushare_typed.AsyncTushareClient`, with
the attempts and rate-limit hits it cost.

The service keeps one client per token, all sharing one HTTP connection pool; each token's client gets its own
limiter (the quota belongs to the account) from the service's limiter factory, whose backend every worker shares.
What one execution cost is counted in a context variable: an httpx request hook counts attempts, the limiter's
sleep functions count the calls it held back (:func:`metered_sleep`, :func:`metered_async_sleep`; a custom limiter
factory should pass them too), and a wrapper around the limiter counts the 40203 replies it was told about.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, cast

import httpx

from .._internal.transport.breaker import CircuitBreaker
from ..catalog import InterfaceSpec
from ..errors import ParameterError, ServiceTimeoutError, TushareError, UnknownError
from ..ratelimit import Limiter
from ..token import Secret, resolve_token
from ._errors import RequestCancelledError, for_rest, truncated
from .config import MAX_PARAM_CHARS

if TYPE_CHECKING:
    from .._client import AsyncTushareClient
    from ..response import Response

__all__ = ["Execution", "Executor", "Meter", "metered_async_sleep", "metered_sleep"]

#: Seconds past the client's own deadline before the service's backstop ends a call.
_DEADLINE_SLACK: Final = 2.0
_PROBE_TTL: Final = 5.0
_PROBE_TIMEOUT: Final = 2.0
#: Unknown parameter names listed in an error, at most.
_NAMES_SHOWN: Final = 10


@dataclass(slots=True)
class Meter:
    """What one execution cost upstream."""

    attempts: int = 0
    rate_limit_hits: int = 0
    upstream_rejections: int = 0


_METER: contextvars.ContextVar[Meter | None] = contextvars.ContextVar("tushare_typed_service_meter", default=None)


def _count_hit() -> None:
    meter = _METER.get()
    if meter is not None:
        meter.rate_limit_hits += 1


def metered_sleep(seconds: float) -> None:
    """``time.sleep`` that counts, for the running execution, one call held back by the limiter."""
    _count_hit()
    time.sleep(seconds)


async def metered_async_sleep(seconds: float) -> None:
    """``asyncio.sleep`` that counts one call held back by the limiter (give both to a ``RateLimiter``)."""
    _count_hit()
    await asyncio.sleep(seconds)


class _MeteredLimiter:
    """A limiter that reports each 40203 reply (an upstream rejection) to the running execution's meter, and passes
    the call's bounded wait (``max_wait``) on to a limiter that takes one, so a quota beyond it fails at once."""

    def __init__(self, inner: Limiter) -> None:
        self.inner = inner
        self.takes_max_wait = bool(getattr(inner, "takes_max_wait", False))

    def acquire(self, api_name: str, *, max_wait: float | None = None) -> float:
        if max_wait is None:
            return self.inner.acquire(api_name)
        return cast(Any, self.inner).acquire(api_name, max_wait=max_wait)  # type: ignore[no-any-return]

    async def aacquire(self, api_name: str, *, max_wait: float | None = None) -> float:
        if max_wait is None:
            return await self.inner.aacquire(api_name)
        return await cast(Any, self.inner).aacquire(api_name, max_wait=max_wait)  # type: ignore[no-any-return]

    def on_rate_limited(self, api_name: str, calls: int | None, period: float) -> float:
        meter = _METER.get()
        if meter is not None:
            meter.rate_limit_hits += 1
            meter.upstream_rejections += 1
        return self.inner.on_rate_limited(api_name, calls, period)

    def mark_sent(self, api_name: str) -> None:
        sent = getattr(self.inner, "mark_sent", None)
        if sent is not None:
            sent(api_name)


async def _count_attempt(request: httpx.Request) -> None:
    meter = _METER.get()
    if meter is not None:
        meter.attempts += 1


@dataclass(slots=True)
class Execution:
    """The outcome of one call: a response, or an error (which may carry the rows fetched before it)."""

    api_name: str
    meter: Meter = field(default_factory=Meter)
    duration_ms: int = 0
    response: Response[Any] | None = None
    error: TushareError | None = None
    credential_id: str | None = None

    @property
    def rows_response(self) -> Response[Any] | None:
        """The rows to return: the response, or the partial rows of a failure midway."""
        if self.response is not None:
            return self.response
        from ..response import Response

        partial = self.error.partial if self.error is not None else None
        return partial if isinstance(partial, Response) else None

    @property
    def retries(self) -> int:
        """Attempts beyond one per page (the failed page counts one attempt)."""
        rows = self.rows_response
        pages = rows.pages if rows is not None else 0
        failed = 1 if self.error is not None and self.meter.attempts > pages else 0
        return max(0, self.meter.attempts - pages - failed)


@dataclass
class Executor:
    """Calls interfaces for the service; close it with :meth:`aclose`.

    Every call is bounded: ``quota_wait`` seconds for the quota (beyond: RATE-201 at once), ``timeout`` per
    attempt, ``deadline`` for the whole call (every page, attempt and wait). One circuit breaker guards the upstream
    for every token: the upstream's health is shared, so the first success after an outage closes it for all.
    """

    limiter_for: Callable[[str], Limiter]
    base_url: str | None = None
    timeout: float = 15.0
    quota_wait: float = 20.0
    deadline: float = 45.0
    breaker_reset: float = 10.0
    _http: httpx.AsyncClient = field(init=False)
    _breaker: CircuitBreaker = field(init=False)
    _clients: dict[str, AsyncTushareClient] = field(default_factory=dict, init=False)
    _default_token: Secret | None = field(default=None, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    _probed: tuple[float, str | None] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=50),
            event_hooks={"request": [_count_attempt]},
        )
        self._breaker = CircuitBreaker(reset_timeout=self.breaker_reset)

    @property
    def breaker_state(self) -> str:
        """The shared circuit breaker's state: closed, open or half_open."""
        return self._breaker.state

    async def upstream_problem(self) -> str | None:
        """Why the upstream looks unavailable (the breaker open, no HTTP answer within 2 s), or None; any HTTP
        answer counts as reachable. Remembered for a few seconds, so probes cost the upstream little."""
        now = time.monotonic()
        if self._probed is not None and now - self._probed[0] < _PROBE_TTL:
            return self._probed[1]
        from .._internal.transport.options import resolve_base_url

        problem: str | None = None
        if self._breaker.state == "open":
            problem = "failing: the circuit breaker is open"
        else:
            try:
                await self._http.get(resolve_base_url(self.base_url), timeout=_PROBE_TIMEOUT)
            except httpx.HTTPError as error:
                problem = f"unreachable ({type(error).__name__})"
        self._probed = (now, problem)
        return problem

    async def aclose(self) -> None:
        self._clients.clear()
        await self._http.aclose()

    async def _client(self, token: Secret | None) -> AsyncTushareClient:
        from .._client import AsyncTushareClient
        from .._internal.transport.aio import AsyncTransport
        from ..ratelimit import token_key

        if token is None:
            # No token of the caller's own: the service's (TUSHARE_TOKEN, else its token store), resolved once.
            if self._default_token is None:
                self._default_token = await asyncio.to_thread(resolve_token)
            token = self._default_token
        key = token_key(token.reveal())
        client = self._clients.get(key)
        if client is None:
            async with self._lock:
                client = self._clients.get(key)
                if client is None:
                    limiter = _MeteredLimiter(await asyncio.to_thread(self.limiter_for, key))
                    transport = AsyncTransport(
                        self.base_url,
                        timeout=self.timeout,
                        max_rate_limit_wait=self.quota_wait,
                        limiter=limiter,
                        http_client=self._http,
                        breaker=self._breaker,
                    )
                    client = AsyncTushareClient(
                        token, transport=transport, timeout=self.timeout, max_rate_limit_wait=self.quota_wait
                    )
                    self._clients[key] = client
        return client

    async def run(
        self,
        execution: Execution,
        spec: InterfaceSpec,
        params: dict[str, Any],
        *,
        token: Secret | None,
        fields: Sequence[str] | None = None,
        offset: int = 0,
        max_rows: int | None = None,
        max_pages: int | None = None,
    ) -> None:
        """Run one call into ``execution``: every failure becomes its ``error``, never raised, except cancellation
        (the client went away), which is recorded as the error and then raised again."""
        reset = _METER.set(execution.meter)
        started = time.perf_counter()
        try:
            _check_params(spec, params)
            client = await self._client(token)
            method = getattr(client, spec.api_name)
            # The client's deadline ends the call with the rows so far; the timeout is the backstop for a limiter
            # that takes no bound.
            async with asyncio.timeout(self.deadline + _DEADLINE_SLACK):
                execution.response = await method(
                    **params,
                    fields=fields,
                    offset=offset,
                    max_rows=max_rows,
                    max_pages=max_pages,
                    deadline=self.deadline,
                )
        except TushareError as error:
            execution.error = for_rest(error)
        except TimeoutError:
            execution.error = ServiceTimeoutError(
                f"{spec.api_name} did not finish within the service's {self.deadline:g} s deadline",
                remediation="ask for fewer rows (pagination.limit / max_rows) or try again later",
                api_name=spec.api_name,
            )
        except asyncio.CancelledError:
            execution.error = RequestCancelledError(
                f"the client went away: {spec.api_name} was cancelled", api_name=spec.api_name
            )
            raise
        except Exception as error:
            execution.error = UnknownError(
                f"{spec.api_name} failed unexpectedly ({type(error).__name__})",
                remediation="this is a bug in the service; report it with the requestId",
                api_name=spec.api_name,
            )
        finally:
            _METER.reset(reset)
            execution.duration_ms = round((time.perf_counter() - started) * 1000)


def _check_params(spec: InterfaceSpec, params: dict[str, Any]) -> None:
    """Unknown names and over-long values fail here (the message bounded however many there are); values are
    checked by the interface's request model."""
    known = {param.name for param in spec.params}
    unknown = sorted(set(params) - known)
    if unknown:
        shown = ", ".join(repr(truncated(name, 40)) for name in unknown[:_NAMES_SHOWN])
        more = f" and {len(unknown) - _NAMES_SHOWN} more" if len(unknown) > _NAMES_SHOWN else ""
        raise ParameterError(
            f"{spec.api_name} has no parameter {shown}{more}",
            remediation=f"its parameters: {', '.join(sorted(known)) or 'none'}; "
            f"see GET /metadata/interfaces/{spec.api_name}",
            api_name=spec.api_name,
        )
    for name, value in params.items():
        if len(str(value)) > MAX_PARAM_CHARS:
            raise ParameterError(
                f"{spec.api_name}: parameter {name!r} is longer than {MAX_PARAM_CHARS} characters",
                remediation="send a shorter value (e.g. fewer codes per call, several calls)",
                api_name=spec.api_name,
            )

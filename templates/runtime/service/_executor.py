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
from typing import TYPE_CHECKING, Any

import httpx

from ..catalog import InterfaceSpec
from ..errors import ParameterError, TushareError, UnknownError
from ..ratelimit import Limiter
from ..token import Secret, resolve_token

if TYPE_CHECKING:
    from .._client import AsyncTushareClient
    from ..response import Response

__all__ = ["Execution", "Executor", "Meter", "metered_async_sleep", "metered_sleep"]


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
    """A limiter that reports each 40203 reply (an upstream rejection) to the running execution's meter."""

    def __init__(self, inner: Limiter) -> None:
        self.inner = inner

    def acquire(self, api_name: str) -> float:
        return self.inner.acquire(api_name)

    async def aacquire(self, api_name: str) -> float:
        return await self.inner.aacquire(api_name)

    def on_rate_limited(self, api_name: str, calls: int | None, period: float) -> float:
        meter = _METER.get()
        if meter is not None:
            meter.rate_limit_hits += 1
            meter.upstream_rejections += 1
        return self.inner.on_rate_limited(api_name, calls, period)


async def _count_attempt(request: httpx.Request) -> None:
    meter = _METER.get()
    if meter is not None:
        meter.attempts += 1


@dataclass(slots=True)
class Execution:
    """The outcome of one call: a response, or an error (which may carry the rows fetched before it)."""

    api_name: str
    meter: Meter
    duration_ms: int
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
    """Calls interfaces for the service; close it with :meth:`aclose`."""

    limiter_for: Callable[[str], Limiter]
    base_url: str | None = None
    timeout: float | None = None
    _http: httpx.AsyncClient = field(init=False)
    _clients: dict[str, AsyncTushareClient] = field(default_factory=dict, init=False)
    _default_token: Secret | None = field(default=None, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    def __post_init__(self) -> None:
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout or 30.0),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=50),
            event_hooks={"request": [_count_attempt]},
        )

    async def aclose(self) -> None:
        self._clients.clear()
        await self._http.aclose()

    async def _client(self, token: Secret | None) -> AsyncTushareClient:
        from .._client import AsyncTushareClient
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
                    client = AsyncTushareClient(token, base_url=self.base_url, http_client=self._http, limiter=limiter)
                    self._clients[key] = client
        return client

    async def execute(
        self,
        spec: InterfaceSpec,
        params: dict[str, Any],
        *,
        token: Secret | None,
        fields: Sequence[str] | None = None,
        offset: int = 0,
        max_rows: int | None = None,
        max_pages: int | None = None,
    ) -> Execution:
        """Run one call; every failure comes back as the execution's ``error``, never raised."""
        meter = Meter()
        reset = _METER.set(meter)
        started = time.perf_counter()
        execution = Execution(spec.api_name, meter, 0)
        try:
            _check_params(spec, params)
            client = await self._client(token)
            method = getattr(client, spec.api_name)
            execution.response = await method(
                **params, fields=fields, offset=offset, max_rows=max_rows, max_pages=max_pages
            )
        except TushareError as error:
            execution.error = error
        except Exception as error:
            execution.error = UnknownError(
                f"{spec.api_name} failed unexpectedly ({type(error).__name__})",
                remediation="this is a bug in the service; report it with the requestId",
                api_name=spec.api_name,
            )
        finally:
            _METER.reset(reset)
            execution.duration_ms = round((time.perf_counter() - started) * 1000)
        return execution


def _check_params(spec: InterfaceSpec, params: dict[str, Any]) -> None:
    """Unknown names fail here, naming the known ones; values are checked by the interface's request model."""
    known = {param.name for param in spec.params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ParameterError(
            f"{spec.api_name} has no parameter {', '.join(map(repr, unknown))}",
            remediation=f"its parameters: {', '.join(sorted(known)) or 'none'}; "
            f"see GET /metadata/interfaces/{spec.api_name}",
            api_name=spec.api_name,
        )

"""What the sync and async transports share: construction, options, the breaker, and a pool built on first use.

``httpx`` is imported when the first request needs the pool, not when a transport (or a client) is built.
"""

from __future__ import annotations

import random as _random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Self, TypeVar

from ..body import ACCEPT_ENCODING, DEFAULT_MAX_BODY_BYTES
from ..limiter.protocol import Limiter
from ..secret import Secret
from .breaker import CircuitBreaker
from .core import Call, new_call
from .options import (
    DEFAULT_MAX_RATE_LIMIT_WAIT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    REQUEST_ID_HEADER,
    USER_AGENT,
    RequestOptions,
    resolve_base_url,
)
from .slots import RequestSlots

__all__ = ["TransportBase"]

HttpT = TypeVar("HttpT")
SleepT = TypeVar("SleepT")


class TransportBase(Generic[HttpT, SleepT]):
    """A transport to one base URL. ``sleep``, ``clock`` and ``random`` are injectable so tests neither sleep nor
    depend on chance; ``http_client`` (an ``httpx.Client`` / ``httpx.AsyncClient``) replaces the pool, which the
    transport then does not close. ``max_concurrency`` bounds this transport's requests in flight (:mod:`.slots`)."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT,
        limiter: Limiter | None = None,
        http_client: HttpT | None = None,
        breaker: CircuitBreaker | None = None,
        sleep: SleepT | None = None,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = _random.random,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_concurrency: int | None = None,
    ) -> None:
        self.base_url = resolve_base_url(base_url)
        self.slots = RequestSlots(max_concurrency)
        self.options = RequestOptions(
            timeout=timeout,
            max_retries=max_retries,
            max_rate_limit_wait=max_rate_limit_wait,
            max_body_bytes=max_body_bytes,
        )
        self.limiter = limiter
        self.breaker = breaker if breaker is not None else CircuitBreaker(clock=clock)
        self._clock = clock
        self._random = random
        self._given_sleep = sleep
        self._owns_http = http_client is None
        self._http = http_client
        self._http_lock = threading.Lock()

    def _default_sleep(self) -> SleepT:
        raise NotImplementedError

    @property
    def _sleep(self) -> SleepT:
        # Resolved on use: the async default (asyncio.sleep) would import asyncio when a client is built.
        return self._given_sleep if self._given_sleep is not None else self._default_sleep()

    def _new_pool(self, **settings: Any) -> HttpT:
        raise NotImplementedError

    @property
    def http(self) -> HttpT:
        """The connection pool, built on first use."""
        if self._http is None:
            with self._http_lock:
                if self._http is None:
                    import httpx

                    self._http = self._new_pool(
                        timeout=httpx.Timeout(self.options.timeout or DEFAULT_TIMEOUT),
                        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0),
                        headers={"User-Agent": USER_AGENT},
                    )
        return self._http

    def __repr__(self) -> str:
        # getattr: also for a transport whose construction failed (a traceback printed with locals shows it).
        return f"{type(self).__name__}(base_url={getattr(self, 'base_url', None)!r})"

    def with_base_url(self, base_url: str) -> Self:
        """A transport to another URL sharing this one's connection pool (not closing it) and request slots."""
        other = type(self)(
            base_url,
            timeout=self.options.timeout or DEFAULT_TIMEOUT,
            max_retries=self.options.max_retries or 0,
            max_rate_limit_wait=self.options.max_rate_limit_wait or 0.0,
            limiter=self.limiter,
            http_client=self.http,
            sleep=self._given_sleep,
            clock=self._clock,
            random=self._random,
            max_body_bytes=self.options.max_body_bytes or DEFAULT_MAX_BODY_BYTES,
        )
        other.slots = self.slots
        return other

    def _new_call(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None,
        token: str | Secret,
        options: RequestOptions | None,
    ) -> Call:
        merged = self.options.merged(options)
        return new_call(api_name, params, fields, token, merged, limiter=self.limiter, rng=self._random)

    def _post_arguments(self, call: Call, budget: float) -> dict[str, Any]:
        import httpx

        return {
            "content": call.body,
            "headers": {
                "Content-Type": "application/json",
                "Accept-Encoding": ACCEPT_ENCODING,
                REQUEST_ID_HEADER: call.request_id,
            },
            "timeout": httpx.Timeout(budget),
        }

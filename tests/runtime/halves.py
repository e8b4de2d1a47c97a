"""One test body, both halves: adapters that put the async runtime behind the sync surface.

The sync and async transports and clients share their logic (a sans-IO core, a common base), but each half still
has its own shell, and a shell can be wrong. Tests written against the sync surface run once per half: for the async
half, each call is driven to completion on its own event loop, so the same assertions check the async shell.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, Literal, TypeVar

import httpx

from tushare_typed._internal.paginator import (
    AsyncPageFetcher,
    Page,
    PageFetcher,
    PageResult,
    apaginate,
    paginate,
)
from tushare_typed._internal.transport import AsyncTransport

from .fakes import AsyncSleeper, Sleeper

Half = Literal["sync", "async"]
HALVES: tuple[Half, ...] = ("sync", "async")
AnySleeper = Sleeper | AsyncSleeper
T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


class AsyncTransportDriver:
    """An ``AsyncTransport`` with the sync transport's methods."""

    def __init__(self, inner: AsyncTransport) -> None:
        self.inner = inner
        self.base_url = inner.base_url
        self.breaker = inner.breaker

    @property
    def http(self) -> httpx.AsyncClient:
        return self.inner.http

    def request(self, api_name: str, params: Any, fields: Any = None, **kwargs: Any) -> Any:
        return _run(self.inner.request(api_name, params, fields, **kwargs))

    def close(self) -> None:
        _run(self.inner.aclose())

    def with_base_url(self, base_url: str) -> AsyncTransportDriver:
        return AsyncTransportDriver(self.inner.with_base_url(base_url))


class AsyncClientDriver:
    """An ``AsyncBaseClient`` (or generated async client) with the sync client's methods; other attributes pass
    through, and coroutine methods are run to completion."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.inner, name)
        if not callable(value) or name.startswith("__"):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            result = value(*args, **kwargs)
            return _run(result) if asyncio.iscoroutine(result) else _wrap(result)

        return call

    def close(self) -> None:
        _run(self.inner.aclose())

    def __enter__(self) -> AsyncClientDriver:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return repr(self.inner)


def _wrap(result: Any) -> Any:
    # with_options returns another async client: keep it behind the driver.
    return AsyncClientDriver(result) if hasattr(result, "aclose") else result


class Pager:
    """``paginate`` of one half, over a sync fetcher (the async half wraps it in a coroutine)."""

    def __init__(self, half: Half) -> None:
        self.half = half

    def _async_fetch(self, fetch: PageFetcher) -> AsyncPageFetcher:
        async def fetch_async(offset: int, limit: int) -> Page:
            await asyncio.sleep(0)  # a real suspension point, as an HTTP call has
            return fetch(offset, limit)

        return fetch_async

    def paginate(self, fetch: PageFetcher, limit: int, **kwargs: Any) -> PageResult:
        if self.half == "sync":
            return paginate(fetch, limit, **kwargs)
        return _run(apaginate(self._async_fetch(fetch), limit, **kwargs))

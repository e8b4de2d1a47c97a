"""Base classes of the generated ``TushareClient`` and ``AsyncTushareClient``.

A generated client subclasses :class:`BaseClient` (or :class:`AsyncBaseClient`) and adds one method
per interface, each building its params and calling :meth:`BaseClient._call` with its typed
decoder::

    def daily(self, ts_code: str | None = None, ...) -> DailyResponse:
        return self._call("daily", {"ts_code": ts_code, ...}, fields, decode=_decode_daily)

The token is resolved when the client is built if it was passed, otherwise on the first call
(argument → ``TUSHARE_TOKEN`` → encrypted store), and is held as a :class:`~.token.Secret`: no
``repr`` of a client shows it.
"""

from __future__ import annotations

import asyncio
import copy
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar, overload

import httpx

from .arguments import prepare_query
from .errors import ParameterError, TushareError
from .paginator import DEFAULT_PAGE_SIZE, PageResult, apaginate, paginate
from .response import QueryResponse
from .token import Secret, TokenStore, resolve_token
from .transport import (
    DEFAULT_MAX_RATE_LIMIT_WAIT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    AsyncTransport,
    Limiter,
    RequestOptions,
    SyncTransport,
    decode_generic_page,
    resolve_base_url,
)

if TYPE_CHECKING:
    from .envelope import Decoder, Page

__all__ = ["POINTS_VARIABLE", "AsyncBaseClient", "BaseClient"]

#: Environment variable with the account's points, used when no ``rate_limit`` is passed.
POINTS_VARIABLE = "TUSHARE_POINTS"


def _paging_arguments(params: Mapping[str, object]) -> tuple[int | None, int | None, dict[str, object]]:
    """`query`'s own offset/limit, checked, and the interface parameters without them."""
    rest = {name: value for name, value in params.items() if name not in ("offset", "limit")}
    paging = [params.get("offset"), params.get("limit")]
    for name, value in zip(("offset", "limit"), paging, strict=True):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ParameterError(f"{name} must be a non-negative integer, got {value!r}")
    offset, limit = (value if isinstance(value, int) else None for value in paging)
    return offset, limit or None, rest


def _points_from_environment() -> int:
    text = os.environ[POINTS_VARIABLE].strip()
    if not text.isdigit():
        raise ParameterError(
            f"{POINTS_VARIABLE}={text!r} is not a number of points",
            remediation=f"set {POINTS_VARIABLE} to your tushare points, e.g. 2000, or unset it",
        )
    return int(text)


@contextmanager
def _untyped_partial(api_name: str) -> Iterator[None]:
    """Give a failed ``query()``'s ``.partial`` the response shape a successful one has."""
    try:
        yield
    except TushareError as error:
        if isinstance(error.partial, PageResult):
            error.partial = QueryResponse.from_result(api_name, error.partial)
        raise


T = TypeVar("T")


class _ClientCommon:
    """Token handling, options and the limiter hook shared by the sync and async clients."""

    _owns_transport: bool

    def _init_common(
        self,
        token: str | Secret | None,
        *,
        timeout: float,
        max_retries: int,
        max_rate_limit_wait: float,
        rate_limit: object | None,
        token_store: TokenStore | None,
    ) -> None:
        self._options = RequestOptions(
            timeout=timeout, max_retries=max_retries, max_rate_limit_wait=max_rate_limit_wait
        )
        self._token_store = token_store
        self._token: Secret | None = resolve_token(token) if token is not None else None
        self._token_lock = threading.Lock()
        self.rate_limit = rate_limit

    def _make_limiter(self, rate_limit: object | None) -> Limiter:
        """The limiter for ``rate_limit``: a ``Limiter`` as given, else a :class:`~.ratelimit.RateLimiter`.

        ``RateLimit(calls, period)``, a ``(calls, period)`` pair or a points number (its tier) sets the account
        quota, and the interfaces' documented quotas for those points apply too. ``None`` takes the points from
        ``TUSHARE_POINTS`` when it is set (so the CLI and the MCP server respect quotas too); without it no quota
        is set up front, but the limiter still learns: after a 40203 reply it holds that interface to the limit
        the server stated, so the next calls wait instead of failing.
        """
        if isinstance(rate_limit, Limiter):
            return rate_limit
        from .catalog import load_catalog
        from .ratelimit import RateLimit, RateLimiter, token_key

        if rate_limit is not None and (
            isinstance(rate_limit, bool) or not isinstance(rate_limit, RateLimit | tuple | int)
        ):
            raise ParameterError(
                f"rate_limit={rate_limit!r} is not a quota",
                remediation="pass RateLimit(calls=200, period=60), a (calls, period) pair, a points number such as "
                "2000, or limiter=RateLimiter(...) to share one limiter between clients",
            )
        if rate_limit is None and os.environ.get(POINTS_VARIABLE, "").strip():
            rate_limit = _points_from_environment()
        key = token_key(self._token.reveal()) if self._token is not None else "default"
        catalog = load_catalog if rate_limit is not None else None
        return RateLimiter(rate_limit, catalog=catalog, key=key)

    def _resolve_token(self) -> Secret:
        with self._token_lock:
            if self._token is None:
                self._token = resolve_token(store=self._token_store)
            return self._token

    def _overridden(
        self,
        timeout: float | None,
        max_retries: int | None,
        max_rate_limit_wait: float | None,
    ) -> Self:
        clone = copy.copy(self)
        clone._options = self._options.merged(
            RequestOptions(timeout=timeout, max_retries=max_retries, max_rate_limit_wait=max_rate_limit_wait)
        )
        clone._token_lock = threading.Lock()
        # The copy shares the parent's pool; only the parent closes it.
        clone._owns_transport = False
        return clone

    def _describe(self, base_url: str) -> str:
        token = "<unresolved>" if self._token is None else "<hidden>"
        return f"{type(self).__name__}(base_url={base_url!r}, token={token})"


class BaseClient(_ClientCommon):
    """Blocking client: one HTTP call per ``_call``, over a pooled, retrying transport."""

    def __init__(
        self,
        token: str | Secret | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        rate_limit: object | None = None,
        http_client: httpx.Client | None = None,
        limiter: Limiter | None = None,
        max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT,
        token_store: TokenStore | None = None,
        transport: SyncTransport | None = None,
    ) -> None:
        """``transport`` (advanced, e.g. tests) replaces the transport built from
        ``base_url``/``http_client``/``limiter``; the client then does not close it."""
        self._init_common(
            token,
            timeout=timeout,
            max_retries=max_retries,
            max_rate_limit_wait=max_rate_limit_wait,
            rate_limit=rate_limit,
            token_store=token_store,
        )
        self._owns_transport = transport is None
        self._transport = transport or SyncTransport(
            base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_rate_limit_wait=max_rate_limit_wait,
            limiter=limiter if limiter is not None else self._make_limiter(rate_limit),
            http_client=http_client,
        )

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    def __repr__(self) -> str:
        return self._describe(self.base_url)

    def with_options(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        max_rate_limit_wait: float | None = None,
        base_url: str | None = None,
    ) -> Self:
        """A copy with other defaults, sharing this client's connection pool and token."""
        clone = self._overridden(timeout, max_retries, max_rate_limit_wait)
        if base_url is not None:
            clone._transport = self._transport.with_base_url(resolve_base_url(base_url))
        return clone

    @overload
    def _call(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        options: RequestOptions | None = None,
    ) -> Page: ...

    @overload
    def _call(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        decode: Decoder[T],
        options: RequestOptions | None = None,
    ) -> T: ...

    def _call(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        decode: Decoder[Any] = decode_generic_page,
        options: RequestOptions | None = None,
    ) -> Any:
        """One HTTP call (one page) of ``api_name``, decoded by ``decode``."""
        return self._transport.request(
            api_name,
            params,
            fields,
            token=self._resolve_token(),
            decode=decode,
            options=self._options.merged(options),
        )

    def query(self, api_name: str, fields: Sequence[str] | str | None = None, **params: object) -> QueryResponse:
        """The untyped escape hatch, for any interface (also ones newer than the metadata): every row as a plain
        tuple, paged like the typed methods, with the same display and ``to_pandas/polars/arrow``. ``offset=``
        starts later; ``limit=`` returns at most that many rows. Known interfaces get the typed methods' checks."""
        offset, limit, rest = _paging_arguments(params)
        names, rest = prepare_query(api_name, fields, rest)
        with _untyped_partial(api_name):
            result = paginate(
                lambda o, n: self._call(api_name, {**rest, "offset": o, "limit": n}, names),
                limit or DEFAULT_PAGE_SIZE,
                start_offset=offset,
                max_rows=limit,
                api_name=api_name,
            )
        return QueryResponse.from_result(api_name, result)

    def close(self) -> None:
        if self._owns_transport:
            self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncBaseClient(_ClientCommon):
    """Asyncio client: the same surface as :class:`BaseClient` with ``await``."""

    def __init__(
        self,
        token: str | Secret | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        rate_limit: object | None = None,
        http_client: httpx.AsyncClient | None = None,
        limiter: Limiter | None = None,
        max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT,
        token_store: TokenStore | None = None,
        transport: AsyncTransport | None = None,
    ) -> None:
        """See :class:`BaseClient`."""
        self._init_common(
            token,
            timeout=timeout,
            max_retries=max_retries,
            max_rate_limit_wait=max_rate_limit_wait,
            rate_limit=rate_limit,
            token_store=token_store,
        )
        self._owns_transport = transport is None
        self._transport = transport or AsyncTransport(
            base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_rate_limit_wait=max_rate_limit_wait,
            limiter=limiter if limiter is not None else self._make_limiter(rate_limit),
            http_client=http_client,
        )

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    def __repr__(self) -> str:
        return self._describe(self.base_url)

    def with_options(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        max_rate_limit_wait: float | None = None,
        base_url: str | None = None,
    ) -> Self:
        """A copy with other defaults, sharing this client's connection pool and token."""
        clone = self._overridden(timeout, max_retries, max_rate_limit_wait)
        if base_url is not None:
            clone._transport = self._transport.with_base_url(resolve_base_url(base_url))
        return clone

    async def _resolve_token_async(self) -> Secret:
        if self._token is not None:
            return self._token
        # The store may run scrypt and read files: keep that off the event loop.
        return await asyncio.to_thread(self._resolve_token)

    @overload
    async def _call(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        options: RequestOptions | None = None,
    ) -> Page: ...

    @overload
    async def _call(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        decode: Decoder[T],
        options: RequestOptions | None = None,
    ) -> T: ...

    async def _call(
        self,
        api_name: str,
        params: Mapping[str, object],
        fields: Sequence[str] | str | None = None,
        *,
        decode: Decoder[Any] = decode_generic_page,
        options: RequestOptions | None = None,
    ) -> Any:
        """One HTTP call (one page) of ``api_name``, decoded by ``decode``."""
        return await self._transport.request(
            api_name,
            params,
            fields,
            token=await self._resolve_token_async(),
            decode=decode,
            options=self._options.merged(options),
        )

    async def query(self, api_name: str, fields: Sequence[str] | str | None = None, **params: object) -> QueryResponse:
        """Async :meth:`BaseClient.query`."""
        offset, limit, rest = _paging_arguments(params)
        names, rest = prepare_query(api_name, fields, rest)
        with _untyped_partial(api_name):
            result = await apaginate(
                lambda o, n: self._call(api_name, {**rest, "offset": o, "limit": n}, names),
                limit or DEFAULT_PAGE_SIZE,
                start_offset=offset,
                max_rows=limit,
                api_name=api_name,
            )
        return QueryResponse.from_result(api_name, result)

    async def aclose(self) -> None:
        if self._owns_transport:
            await self._transport.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

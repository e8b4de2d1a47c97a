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

import copy
import dataclasses
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

from ..errors import ParameterError
from .body import DEFAULT_MAX_BODY_BYTES
from .limiter.protocol import Limiter
from .paginator import DEFAULT_PAGE_SIZE, PageResult, apaginate, paginate
from .secret import Secret, resolve_token
from .transport import (
    DEFAULT_MAX_RATE_LIMIT_WAIT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    AsyncTransport,
    RequestOptions,
    SyncTransport,
    TransportBase,
    decode_generic_page,
    resolve_base_url,
)

if TYPE_CHECKING:
    import httpx  # noqa: F401 - named (as strings) in the generic bases of the clients

    from ..cache import ResponseCache
    from ..catalog import Catalog
    from ..response import QueryResponse
    from ..store import Store, SyncReport
    from ..token import TokenStore
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
            raise ParameterError(
                f"{name} must be a non-negative integer, got {value!r}",
                remediation=f"pass {name} as a whole number such as {name}=100, or leave it out",
            )
    offset, limit = (value if isinstance(value, int) else None for value in paging)
    return offset, limit or None, rest


def _check_api_name(api_name: object) -> str:
    if not isinstance(api_name, str) or not api_name.strip():
        raise ParameterError(
            f"api_name must be an interface name such as 'daily', got {api_name!r}",
            remediation="pass the interface's name as the first argument: client.query('daily', ts_code=...)",
        )
    return api_name


def _points_from_environment() -> int:
    text = os.environ[POINTS_VARIABLE].strip()
    if not text.isdigit():
        raise ParameterError(
            f"{POINTS_VARIABLE}={text!r} is not a number of points",
            remediation=f"set {POINTS_VARIABLE} to your tushare points, e.g. 2000, or unset it",
        )
    return int(text)


def _checked_catalog(catalog: object) -> Catalog | None:
    if catalog is None:
        return None
    from ..catalog import Catalog

    if not isinstance(catalog, Catalog):
        raise ParameterError(
            f"catalog must be a tushare_typed.catalog.Catalog, got {type(catalog).__name__}",
            remediation="pass Catalog.from_dict(...) or load_catalog(path), or leave it out",
        )
    return catalog


T = TypeVar("T")


def query_decoder(api_name: str, wire_fields: Sequence[str] | None) -> Decoder[Any]:
    """``query()``'s page decoder (:mod:`.query_decode`), imported on the first call (it needs pydantic)."""
    from .query_decode import QueryDecoder

    return QueryDecoder(api_name, wire_fields)


def _package_catalog() -> Catalog:
    """The package's catalog, imported and read on first need (the limiter asks on the first call)."""
    from ..catalog import load_catalog

    return load_catalog()


# A cache lookup that found nothing (None is a valid decoded reply).
_MISS: Any = object()


@dataclass(frozen=True)
class _QueryPlan:
    """``query()``'s paging: the typed methods' checks of fields and dates (for interfaces the metadata knows), the
    interface's key columns added to named ``fields`` and hidden again, and the rows as a ``QueryResponse``."""

    api_name: str
    params: dict[str, object]
    wire_fields: Sequence[str] | None
    offset: int | None
    limit: int | None
    keys: tuple[str, ...]
    hidden: tuple[str, ...]

    @property
    def page_size(self) -> int:
        return self.limit or DEFAULT_PAGE_SIZE

    @classmethod
    def make(
        cls,
        client: _ClientCommon[Any, Any],
        api_name: object,
        fields: Sequence[str] | str | None,
        params: Mapping[str, object],
    ) -> _QueryPlan:
        name = _check_api_name(api_name)
        offset, limit, rest = _paging_arguments(params)
        from .arguments import prepare_query  # here: it loads the catalog, which building a client must not

        names, checked = prepare_query(name, fields, rest)
        keys = client._record_keys(name)
        if names is None or not keys:
            return cls(name, checked, names, offset, limit, keys, ())
        hidden = tuple(key for key in keys if key not in names)
        return cls(name, checked, (*names, *hidden), offset, limit, keys, hidden)

    def response(self, result: PageResult) -> QueryResponse:
        """The caller's rows (hidden key columns removed) as a ``QueryResponse``; also a failure's ``.partial``."""
        from ..response import QueryResponse  # here: pydantic waits for the first call

        if self.hidden and result.fields:
            keep = [i for i, name in enumerate(result.fields) if name not in self.hidden]
            result = dataclasses.replace(
                result,
                fields=tuple(result.fields[i] for i in keep),
                items=[[row[i] for i in keep] for row in result.items],
            )
        return QueryResponse.from_result(self.api_name, result)


TransportT = TypeVar("TransportT", bound=TransportBase[Any, Any])
HttpT = TypeVar("HttpT")


class _ClientCommon(Generic[TransportT, HttpT]):
    """Construction, token handling, options and the limiter shared by the sync and async clients."""

    _transport_type: type[TransportT]

    def __init__(
        self,
        token: str | Secret | None = None,
        *,
        base_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        rate_limit: object | None = None,
        http_client: HttpT | None = None,
        limiter: Limiter | None = None,
        max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT,
        token_store: TokenStore | None = None,
        transport: TransportT | None = None,
        cache: object = None,
        cache_ttl: float = 3600.0,
        catalog: Catalog | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        """``transport`` (advanced, e.g. tests) replaces the transport built from
        ``base_url``/``http_client``/``limiter``; the client then does not close it. ``cache`` (True, a path, or a
        ``tushare_typed.cache`` backend) answers identical calls locally; replies touching today expire after
        ``cache_ttl`` seconds, closed historical ones are kept. ``catalog`` replaces the package's catalog as the
        source of interface facts (key columns, quotas). ``max_body_bytes`` bounds a reply's decompressed size. No
        HTTP library is imported until the first call."""
        self._catalog = _checked_catalog(catalog)
        self._cache: ResponseCache | None = None
        if cache is not None and cache is not False:
            from ..cache import resolve_cache

            self._cache = resolve_cache(cache)
        self._cache_ttl = cache_ttl
        self._options = RequestOptions(
            timeout=timeout, max_retries=max_retries, max_rate_limit_wait=max_rate_limit_wait
        )
        self._token_store = token_store
        self._token: Secret | None = resolve_token(token) if token is not None else None
        self._token_lock = threading.Lock()
        self.rate_limit = rate_limit
        self._owns_transport = transport is None
        self._transport: TransportT = transport or self._transport_type(
            base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_rate_limit_wait=max_rate_limit_wait,
            limiter=limiter if limiter is not None else self._make_limiter(rate_limit),
            http_client=http_client,
            max_body_bytes=max_body_bytes,
        )

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    def __repr__(self) -> str:
        token = "<unresolved>" if self._token is None else "<hidden>"
        return f"{type(self).__name__}(base_url={self.base_url!r}, token={token})"

    def with_options(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        max_rate_limit_wait: float | None = None,
        base_url: str | None = None,
    ) -> Self:
        """A copy with other defaults, sharing this client's connection pool and token."""
        clone = copy.copy(self)
        clone._options = self._options.merged(
            RequestOptions(timeout=timeout, max_retries=max_retries, max_rate_limit_wait=max_rate_limit_wait)
        )
        clone._token_lock = threading.Lock()
        # The copy shares the parent's pool; only the parent closes it.
        clone._owns_transport = False
        if base_url is not None:
            clone._transport = self._transport.with_base_url(resolve_base_url(base_url))
        return clone

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
        from .limiter.policy import RateLimit, RateLimiter, token_key

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
        catalog = (self._catalog or _package_catalog) if rate_limit is not None else None
        try:
            return RateLimiter(rate_limit, catalog=catalog, key=key)
        except (TypeError, ValueError) as error:
            raise ParameterError(
                f"rate_limit={rate_limit!r} is not a valid quota: {error}",
                remediation="pass RateLimit(calls=200, period=60) with calls >= 1 and period > 0, or a points number",
            ) from None

    def _record_keys(self, api_name: str) -> tuple[str, ...]:
        """The columns identifying one record of ``api_name`` (empty when unknown: then no row is ever dropped)."""
        from ..catalog import CatalogError, load_catalog

        try:
            catalog = self._catalog if self._catalog is not None else load_catalog()
        except CatalogError:
            return ()
        spec = catalog.interfaces.get(api_name)
        return spec.keys if spec is not None else ()

    def _through_cache(
        self, api_name: str, params: Mapping[str, object], fields: Sequence[str] | str | None, decode: Decoder[Any]
    ) -> tuple[Any, Decoder[Any]]:
        """With a cache: the cached reply decoded (else ``_MISS``), and a decoder that stores the live reply once it
        decoded (so errors are never cached). The cache is small local I/O, done inline even on the async client."""
        if self._cache is None:
            return _MISS, decode
        from ..cache import cache_key, cache_ttl

        cache, key = self._cache, cache_key(api_name, params, fields)
        body = cache.get(key)
        if body is not None:
            return decode(body, api_name, f"cache-{key[:16]}"), decode
        ttl = cache_ttl(params, self._cache_ttl)

        def storing(live: bytes, api: str, request_id: str) -> Any:
            decoded = decode(live, api, request_id)
            cache.set(key, live, ttl)
            return decoded

        return _MISS, storing

    def _resolve_token(self) -> Secret:
        with self._token_lock:
            if self._token is None:
                self._token = resolve_token(store=self._token_store)
            return self._token


class BaseClient(_ClientCommon[SyncTransport, "httpx.Client"]):
    """Blocking client: one HTTP call per ``_call``, over a pooled, retrying transport."""

    _transport_type = SyncTransport

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
        """One HTTP call (one page) of ``api_name``, decoded by ``decode`` (or the cached reply, with a cache)."""
        hit, decode = self._through_cache(api_name, params, fields, decode)
        if hit is not _MISS:
            return hit
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
        plan = _QueryPlan.make(self, api_name, fields, params)
        decode = query_decoder(plan.api_name, plan.wire_fields)
        result = paginate(
            lambda o, n: self._call(
                plan.api_name, {**plan.params, "offset": o, "limit": n}, plan.wire_fields, decode=decode
            ),
            plan.page_size,
            start_offset=plan.offset,
            max_rows=plan.limit,
            api_name=plan.api_name,
            keys=plan.keys,
            partial_as=plan.response,
        )
        return plan.response(result)

    def sync(
        self,
        apis: str | Sequence[str],
        *,
        start: object = None,
        end: object = None,
        store: Store | str | os.PathLike[str] | None = None,
        lookback: int = 1,
        concurrency: int = 4,
        append_only: bool = False,
        progress: bool = False,
    ) -> SyncReport:
        """Fetch the history of ``apis`` into the local store (``tushare_typed.store``, extra ``store``): only the
        slices not stored yet, plus the ``lookback`` most recent ones, concurrently within this client's quota.
        ``store`` is a Store or a path (default: ``TUSHARE_TYPED_STORE`` or the user's data directory).
        ``append_only`` syncs an interface without keys; ``progress`` shows slices, rows, calls/min and an ETA on
        stderr. Interrupted or failed runs resume where they stopped; the report says what was done."""
        from ..store._client import sync_with

        return sync_with(
            self,
            apis,
            store=store,
            start=start,
            end=end,
            lookback=lookback,
            concurrency=concurrency,
            append_only=append_only,
            progress=progress,
        )

    def _async_twin(self) -> AsyncBaseClient:
        """An async client on this client's token, server, options and limiter (``sync`` fetches through it)."""
        limiter, options = self._transport.limiter, self._options
        return AsyncBaseClient(
            self._resolve_token(),
            base_url=self.base_url,
            timeout=DEFAULT_TIMEOUT if options.timeout is None else options.timeout,
            max_retries=DEFAULT_MAX_RETRIES if options.max_retries is None else options.max_retries,
            max_rate_limit_wait=(
                DEFAULT_MAX_RATE_LIMIT_WAIT if options.max_rate_limit_wait is None else options.max_rate_limit_wait
            ),
            rate_limit=self.rate_limit if limiter is None else None,
            limiter=limiter,
            catalog=self._catalog,
            max_body_bytes=self._transport.options.max_body_bytes or DEFAULT_MAX_BODY_BYTES,
        )

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


class AsyncBaseClient(_ClientCommon[AsyncTransport, "httpx.AsyncClient"]):
    """Asyncio client: the same surface as :class:`BaseClient` with ``await``."""

    _transport_type = AsyncTransport

    async def _resolve_token_async(self) -> Secret:
        if self._token is not None:
            return self._token
        # The store may run scrypt and read files: keep that off the event loop.
        import asyncio  # here, not at the top: asyncio costs more to import than the rest of a client

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
        """One HTTP call (one page) of ``api_name``, decoded by ``decode`` (or the cached reply, with a cache)."""
        hit, decode = self._through_cache(api_name, params, fields, decode)
        if hit is not _MISS:
            return hit
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
        plan = _QueryPlan.make(self, api_name, fields, params)
        decode = query_decoder(plan.api_name, plan.wire_fields)
        result = await apaginate(
            lambda o, n: self._call(
                plan.api_name, {**plan.params, "offset": o, "limit": n}, plan.wire_fields, decode=decode
            ),
            plan.page_size,
            start_offset=plan.offset,
            max_rows=plan.limit,
            api_name=plan.api_name,
            keys=plan.keys,
            partial_as=plan.response,
        )
        return plan.response(result)

    async def sync(
        self,
        apis: str | Sequence[str],
        *,
        start: object = None,
        end: object = None,
        store: Store | str | os.PathLike[str] | None = None,
        lookback: int = 1,
        concurrency: int = 4,
        append_only: bool = False,
        progress: bool = False,
    ) -> SyncReport:
        """Async :meth:`BaseClient.sync`."""
        from ..store._client import async_sync_with

        return await async_sync_with(
            self,
            apis,
            store=store,
            start=start,
            end=end,
            lookback=lookback,
            concurrency=concurrency,
            append_only=append_only,
            progress=progress,
        )

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

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
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

from .body import DEFAULT_MAX_BODY_BYTES
from .construction import checked_catalog, checked_collaborators, checked_token
from .limiter.choose import limiter_for
from .limiter.protocol import Limiter
from .paginator import apaginate, paginate
from .query_plan import QueryPlan
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
from .transport.options import check_option

if TYPE_CHECKING:
    import httpx  # noqa: F401 - named (as strings) in the generic bases of the clients

    from ..cache import ResponseCache
    from ..catalog import Catalog
    from ..realtime import AsyncRealtime, Realtime
    from ..response import QueryResponse
    from ..token import TokenStore
    from .envelope import Decoder, Page

__all__ = ["AsyncBaseClient", "BaseClient"]

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
        max_concurrency: int | None = None,
    ) -> None:
        """``transport`` (advanced, e.g. tests) replaces the transport built from
        ``base_url``/``http_client``/``limiter``; the client then does not close it. ``max_concurrency`` bounds the
        requests in flight at once across every thread (or task) sharing this client. ``cache`` (True, a path, or a
        ``tushare_typed.cache`` backend) answers identical calls locally; replies touching today expire after
        ``cache_ttl`` seconds, closed historical ones are kept. ``catalog`` replaces the package's catalog as the
        source of interface facts (key columns, quotas). ``max_body_bytes`` bounds a reply's decompressed size. Every
        argument is checked here (a ParameterError names the wrong one); no HTTP library is imported until the first
        call."""
        try:
            self._token: Secret | None = checked_token(token)
        except Exception as error:  # any: the frames below hold the token, so none may reach a traceback
            error.__context__ = None
            raise error.with_traceback(None) from None
        finally:
            del token  # nor this frame's: from here on only the Secret, which never shows itself
        checked_collaborators(
            limiter=limiter,
            max_concurrency=max_concurrency,
            transport=transport,
            http_client=http_client,
            token_store=token_store,
        )
        check_option("cache_ttl", cache_ttl, 0.0, False)
        check_option("max_body_bytes", max_body_bytes, 1, True)
        self._catalog = checked_catalog(catalog)
        self._options = RequestOptions(
            timeout=timeout, max_retries=max_retries, max_rate_limit_wait=max_rate_limit_wait
        )
        self._token_store = token_store
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
            max_concurrency=max_concurrency,
        )
        self._cache: ResponseCache | None = None
        if cache is not None and cache is not False:
            from ..cache import resolve_cache

            self._cache = resolve_cache(cache)
        self._cache_ttl = cache_ttl

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    def __repr__(self) -> str:
        # Also for a client whose construction failed (a traceback printed with locals shows it).
        token = "<unresolved>" if getattr(self, "_token", None) is None else "<hidden>"
        transport = getattr(self, "_transport", None)
        where = f"base_url={transport.base_url!r}, " if transport is not None else ""
        return f"{type(self).__name__}({where}token={token})"

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
        """The limiter for ``rate_limit`` (:func:`~.limiter.choose.limiter_for`); a subclass may build its own."""
        catalog = self._catalog or _package_catalog
        return limiter_for(rate_limit, token=self._token, catalog=catalog)

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
    _realtime: Realtime | None = None

    @property
    def realtime(self) -> Realtime:
        """Realtime quotes, the board and trades from Sina, Eastmoney and Tencent with failover, and
        ``stream_quotes`` (:mod:`tushare_typed.realtime`; built on first use, closed with the client)."""
        if self._realtime is None:
            from ..realtime import Realtime

            self._realtime = Realtime()
        return self._realtime

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
        plan = QueryPlan.make(api_name, fields, params, record_keys=self._record_keys)
        decode = query_decoder(plan.api_name, plan.wire_fields)
        result = paginate(
            lambda o, n: self._call(plan.api_name, plan.page_params(o, n), plan.wire_fields, decode=decode),
            plan.page_size,
            start_offset=plan.offset,
            max_rows=plan.limit,
            api_name=plan.api_name,
            keys=plan.keys,
            partial_as=plan.response,
        )
        return plan.response(result)

    def close(self) -> None:
        if self._realtime is not None:
            self._realtime.close()
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
    _realtime: AsyncRealtime | None = None

    @property
    def realtime(self) -> AsyncRealtime:
        """:attr:`BaseClient.realtime` with ``await`` (the same core, run off the event loop)."""
        if self._realtime is None:
            from ..realtime import AsyncRealtime

            self._realtime = AsyncRealtime()
        return self._realtime

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
        plan = QueryPlan.make(api_name, fields, params, record_keys=self._record_keys)
        decode = query_decoder(plan.api_name, plan.wire_fields)
        result = await apaginate(
            lambda o, n: self._call(plan.api_name, plan.page_params(o, n), plan.wire_fields, decode=decode),
            plan.page_size,
            start_offset=plan.offset,
            max_rows=plan.limit,
            api_name=plan.api_name,
            keys=plan.keys,
            partial_as=plan.response,
        )
        return plan.response(result)

    async def aclose(self) -> None:
        if self._realtime is not None:
            await self._realtime.aclose()
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

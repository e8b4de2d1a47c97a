"""``client.sync(...)``: the local store's sync (``tushare_typed.store``, extra ``store``), mixed into the generated
``TushareClient`` / ``AsyncTushareClient`` so that the core clients (``_internal/client_base.py``) know nothing of
the store.

Importing this module imports neither the store's engine nor DuckDB (the package's names load on first use):
``sync`` imports them on its first call. The engine is ``_client.py``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._internal.body import DEFAULT_MAX_BODY_BYTES
from .._internal.client_base import AsyncBaseClient, BaseClient
from .._internal.transport import DEFAULT_MAX_RATE_LIMIT_WAIT, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from ._lake import Lake
    from ._report import SyncReport
    from ._store import Store

__all__ = ["AsyncStoreSync", "StoreSync"]


class StoreSync(BaseClient):
    """``TushareClient.sync``."""

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
        export_to: Lake | str | None = None,
    ) -> SyncReport:
        """Fetch the history of ``apis`` into the local store (``tushare_typed.store``, extra ``store``): only the
        slices not stored yet, plus the ``lookback`` most recent ones, concurrently within this client's quota.
        ``store`` is a Store or a path (default: ``TUSHARE_TYPED_STORE`` or the user's data directory).
        ``append_only`` syncs an interface without keys; ``progress`` shows slices, rows, calls/min and an ETA on
        stderr. Interrupted or failed runs resume where they stopped; the report says what was done. ``export_to``
        (a :class:`~tushare_typed.store.Lake` or an ``s3://`` URL) exports each interface to object storage once
        synced (checked before the first call; a failed sync leaves the lake at its previous export)."""
        from ._client import sync_with

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
            export_to=export_to,
        )

    def _async_twin(self) -> AsyncBaseClient:
        """An async client on this client's token, server, options, limiter and request bound (``sync`` fetches
        through it)."""
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
            max_concurrency=self._transport.slots.limit,
        )


class AsyncStoreSync(AsyncBaseClient):
    """``AsyncTushareClient.sync``."""

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
        export_to: Lake | str | None = None,
    ) -> SyncReport:
        """Async :meth:`StoreSync.sync`."""
        from ._client import async_sync_with

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
            export_to=export_to,
        )

"""``client.sync(...)`` behind both clients: open the store, run the engine through an async client, report."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._progress import SyncProgress
from ._store import Store
from ._sync import SliceCallback, SyncRequest, run_sync, run_sync_blocking

if TYPE_CHECKING:
    from .._internal.client_base import AsyncBaseClient
    from ._mixin import StoreSync
    from ._report import SyncReport

__all__ = ["async_sync_with", "sync_with"]

StoreArg = Store | str | os.PathLike[str] | None


def _open(store: StoreArg) -> tuple[Store, bool]:
    """The store to write, and whether this call opened it (and so closes it)."""
    return (store, False) if isinstance(store, Store) else (Store(store), True)


async def async_sync_with(
    client: AsyncBaseClient,
    apis: str | Sequence[str],
    *,
    store: StoreArg = None,
    on_slice: SliceCallback | None = None,
    progress: bool = False,
    **options: Any,
) -> SyncReport:
    """``AsyncTushareClient.sync``: see :func:`sync_with`."""
    request = SyncRequest.of(apis, **options)
    display = SyncProgress() if progress else None
    opened, owned = _open(store)
    try:
        return await run_sync(client, opened.db, opened.catalog, request, on_slice=display or on_slice)
    finally:
        if display is not None:
            display.close()
        if owned:
            opened.close()


def sync_with(
    client: StoreSync,
    apis: str | Sequence[str],
    *,
    store: StoreArg = None,
    on_slice: SliceCallback | None = None,
    progress: bool = False,
    **options: Any,
) -> SyncReport:
    """``TushareClient.sync``: the same sync, run on an async twin of ``client`` (same token, server and limiter)
    so that slices are fetched concurrently, yet never past the client's quota."""
    request = SyncRequest.of(apis, **options)
    display = SyncProgress() if progress else None
    on_slice = display or on_slice
    opened, owned = _open(store)

    def go() -> Callable[[], Any]:
        async def run() -> SyncReport:
            twin = client._async_twin()
            try:
                return await run_sync(twin, opened.db, opened.catalog, request, on_slice=on_slice)
            finally:
                await twin.aclose()

        return run

    try:
        report: SyncReport = run_sync_blocking(go())
        return report
    finally:
        if display is not None:
            display.close()
        if owned:
            opened.close()

"""``client.sync(...)`` behind both clients: open the store, run the engine through an async client, report."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from ._progress import SyncProgress
from ._store import Store
from ._sync import SliceCallback, SyncRequest, run_sync, run_sync_blocking

if TYPE_CHECKING:
    from .._internal.client_base import AsyncBaseClient
    from ._lake import Lake
    from ._mixin import StoreSync
    from ._report import SyncReport

__all__ = ["async_sync_with", "sync_with"]

StoreArg = Store | str | os.PathLike[str] | None
LakeArg: TypeAlias = "Lake | str | None"


def _open(store: StoreArg) -> tuple[Store, bool]:
    """The store to write, and whether this call opened it (and so closes it)."""
    return (store, False) if isinstance(store, Store) else (Store(store), True)


def _checked_lake(export_to: LakeArg) -> Lake | None:
    """The lake to export to after the sync, checked (credentials, bucket) before any quota is spent."""
    if export_to is None:
        return None
    from ._lake import Lake

    lake = Lake(export_to) if isinstance(export_to, str) else export_to
    lake.check()
    return lake


def _export(lake: Lake | None, store: Store, report: SyncReport, apis: Sequence[str]) -> SyncReport:
    """Export each synced interface to ``lake`` (when given) once the sync has committed it; a failed sync raised
    before this, so the lake only ever shows the outcome of complete syncs."""
    if lake is not None:
        report.exports += [lake.export(store, api) for api in apis]
    return report


async def async_sync_with(
    client: AsyncBaseClient,
    apis: str | Sequence[str],
    *,
    store: StoreArg = None,
    on_slice: SliceCallback | None = None,
    progress: bool = False,
    export_to: LakeArg = None,
    **options: Any,
) -> SyncReport:
    """``AsyncTushareClient.sync``: see :func:`sync_with`."""
    request = SyncRequest.of(apis, **options)
    lake = await asyncio.to_thread(_checked_lake, export_to)
    display = SyncProgress() if progress else None
    opened, owned = _open(store)
    try:
        report = await run_sync(client, opened.db, opened.catalog, request, on_slice=display or on_slice)
        return await asyncio.to_thread(_export, lake, opened, report, request.apis)
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
    export_to: LakeArg = None,
    **options: Any,
) -> SyncReport:
    """``TushareClient.sync``: the same sync, run on an async twin of ``client`` (same token, server and limiter)
    so that slices are fetched concurrently, yet never past the client's quota. ``export_to`` (a :class:`Lake` or
    an ``s3://`` URL) then exports each interface synced."""
    request = SyncRequest.of(apis, **options)
    lake = _checked_lake(export_to)
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
        return _export(lake, opened, report, request.apis)
    finally:
        if display is not None:
            display.close()
        if owned:
            opened.close()

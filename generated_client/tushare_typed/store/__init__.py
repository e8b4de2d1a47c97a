"""``tushare_typed.store``: a local DuckDB copy of tushare data, synced incrementally within the quota.

    from tushare_typed import TushareClient
    from tushare_typed.store import Store

    client = TushareClient()
    client.sync("daily", start="20100101")          # only missing slices are fetched; re-run any time
    store = Store()                                  # the same file, default in the user's data directory
    bars = store.read("daily", ts_code=["000001.SZ"], start="20240101")   # a DailyResponse, no network
    store.sql("SELECT ts_code, avg(close) FROM daily GROUP BY 1").to_pandas()

Needs the ``store`` extra (DuckDB and pyarrow): ``pip install 'tushare-typed[store]'``; exports to object storage
(:class:`Lake`) the ``lake`` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._internal.lazy import lazy_exports

if TYPE_CHECKING:
    from ._check import CheckReport
    from ._database import STORE_VARIABLE, default_store_path
    from ._errors import (
        LakeBucketError,
        LakeConnectionError,
        LakeCredentialsError,
        LakeError,
        LakeManifestError,
        StoreAccessError,
        StoreCorruptError,
        StoreError,
        StoreKeyConflictError,
        StoreLockedError,
        StoreSchemaError,
        SyncError,
    )
    from ._lake import Lake, LakeExport
    from ._report import InterfaceReport, SyncReport
    from ._store import Store, TableInfo
    from ._sync import SyncRequest, run_sync

# Names load on first use, so `client.sync`'s mixin (`_mixin.py`, mixed into every client) can live here without
# importing DuckDB at `import tushare_typed`; the first name used checks the extra is installed.
_EXPORTS = {
    "CheckReport": "_check",
    "STORE_VARIABLE": "_database",
    "default_store_path": "_database",
    "LakeBucketError": "_errors",
    "LakeConnectionError": "_errors",
    "LakeCredentialsError": "_errors",
    "LakeError": "_errors",
    "LakeManifestError": "_errors",
    "StoreAccessError": "_errors",
    "StoreCorruptError": "_errors",
    "StoreKeyConflictError": "_errors",
    "StoreError": "_errors",
    "StoreLockedError": "_errors",
    "StoreSchemaError": "_errors",
    "SyncError": "_errors",
    "Lake": "_lake",
    "LakeExport": "_lake",
    "InterfaceReport": "_report",
    "SyncReport": "_report",
    "Store": "_store",
    "TableInfo": "_store",
    "SyncRequest": "_sync",
    "run_sync": "_sync",
}


def require_extra() -> None:
    """Raise a clear ImportError when DuckDB or pyarrow (the ``store`` extra) is missing."""
    try:
        import duckdb  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as error:
        raise ImportError(
            f"tushare_typed.store needs the optional 'store' extra: pip install 'tushare-typed[store]' ({error})"
        ) from None


_lazy_getattr, __dir__ = lazy_exports(__name__, _EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        require_extra()
    return _lazy_getattr(name)


__all__ = [
    "STORE_VARIABLE",
    "CheckReport",
    "InterfaceReport",
    "Lake",
    "LakeBucketError",
    "LakeConnectionError",
    "LakeCredentialsError",
    "LakeError",
    "LakeExport",
    "LakeManifestError",
    "Store",
    "StoreAccessError",
    "StoreCorruptError",
    "StoreError",
    "StoreKeyConflictError",
    "StoreLockedError",
    "StoreSchemaError",
    "SyncError",
    "SyncReport",
    "SyncRequest",
    "TableInfo",
    "default_store_path",
    "run_sync",
]

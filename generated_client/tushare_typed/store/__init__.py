"""``tushare_typed.store``: a local DuckDB copy of tushare data, synced incrementally within the quota.

    from tushare_typed import TushareClient
    from tushare_typed.store import Store

    client = TushareClient()
    client.sync("daily", start="20100101")          # only missing slices are fetched; re-run any time
    store = Store()                                  # the same file, default in the user's data directory
    bars = store.read("daily", ts_code=["000001.SZ"], start="20240101")   # a DailyResponse, no network
    store.sql("SELECT ts_code, avg(close) FROM daily GROUP BY 1").to_pandas()

Needs the ``store`` extra (DuckDB and pyarrow): ``pip install 'tushare-typed[store]'``.
"""

from __future__ import annotations

try:
    import duckdb  # noqa: F401
    import pyarrow  # noqa: F401
except ImportError as _error:
    raise ImportError(
        f"tushare_typed.store needs the optional 'store' extra: pip install 'tushare-typed[store]' ({_error})"
    ) from None

from ._check import CheckReport
from ._database import STORE_VARIABLE, default_store_path
from ._errors import (
    StoreAccessError,
    StoreCorruptError,
    StoreError,
    StoreKeyConflictError,
    StoreLockedError,
    StoreSchemaError,
    SyncError,
)
from ._report import InterfaceReport, SyncReport
from ._store import Store, TableInfo
from ._sync import SyncRequest, run_sync

__all__ = [
    "STORE_VARIABLE",
    "CheckReport",
    "InterfaceReport",
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

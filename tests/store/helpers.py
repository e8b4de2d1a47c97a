"""A catalog for store tests: the package's real interfaces (so reads return the generated response classes) with
the keys and sync plans the store needs, and an emulator whose daily data is small and per day."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from tushare_typed.catalog import Catalog, InterfaceSpec, SyncSpec, load_catalog

#: Rows the emulator serves for one trade day of `daily` (one row per stock).
ROWS_PER_DAY = 20


def with_plan(spec: InterfaceSpec, keys: tuple[str, ...], sync: SyncSpec | None) -> InterfaceSpec:
    return dataclasses.replace(spec, keys=keys, sync=sync)


def store_catalog(**overrides: InterfaceSpec) -> Catalog:
    """daily (by trade day), trade_cal, stock_basic (snapshot), income (by period), weekly (window), and
    adj_factor (by code), with keys; ``overrides`` replaces or adds interfaces."""
    real = load_catalog()
    interfaces = {
        "daily": with_plan(
            real.get("daily"),
            ("ts_code", "trade_date"),
            SyncSpec("trade_day", param="trade_date", date_column="trade_date"),
        ),
        "trade_cal": with_plan(real.get("trade_cal"), ("exchange", "cal_date"), None),
        "stock_basic": with_plan(real.get("stock_basic"), ("ts_code",), SyncSpec("snapshot")),
        "weekly": with_plan(
            real.get("weekly"),
            ("ts_code", "trade_date"),
            SyncSpec("window", start_param="start_date", end_param="end_date", date_column="trade_date"),
        ),
        "adj_factor": with_plan(
            real.get("adj_factor"),
            ("ts_code", "trade_date"),
            SyncSpec(
                "code",
                start_param="start_date",
                end_param="end_date",
                codes_from="stock_basic",
                date_column="trade_date",
            ),
        ),
        **overrides,
    }
    return Catalog(interfaces=interfaces)


def rows_per_query(api_name: str, params: Mapping[str, Any]) -> int:
    """`daily` of one day: ROWS_PER_DAY stocks; a code's adj_factor: one row per day; anything else: 30 rows."""
    if api_name == "daily" and params.get("trade_date"):
        return ROWS_PER_DAY
    if api_name == "stock_basic":
        return 10
    return 30

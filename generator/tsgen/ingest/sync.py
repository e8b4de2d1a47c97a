"""Sync plans: how a local store slices an interface's history, derived from its parameters and columns.

By trading day (a `trade_date` parameter), by report period (`period`), by code (a required `ts_code` with a date
range, the codes listed by the matching basic interface), by date window (`start_date`/`end_date`), or as one
snapshot (reference tables without date parameters). Realtime interfaces get none, and say why. Overrides correct
the rest (and add the shapes no parameter list reveals: one call per calendar day, week, month or listed value).
"""

from __future__ import annotations

from tsgen.model import Interface, SyncPlan

# The basic interface listing the codes of each market, by a word of the interface's category.
_CODES_FROM = (
    ("港股", "hk_basic"),
    ("美股", "us_basic"),
    ("期货", "fut_basic"),
    ("期权", "opt_basic"),
    ("可转债", "cb_basic"),
    ("债券", "cb_basic"),
    ("ETF", "fund_basic"),
    ("基金", "fund_basic"),
    ("指数", "index_basic"),
    ("股票", "stock_basic"),
)
# Columns the store keeps as a DATE (YYYYMMDD on the wire). Not trade_time (a date-time: as a DATE it would merge
# the minutes of a day), nor month/quarter (YYYYMM, 2024Q1: no day to parse).
_DATE_COLUMNS = ("trade_date", "date", "cal_date", "ann_date", "end_date")
_REALTIME_PREFIXES = ("rt_", "realtime_")
REALTIME_REASON = (
    "a realtime snapshot: each call answers with the market as it is at that moment, so there is no history to store"
)


def _codes_from(interface: Interface) -> str | None:
    category = "/".join(interface.category)
    return next((basic for word, basic in _CODES_FROM if word in category), None)


def _date_column(interface: Interface) -> str | None:
    columns = {field.name for field in interface.fields}
    return next((name for name in _DATE_COLUMNS if name in columns), None)


def _range(interface: Interface) -> dict[str, str]:
    """The pair of parameters opening and closing a date range: start_date/end_date, start_m/end_m, start_q/end_q."""
    names = [param.name for param in interface.params]
    for name in names:
        if name.startswith("start_") and f"end_{name[6:]}" in names:
            return {"start_param": name, "end_param": f"end_{name[6:]}"}
    return {}


def derive_sync(interface: Interface) -> SyncPlan | None:
    if interface.api_name.startswith(_REALTIME_PREFIXES) or interface.kind != "http":
        return None
    params = {param.name: param for param in interface.params}
    columns = {field.name for field in interface.fields}
    span = _range(interface)
    if "period" in params and "end_date" in columns:
        return SyncPlan(shape="period", param="period", date_column="end_date")
    code = params.get("ts_code")
    codes_from = _codes_from(interface)
    if code is not None and code.required and codes_from and codes_from != interface.api_name:
        return SyncPlan(
            shape="code", param="ts_code", codes_from=codes_from, date_column=_date_column(interface), **span
        )
    if "trade_date" in params and "trade_date" in columns:
        return SyncPlan(shape="trade_day", param="trade_date", date_column="trade_date", **span)
    if span:
        return SyncPlan(shape="window", date_column=_date_column(interface), **span)
    if not any(param.required for param in interface.params) and not any(
        param.python_type in ("date", "datetime") or param.format for param in interface.params
    ):
        return SyncPlan(shape="snapshot")
    return None


def sync_absent_reason(interface: Interface) -> str | None:
    """Why an interface has no sync plan, when a rule knows (realtime snapshots); None otherwise."""
    if interface.api_name.startswith(_REALTIME_PREFIXES) or interface.kind != "http":
        return REALTIME_REASON
    return None

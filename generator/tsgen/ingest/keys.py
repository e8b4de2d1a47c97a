"""Record keys: the columns that identify one row, derived from an interface's columns by a few shapes.

Keys de-duplicate rows repeated at page seams and let the store upsert, so a wrong key drops real data. The rules
therefore only key the shapes whose identity is certain (bars, calendars, reference lists, statements, macro
series, and daily tables of one row per code and day); every other interface is decided by a reviewed override in
overrides.toml, which names its keys or, for rows without identity, why there are none (`keys_absent_reason`).
"""

from __future__ import annotations

from tsgen.ingest.sync import REALTIME_REASON, sync_absent_reason
from tsgen.model import Interface

_OHLC = {"open", "high", "low", "close"}
# Columns that tell apart several rows of one (code, date) in a bar or statement table.
_QUALIFIERS = ("freq", "exchange")
_STATEMENT_QUALIFIERS = ("ann_date", "f_ann_date", "report_type", "comp_type", "end_type", "update_flag", "type")
_MACRO_QUALIFIERS = ("curr_type", "bank")
_REFERENCE_SUFFIXES = ("_basic",)
# Descriptive text beside the (code, date) of a daily table: the code's name, never a dimension of its own.
_LABELS = frozenset({"name", "ts_name"})
_NUMERIC = frozenset({"float", "int"})


def _present(interface: Interface, names: tuple[str, ...]) -> list[str]:
    columns = {field.name for field in interface.fields}
    return [name for name in names if name in columns]


def _daily_table(interface: Interface) -> bool:
    """One row per code and trading day: the page selects on both (ts_code and trade_date parameters), and every
    other column is a number, the code's name or a qualifier. A `price` column marks rows per trade or per price
    level (block trades, chip distribution), which the rule leaves to a reviewed override."""
    params = {param.name for param in interface.params}
    if not {"ts_code", "trade_date"} <= params:
        return False
    others = [f for f in interface.fields if f.name not in ("ts_code", "trade_date")]
    names = {field.name for field in interface.fields}
    return (
        {"ts_code", "trade_date"} <= names
        and "price" not in names
        and all(f.python_type in _NUMERIC or f.name in _LABELS or f.name in _QUALIFIERS for f in others)
    )


def derive_keys(interface: Interface) -> list[str]:
    """The key columns by rule; empty when no rule is certain."""
    columns = {field.name for field in interface.fields}
    first = interface.fields[0].name if interface.fields else ""
    category = "/".join(interface.category)
    if {"ts_code", "trade_time"} <= columns and columns >= _OHLC:
        return ["ts_code", "trade_time", *_present(interface, ("freq",))]
    if {"ts_code", "trade_date"} <= columns and columns >= _OHLC:
        return ["ts_code", "trade_date", *_present(interface, _QUALIFIERS)]
    if "cal_date" in columns:
        return [*_present(interface, ("exchange",)), "cal_date"]
    if interface.api_name.endswith(_REFERENCE_SUFFIXES) and first == "ts_code" and "trade_date" not in columns:
        return ["ts_code"]
    if {"ts_code", "end_date", "ind_name", "ind_value"} <= columns:  # hk/us statements: one row per indicator
        return ["ts_code", "end_date", "ind_name", *_present(interface, ("report_type",))]
    if "财务数据" in category and {"ts_code", "end_date", "ann_date"} <= columns:
        # A statement: the period and announcement date, with every variant column the table carries.
        return ["ts_code", "end_date", *_present(interface, _STATEMENT_QUALIFIERS)]
    if "宏观" in category and first in ("date", "month", "quarter"):
        return [first, *_present(interface, _MACRO_QUALIFIERS)]
    if _daily_table(interface):
        return ["ts_code", "trade_date", *_present(interface, _QUALIFIERS)]
    return []


def keys_absent_reason(interface: Interface) -> str | None:
    """Why the rows have no identity, when a rule knows: a realtime snapshot is never stored."""
    return REALTIME_REASON if sync_absent_reason(interface) is not None and not derive_keys(interface) else None

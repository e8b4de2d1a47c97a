"""Record keys: the columns that identify one row, derived from an interface's columns by a few shapes.

Keys de-duplicate rows repeated at page seams, so a wrong key drops real data. The rules therefore only key the
shapes whose identity is certain (bars, calendars, reference lists, statements, macro series); every other
interface stays unkeyed unless a reviewed override in overrides.toml names its keys, and ingest reports it.
"""

from __future__ import annotations

from tsgen.model import Interface

_OHLC = {"open", "high", "low", "close"}
# Columns that tell apart several rows of one (code, date) in a bar or statement table.
_QUALIFIERS = ("freq", "exchange")
_STATEMENT_QUALIFIERS = ("ann_date", "f_ann_date", "report_type", "comp_type", "end_type", "update_flag")
_MACRO_QUALIFIERS = ("curr_type", "bank")
_REFERENCE_SUFFIXES = ("_basic",)


def _present(interface: Interface, names: tuple[str, ...]) -> list[str]:
    columns = {field.name for field in interface.fields}
    return [name for name in names if name in columns]


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
    if "财务数据" in category and {"ts_code", "end_date", "ann_date", "report_type"} <= columns:
        return ["ts_code", "end_date", *_present(interface, _STATEMENT_QUALIFIERS)]
    if "宏观" in category and first in ("date", "month", "quarter"):
        return [first, *_present(interface, _MACRO_QUALIFIERS)]
    return []

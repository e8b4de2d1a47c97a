"""Deterministic synthetic rows for the emulator: row ``i`` of a query depends only on the seed, the query and ``i``,
shaped by each field's ``python_type``; dates run newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from ..catalog import InterfaceSpec

_DEFAULT_ANCHOR: Final = "20241231"
_ROWS_PER_DAY: Final = 10
MASK64: Final = (1 << 64) - 1
GOLDEN: Final = 0x9E3779B97F4A7C15  # 2**64 / golden ratio: spreads consecutive integers over 64 bits


class Dataset:
    """The rows of one query, computed on demand: row ``i`` depends only on the seed, the query and ``i``."""

    def __init__(self, spec: InterfaceSpec, params: Mapping[str, Any], seed: int) -> None:
        self.spec = spec
        self.base = _stable_hash(f"{seed}|{spec.api_name}|{_canonical(params)}")
        code = params.get("ts_code")
        self.fixed_code = code if isinstance(code, str) and code and "," not in code else None
        trade_date = params.get("trade_date")
        self.fixed_date = str(trade_date) if isinstance(trade_date, str | int) and str(trade_date).isdigit() else None
        anchor = str(params.get("end_date") or _DEFAULT_ANCHOR)
        self.anchor = _ordinal(anchor if anchor.isdigit() and len(anchor) == 8 else _DEFAULT_ANCHOR)
        self.echo = {k: v for k, v in params.items() if isinstance(v, str) and "," not in v}
        self.salts = {f.name: _stable_hash(f.name) for f in spec.fields}
        self.types = {f.name: _value_kind(f.name, f.python_type) for f in spec.fields}
        self.first_date = next((name for name, kind in self.types.items() if kind == "date"), None)
        self._dates: dict[int, str] = {}

    def rows(self, start: int, stop: int, names: Sequence[str]) -> list[list[Any]]:
        """Rows ``start`` to ``stop`` (exclusive), with the columns ``names``."""
        makers = [(self._maker(name), self.salts[name]) for name in names]
        out = []
        for i in range(start, stop):
            mixed = mix(self.base ^ ((i * GOLDEN) & MASK64))
            # One full mix per row; each column then takes a cheap multiplicative hash of it.
            out.append([make(i, (((mixed ^ salt) * GOLDEN) & MASK64) >> 11) for make, salt in makers])
        return out

    def _maker(self, name: str) -> Callable[[int, int], Any]:
        """How column ``name`` of row ``i`` is made from ``i`` and a 53-bit hash ``h``."""
        kind = self.types[name]
        if kind == "date":
            return self._date_maker(name)
        if kind == "datetime":
            return lambda i, h: _datetime_text(self.anchor, i)
        if kind == "int":
            return lambda i, h: h % 1_000_000
        if kind == "float":
            return lambda i, h: (h % 10_000_000 + 100) / 100  # two decimals, from 1.00 up
        if kind == "bool":
            return lambda i, h: bool(h & 1)
        if name in self.echo:
            value = str(self.echo[name])
            return lambda i, h: value
        if name.endswith("_code") or name == "ts_code":
            fixed = self.fixed_code
            return lambda i, h: fixed or _stock_code(self._code_index(i))
        return lambda i, h: f"{name}_{h % 10_000:04d}"

    def _date_maker(self, name: str) -> Callable[[int, int], str]:
        if name == self.first_date:
            fixed = self.fixed_date
            return lambda i, h: fixed or self._date(self._day_index(i))
        return lambda i, h: self._date(self._day_index(i) + h % 90)

    def _date(self, days_back: int) -> str:
        text = self._dates.get(days_back)
        if text is None:
            text = self._dates[days_back] = _date_text(self.anchor - days_back)
        return text

    def _day_index(self, i: int) -> int:
        # Newest first: one row per day for a single stock, else a batch of stocks per day.
        if self.fixed_code is not None:
            return i
        if self.fixed_date is not None:
            return 0
        return i // _ROWS_PER_DAY

    def _code_index(self, i: int) -> int:
        return i if self.fixed_date is not None else i % _ROWS_PER_DAY


def _value_kind(name: str, python_type: str) -> str:
    # Many date columns are documented as plain str; give them YYYYMMDD values all the same.
    if python_type == "str" and (name == "date" or name.endswith("_date")):
        return "date"
    return python_type


def select_fields(spec: InterfaceSpec, fields: str | Sequence[str]) -> list[str]:
    wanted = [f.strip() for f in fields.split(",")] if isinstance(fields, str) else list(fields)
    wanted = [f for f in wanted if f]
    if not wanted:
        return list(spec.default_fields or spec.field_names)
    known = set(spec.field_names)
    # Like the server: unknown names are ignored, known ones come back in the order asked.
    return [name for name in dict.fromkeys(wanted) if name in known]


def _stock_code(index: int) -> str:
    return f"{600000 + index:06d}.SH" if index % 2 else f"{index:06d}.SZ"


def _ordinal(yyyymmdd: str) -> int:
    from datetime import date

    return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8])).toordinal()


def _date_text(ordinal: int) -> str:
    from datetime import date

    return date.fromordinal(max(1, ordinal)).strftime("%Y%m%d")


def _datetime_text(anchor: int, minutes_back: int) -> str:
    from datetime import datetime, timedelta

    close = datetime.fromordinal(anchor).replace(hour=15)
    return (close - timedelta(minutes=minutes_back)).strftime("%Y-%m-%d %H:%M:%S")


def mix(value: int) -> int:
    """splitmix64's finaliser: a cheap, well-spread 64-bit hash of an integer."""
    value = (value + GOLDEN) & MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & MASK64
    return value ^ (value >> 31)


def unit_float(value: int) -> float:
    return (value >> 11) / float(1 << 53)


def _stable_hash(text: str) -> int:
    # hash() is salted per process; the data must agree between runs and processes.
    import hashlib

    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _canonical(params: Mapping[str, Any]) -> str:
    import json

    return json.dumps(params, sort_keys=True, ensure_ascii=False, default=str)


def int_param(params: Mapping[str, Any], name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def calendar_page(names: Sequence[str], params: Mapping[str, Any]) -> dict[str, Any]:
    """``trade_cal`` for ``start_date``..``end_date`` (a year back when unset), newest first, unpaged."""
    end = _ordinal(str(params.get("end_date") or _DEFAULT_ANCHOR))
    start = _ordinal(str(params["start_date"])) if params.get("start_date") else end - 365
    exchange = str(params.get("exchange") or "SSE")
    items = []
    for ordinal in range(end, start - 1, -1):
        day = dt.date.fromordinal(ordinal)
        previous = day - dt.timedelta(days=1 if day.weekday() in (1, 2, 3, 4) else (day.weekday() + 3) % 7)
        values = {
            "exchange": exchange,
            "cal_date": day.strftime("%Y%m%d"),
            "is_open": "1" if day.weekday() < 5 else "0",
            "pretrade_date": previous.strftime("%Y%m%d"),
        }
        items.append([values.get(name) for name in names])
    return {
        "request_id": "",
        "code": 0,
        "msg": "",
        "data": {"fields": list(names), "items": items, "has_more": False, "count": len(items)},
    }

"""Synthetic market data for the emulator (:mod:`._emulator`): deterministic, consistent and shaped by the query.

A value depends only on the seed, the security and the date — never on the query that asked for it — so two
queries over overlapping ranges agree on the rows they share, as the real server's do. What the rows look like:

- a trading calendar: Monday to Friday (no holidays, so a test can count the trading days of a range);
  ``trade_cal`` lists every calendar day with ``is_open`` ``'1'``/``'0'`` from that calendar;
- parameters select rows: ``ts_code`` (one code or a comma-separated list), ``trade_date``, ``start_date`` /
  ``end_date`` (only trading days in range), ``period`` (a quarter end); rows come newest first, then by code;
- daily bars follow a smooth per-security price path: ``low <= min(open, close)``, ``max(open, close) <= high``,
  ``pre_close`` is the previous trading day's close, ``change``/``pct_chg`` follow, volumes and amounts agree;
- adjustment factors step up every half year or so (dividends), so forward adjustment depends on its anchor;
- financial statements (interfaces keyed by ``end_date`` with a ``period`` parameter) have one row per quarter
  end, published 20-110 days later, with revenue > net income and assets = liabilities + equity;
- a keyed interface's rows are unique in its key columns: one whose keys hold no date is a reference list (one row
  per security, or one row), never a daily series, and a range bound (``start_date``) is not echoed into the column
  of its name, so the dates a range selects stay apart.

Row ``i`` is computed on demand from ``i``, so paging through a large result costs no more than its pages.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from ._basics import BASIC_MAKERS, generic_float
from ._market import (
    PERIODS,
    bar,
    is_period_end,
    is_trading_day,
    minute_bar,
    period_bar,
    period_days,
    previous_trading_day,
    statement,
)
from ._synthetic import GOLDEN, MASK64, mix, stable_hash, unit_float

if TYPE_CHECKING:
    from ..catalog import InterfaceSpec

__all__ = ["DEFAULT_END", "DEFAULT_START", "UNIVERSE", "Dataset", "is_trading_day", "stock_code"]

#: The emulator's "today": the latest date a query without an end date reaches.
DEFAULT_END: Final = "20241231"
#: Where a history starts when a query names securities but no start date.
DEFAULT_START: Final = "20200101"
#: Interfaces whose rows are weeks or months: each row aggregates the daily bars of its period.
PERIOD_INTERFACES: Final = {"weekly": "week", "monthly": "month", "index_weekly": "week", "index_monthly": "month"}
#: How many securities a query that names none covers.
UNIVERSE: Final = 10

# The trading minutes of a day, as bar end times: 09:31-11:30 and 13:01-15:00.
_MINUTES: Final = tuple(
    f"{minute // 60:02d}:{minute % 60:02d}"
    for minute in [*range(9 * 60 + 31, 11 * 60 + 31), *range(13 * 60 + 1, 15 * 60 + 1)]
)
#: The axis columns, most telling first.
_AXES: Final = ("trade_date", "cal_date", "end_date", "date", "trade_time")
#: Parameters that bound a range (start_date, end_month, ...) rather than name a value.
_RANGE_BOUNDS: Final = ("start_", "end_")
_BAR_COLUMNS: Final = frozenset(
    {"open", "high", "low", "close", "pre_close", "change", "pct_chg", "vol", "amount", "adj_factor"}
)


def stock_code(index: int) -> str:
    return f"{600000 + index:06d}.SH" if index % 2 else f"{index:06d}.SZ"


class Dataset:
    """The rows of one query. ``natural_total`` is how many rows the query selects; asking for rows past it
    continues the series further back in time (the emulator's ``total_rows`` option does so)."""

    def __init__(self, spec: InterfaceSpec, params: Mapping[str, Any], seed: int) -> None:
        self.spec = spec
        self.seed = seed
        self.params = params
        names = spec.field_names
        self.axis = _axis_column(names, spec.keys)
        self.axis_kind = _axis_kind(self.axis, spec)
        given = _codes(params.get("ts_code"))
        self.code_axis = "ts_code" in names
        self.codes = given or [stock_code(k) for k in range(UNIVERSE)]
        self.fixed_date = _date_param(params, "period" if self.axis_kind == "quarter" else "trade_date")
        end = _date_param(params, "end_date") or DEFAULT_END
        start = _date_param(params, "start_date")
        if self.axis_kind == "minute":
            start = start or end  # minute bars: one trading day unless a range is given
        elif start is None and self.axis is not None and (given or not self.code_axis or self.axis_kind == "calendar"):
            start = DEFAULT_START
        self.end = self.fixed_date or end
        self.start = self.fixed_date or start or self.end
        self._dates: list[dt.date] = []
        self._cursor = _parse(self.end) + dt.timedelta(days=1)
        self.natural_total = self._count()
        # A parameter naming one value is echoed into its column; a list or a range bound selects many values.
        self._echo = {
            k: v for k, v in params.items() if isinstance(v, str) and "," not in v and not k.startswith(_RANGE_BOUNDS)
        }
        self._types = {f.name: f.python_type for f in spec.fields}
        self._day_texts: dict[dt.date, str] = {}

    # --- shape -------------------------------------------------------------------------------------------------

    def _width(self) -> int:
        return len(self.codes) if self.code_axis else 1

    def _count(self) -> int:
        if self.axis is None:
            return len(self.codes) if self.code_axis else 1
        if self.fixed_date is not None:
            return self._width() if self._on_axis(_parse(self.fixed_date)) else 0
        first = _parse(self.start)
        days = 0
        while (day := self._date(days)) is not None and day >= first:
            days += 1
        return days * self._width() * self._per_day()

    def _per_day(self) -> int:
        return len(_MINUTES) if self.axis_kind == "minute" else 1

    def _date(self, index: int) -> dt.date | None:
        """The ``index``-th date of the axis, newest first (None when the axis is a single date not in it)."""
        while len(self._dates) <= index:
            if self._cursor.toordinal() <= 1:  # 0001-01-01: nothing further back (half a million trading days)
                return None
            day = self._cursor - dt.timedelta(days=1)
            self._cursor = day
            if self._on_axis(day):
                self._dates.append(day)
        return self._dates[index]

    def _on_axis(self, day: dt.date) -> bool:
        if self.axis_kind == "quarter":
            return (day.month, day.day) in ((3, 31), (6, 30), (9, 30), (12, 31))
        if self.axis_kind in PERIODS:
            return is_period_end(day, self.axis_kind)
        if self.axis_kind == "calendar":
            wanted = self.params.get("is_open")
            return wanted in (None, "") or str(wanted) == ("1" if is_trading_day(day) else "0")
        return is_trading_day(day)

    def _position(self, i: int) -> tuple[dt.date | None, str]:
        # One date (or none): the rows are securities, past the given ones into the universe. Else dates × codes.
        if self.axis is None or self.fixed_date is not None:
            day = _parse(self.fixed_date) if self.fixed_date is not None else None
            return day, self.codes[i] if i < len(self.codes) else stock_code(i)
        width = self._width()
        return self._date(i // width // self._per_day()), self.codes[i % width]

    def minute(self, i: int) -> str:
        """The time of day of row ``i`` on a minute axis, newest first: 15:00, 14:59, ... 09:31."""
        return _MINUTES[-1 - (i // self._width()) % len(_MINUTES)]

    # --- values ------------------------------------------------------------------------------------------------

    def rows(self, start: int, stop: int, names: Sequence[str]) -> list[list[Any]]:
        """Rows ``start`` to ``stop`` (exclusive), with the columns ``names``."""
        columns = [self._column(name) for name in names]
        minutes = self.axis_kind == "minute"
        out = []
        for i in range(start, stop):
            day, code = self._position(i)
            row = _Row(self, code, day, self.minute(i) if minutes else "")
            out.append([column(row) for column in columns])
        return out

    def _column(self, name: str) -> Callable[[_Row], Any]:
        """How column ``name`` is made from a row, decided once per call rather than once per value."""
        kind = self._types[name]
        if name == self.axis:
            return _Row.axis_text
        if name in _BAR_COLUMNS and kind in ("float", "int") and self.axis_kind in ("trading", "minute", *PERIODS):
            return (lambda row: round(row.bar()[name])) if kind == "int" else (lambda row: row.bar()[name])
        if self.axis_kind == "quarter" and kind == "float":
            return lambda row: row.statement(name)
        maker = _VALUE_MAKERS.get(name) or (BASIC_MAKERS.get(name) if kind == "float" else None) or _generic
        return lambda row: maker(row, name, kind)

    def day_text(self, day: dt.date) -> str:
        text = self._day_texts.get(day)
        if text is None:
            text = self._day_texts[day] = _text(day)
        return text


class _Row:
    """The values of one (security, date): computed lazily and shared between the columns that depend on them."""

    def __init__(self, data: Dataset, code: str, day: dt.date | None, minute: str = "") -> None:
        self.data = data
        self.code = code
        self.day = day
        self.minute = minute
        self.ordinal = day.toordinal() if day is not None else 0
        self._bar: dict[str, float] | None = None
        self._statement: dict[str, float] | None = None
        self._key: int | None = None

    def axis_text(self) -> str:
        if self.day is None:
            return ""
        return f"{self.day:%Y-%m-%d} {self.minute}:00" if self.minute else self.data.day_text(self.day)

    def noise(self, salt: str) -> float:
        """A uniform [0, 1) draw fixed by seed, security, date (and minute) and ``salt``."""
        if self._key is None:
            day = (self.ordinal * GOLDEN + _salt(self.minute)) & MASK64
            self._key = mix(stable_hash(f"{self.data.seed}|{self.code}") ^ day)
        return unit_float(mix(self._key ^ _salt(salt)))

    def bar(self) -> dict[str, float]:
        if self._bar is None:
            day = self.day or _parse(DEFAULT_END)
            kind = self.data.axis_kind
            if kind in PERIODS:  # a week's or month's bar: its trading days' bars, up to this (its last) day
                days = [_Row(self.data, self.code, d).day_bar(d) for d in period_days(day, kind)]
                self._bar = period_bar(days)
            else:
                day_bar = self.day_bar(day)
                self._bar = minute_bar(day_bar, self.noise) if self.minute else day_bar
        return self._bar

    def day_bar(self, day: dt.date) -> dict[str, float]:
        return bar(self.data.seed, self.code, day, self.noise)

    def statement(self, name: str) -> float:
        if self._statement is None:
            self._statement = statement(self.noise)
        if name in self._statement:
            return self._statement[name]
        # Any other item: a plausible share of revenue, positive.
        return round(self._statement["total_revenue"] * 0.2 * self.noise(name), 2)


# --- columns other than the axis, bars and statements ------------------------------------------------------------


def _generic(row: _Row, name: str, kind: str) -> Any:
    if name in row.data._echo and kind == "str":
        return str(row.data._echo[name])
    draw = row.noise(name)
    if kind == "int":
        return int(draw * 1_000_000)
    if kind == "float":
        return generic_float(name, draw)
    if kind == "bool":
        return draw < 0.5
    if kind == "datetime":
        return _datetime(row, name)
    if kind == "date" or name.endswith("_date") or name == "date":
        return _text(row.day or _parse(DEFAULT_END))
    return f"{name}_{int(draw * 10_000):04d}"


def _datetime(row: _Row, name: str) -> str:
    day = row.day or _parse(row.data.end)
    return dt.datetime(day.year, day.month, day.day, 15).strftime("%Y-%m-%d %H:%M:%S")


def _announced(row: _Row, name: str, kind: str) -> str:
    # Reports are published after the period they cover.
    day = row.day or _parse(DEFAULT_END)
    return _text(day + dt.timedelta(days=20 + int(row.noise("ann") * 90)))


def _pretrade(row: _Row, name: str, kind: str) -> str:
    return _text(previous_trading_day(row.day or _parse(DEFAULT_END)))


def _is_open(row: _Row, name: str, kind: str) -> str | int:
    # trade_cal documents is_open as text; hk_tradecal and us_tradecal as an integer.
    is_open = row.day is not None and is_trading_day(row.day)
    if kind == "int":
        return int(is_open)
    return "1" if is_open else "0"


def _exchange(row: _Row, name: str, kind: str) -> str:
    echoed = row.data._echo.get(name)
    if echoed:
        return str(echoed)
    return "SSE" if row.code.endswith(".SH") else "SZSE"


def _listed(code: str) -> str:
    return _text(dt.date(1991, 1, 1) + dt.timedelta(days=stable_hash(code) % 9000))


_VALUE_MAKERS: Final[dict[str, Callable[[_Row, str, str], Any]]] = {
    "ts_code": lambda row, name, kind: row.code,
    "symbol": lambda row, name, kind: row.code.split(".")[0],
    "name": lambda row, name, kind: f"样本{row.code.split('.')[0][-3:]}",
    "ann_date": _announced,
    "f_ann_date": _announced,
    "pretrade_date": _pretrade,
    "is_open": _is_open,
    "exchange": _exchange,
    "list_date": lambda row, name, kind: _listed(row.code),
    "list_status": lambda row, name, kind: "L",
}


# --- helpers ---------------------------------------------------------------------------------------------------


def _axis_column(names: Sequence[str], keys: Sequence[str]) -> str | None:
    # A keyed interface whose keys hold no date (sge_basic: ts_code; fund_company: name) is a reference list: a
    # column such as its trading hours or deregistration date is then a value, not an axis to repeat the keys on.
    if keys and not any(key in _AXES or key.endswith("_date") for key in keys):
        return None
    for candidate in _AXES:
        if candidate in names:
            return candidate
    return None


def _axis_kind(axis: str | None, spec: InterfaceSpec) -> str:
    if axis == "cal_date":
        return "calendar"
    if axis == "trade_time":
        return "minute"
    if axis == "end_date" and any(param.name == "period" for param in spec.params):
        return "quarter"
    if axis == "trade_date" and spec.api_name in PERIOD_INTERFACES:
        return PERIOD_INTERFACES[spec.api_name]
    return "trading"


def _codes(value: Any) -> list[str]:
    if not isinstance(value, str):
        return []
    return list(dict.fromkeys(code.strip() for code in value.split(",") if code.strip()))


def _date_param(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    # YYYYMMDD, YYYY-MM-DD, or the date of a 'YYYY-MM-DD HH:MM:SS' (minute interfaces take date-times).
    text = str(value)[:10].replace("-", "") if isinstance(value, str | int) else ""
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        _parse(text)
    except ValueError:
        return None
    return text


def _parse(text: str) -> dt.date:
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _text(day: dt.date | None) -> str:
    return day.strftime("%Y%m%d") if day is not None else ""


@functools.lru_cache(maxsize=1024)
def _salt(text: str) -> int:
    return stable_hash(text)

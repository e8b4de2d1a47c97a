"""`pro_bar`: the SDK's composite bar query, typed.

The tushare SDK's `pro_bar` is not an HTTP interface: it picks one (daily, weekly, stk_mins, index_daily,
fut_daily, ...) by asset and frequency, then adjusts prices with `adj_factor`, merges `daily_basic` factors and adds
moving averages. The generated clients fetch the pieces through their typed methods (so paging, rate limiting and
retries apply) and hand them to :func:`compose_bars`; the dispatch table itself is generated from the SDK source.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple, get_args

from pydantic import Field

from ..errors import ParameterError
from ..response import Response
from .labels import Labels
from .probar_compose import FACTOR_COLUMNS

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow

__all__ = [
    "Adjust",
    "Asset",
    "Factor",
    "ProBarPlan",
    "ProBarResponse",
    "ProBarRow",
    "QfqAnchor",
    "compose_bars",
    "plan_pro_bar",
]

Asset = Literal["E", "I", "FT", "O", "CB", "FD"]
Adjust = Literal["qfq", "hfq"]
Factor = Literal["tor", "vr"]
#: Where forward adjustment (qfq) is anchored: the window's newest factor (the SDK's way: qfq prices then change
#: with `end_date`), or the latest factor there is (prices stay the same whatever `end_date` is).
QfqAnchor = Literal["window", "latest"]


class ProBarRow(NamedTuple):
    """One bar; `trade_time` is set for minute bars, `adj_factor` when asked for, factors when requested."""

    ts_code: str | None
    trade_date: str | None
    trade_time: str | None
    open: float | None
    high: float | None
    low: float | None
    close: float | None
    pre_close: float | None
    change: float | None
    pct_chg: float | None
    vol: float | None
    amount: float | None
    adj_factor: float | None
    turnover_rate: float | None
    volume_ratio: float | None


class ProBarResponse(Response[ProBarRow]):
    """Bars of one `pro_bar` call. Columns the row type lacks (moving averages `ma5`, `ma_v_5`, ..., and the bar
    interface's own, e.g. fut_daily's `settle`) are in `extra_columns`; `column_order` is the SDK's order of them
    all, which the conversions follow, with stable dtypes also when a column is empty or null in every row."""

    wire_names: ClassVar[tuple[str, ...]] = ProBarRow._fields
    #: Labels come from the stock bars' interface; the moving averages keep their names.
    interface_name: ClassVar[str] = "daily"

    column_order: list[str] = Field(default_factory=list)
    #: The Python type of each extra column (None: unknown), so an empty or all-null column keeps its dtype.
    extra_types: dict[str, Any] = Field(default_factory=dict)

    def _column_names(self) -> list[str]:
        return list(self.columns())

    def columns(self, labels: Labels = None) -> dict[str, list[Any]]:
        merged = super().columns()
        ordered = {name: merged[name] for name in [*self.column_order, *merged] if name in merged}
        if not labels:
            return ordered
        names = self._labelled(labels)
        return {names[name]: values for name, values in ordered.items()}

    def _row_values(self, positions: range) -> list[list[Any]]:
        columns = list(self.columns().values())
        return [[column[i] for column in columns] for i in positions]

    def _column_types(self) -> dict[str, type[Any] | None]:
        # ProBarRow's annotations are strings here (postponed evaluation): its columns are text or numbers.
        return {name: str if name in _TEXT_COLUMNS else float for name, _ in self._returned()}

    def _types(self) -> dict[str, type[Any] | None]:
        known = self._column_types()
        return {name: known[name] if name in known else self.extra_types.get(name) for name in self.columns()}

    def to_pandas(self, labels: Labels = None) -> pandas.DataFrame:
        import pandas as pd

        dtypes: dict[Any, str] = {float: "float64", int: "Int64", bool: "boolean"}
        columns = self.columns()
        frame = pd.DataFrame(
            # Text columns get pandas' own inference (its string dtype where it has one), as the SDK's frames do.
            {name: pd.Series(columns[name], dtype=dtypes.get(kind)) for name, kind in self._types().items()}
        )
        return frame.rename(columns=self._labelled(labels)) if labels else frame

    def to_polars(self, labels: Labels = None) -> polars.DataFrame:
        import polars as pl

        kinds: dict[Any, Any] = {float: pl.Float64, int: pl.Int64, bool: pl.Boolean, str: pl.String}
        schema = {name: kinds.get(kind) for name, kind in self._types().items()}
        frame = pl.DataFrame(self.columns(), schema=schema)
        return frame.rename(self._labelled(labels)) if labels else frame

    def to_arrow(self, labels: Labels = None) -> pyarrow.Table:
        import pyarrow as pa

        kinds: dict[Any, Any] = {float: pa.float64(), int: pa.int64(), bool: pa.bool_(), str: pa.string()}
        types_ = self._types()
        table = pa.table(
            {name: pa.array(values, type=kinds.get(types_[name])) for name, values in self.columns().items()}
        )
        return table.rename_columns([self._labelled(labels)[n] for n in table.column_names]) if labels else table


_ROW_FIELDS = frozenset(ProBarRow._fields)
_TEXT_COLUMNS = frozenset({"ts_code", "trade_date", "trade_time"})


def frequency_kind(freq: str) -> str:
    """`D`/`W`/`M` as given; any minute frequency (`1min`, `5MIN`) is `min`, as the SDK dispatches."""
    return "min" if "min" in freq.lower() else freq.upper()


def choose_interface(table: Mapping[tuple[str, str], str], asset: str, freq: str) -> str:
    """The HTTP interface serving `asset` bars at `freq`, per the SDK's dispatch table."""
    api_name = table.get((asset, frequency_kind(freq)))
    if api_name is None:
        supported = ", ".join(f"asset={a!r} freq={f!r}" for a, f in sorted(table))
        raise ParameterError(
            f"pro_bar has no interface for asset={asset!r} freq={freq!r}",
            remediation=f"use one of: {supported} (minute bars: freq like '5min')",
            api_name="pro_bar",
        )
    return api_name


def compose_bars(
    bars: Response[Any],
    *,
    adj: Adjust | None = None,
    adj_factors: Response[Any] | None = None,
    keep_adj_factor: bool = False,
    basics: Response[Any] | None = None,
    factors: Sequence[Factor] = (),
    ma: Sequence[int] = (),
    stock: bool = True,
    minutes: bool = False,
) -> ProBarResponse:
    """One `pro_bar` result from the fetched pieces, every join on (code, date): adjusted prices, merged factors,
    moving averages, in the SDK's column order (see :mod:`.probar_compose`). The qfq anchor is each code's newest
    factor in `adj_factors`: fetched up to today for `qfq_anchor="latest"`, over the window otherwise."""
    from . import probar_compose as compose

    records = bars.to_dicts()
    groups = compose.by_code(records)
    if adj_factors is not None:
        compose.bar_factors(records, groups, compose.keyed(adj_factors, "adj_factor"))
    if stock and minutes and adj is None:
        for record in records:
            record["trade_date"] = compose.bar_date(record)
        compose.previous_closes(records, groups)
        for record in records:
            compose.change_from_pre_close(record)
    if adj is not None:
        anchors = compose.anchors(adj_factors)
        for record in records:
            compose.adjust(record, adj == "hfq", anchors.get(compose.code_of(record)), minutes)
    for wanted in factors:
        column = compose.FACTOR_COLUMNS[wanted]
        values = compose.keyed(basics, column)
        for record in records:
            record[column] = values.get((compose.code_of(record), compose.bar_date(record)))
    order = compose.column_order(
        bars.fields or list(type(bars).wire_names),
        stock=stock,
        minutes=minutes,
        adj=adj is not None,
        factors=factors,
        keep_adj_factor=keep_adj_factor and adj_factors is not None,
    )
    averages = compose.moving_averages(records, groups, ma)
    known = [name for name in order if name in _ROW_FIELDS]
    extras = {name: [record.get(name) for record in records] for name in order if name not in _ROW_FIELDS}
    kinds = bars._column_types()
    return ProBarResponse.model_construct(
        rows=[
            ProBarRow(*(record.get(name) if name in known else None for name in ProBarRow._fields))
            for record in records
        ],
        fields=known,
        completed=bars.completed,
        next_offset=bars.next_offset,
        request_id=bars.request_id,
        pages=bars.pages,
        extra_columns={**extras, **averages},
        column_order=[*order, *averages],
        extra_types={**{name: kinds.get(name) for name in extras}, **dict.fromkeys(averages, float)},
        duplicates_dropped=0,
    )


@dataclass(frozen=True)
class ProBarPlan:
    """The interface calls one `pro_bar` needs, in order: bars, then adj_factor and daily_basic when asked for."""

    requests: list[tuple[str, dict[str, Any]]]
    adj: Adjust | None
    keep_adj_factor: bool
    factors: Sequence[Factor]
    ma: Sequence[int]
    _roles: list[str] = field(default_factory=list)
    stock: bool = True
    minutes: bool = False

    def compose(self, responses: Sequence[Response[Any]]) -> ProBarResponse:
        """The result from the responses to :attr:`requests`, in the same order."""
        by_role = dict(zip(self._roles, responses, strict=True))
        return compose_bars(
            by_role["bars"],
            adj=self.adj,
            adj_factors=by_role.get("adj_factor"),
            keep_adj_factor=self.keep_adj_factor,
            basics=by_role.get("daily_basic"),
            factors=self.factors,
            ma=self.ma,
            stock=self.stock,
            minutes=self.minutes,
        )


def _check_choices(adj: object, factors: Sequence[object], ma: Sequence[object]) -> None:
    """Reject what the SDK would silently ignore: `ma=["ma5"]` (it only averages int windows), unknown factors or
    adjustments (it neither fetches nor adjusts for them)."""
    if adj is not None and adj not in get_args(Adjust):
        raise ParameterError(
            f"adj={adj!r} is not an adjustment", remediation="use 'qfq', 'hfq' or None", api_name="pro_bar"
        )
    unknown = [factor for factor in factors if factor not in FACTOR_COLUMNS]
    if unknown:
        raise ParameterError(
            f"unknown factors {unknown!r}",
            remediation="use 'tor' (turnover_rate) and/or 'vr' (volume_ratio)",
            api_name="pro_bar",
        )
    if isinstance(ma, str | bytes):
        raise ParameterError(
            f"ma={ma!r} is one string", remediation="pass window sizes, e.g. ma=[5, 20]", api_name="pro_bar"
        )
    not_int = [window for window in ma if type(window) is not int]
    if not_int:
        raise ParameterError(
            f"ma takes integer window sizes, got {not_int!r} (the SDK silently ignores them)",
            remediation="pass e.g. ma=[5, 20]",
            api_name="pro_bar",
        )


def _day(value: object) -> object:
    if isinstance(value, str) and len(value.strip()) > 10:
        return value.strip()[:10].replace("-", "")
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def plan_pro_bar(
    table: Mapping[tuple[str, str], str],
    *,
    ts_code: str,
    start_date: object,
    end_date: object,
    freq: str,
    asset: str,
    adj: Adjust | None,
    adjfactor: bool,
    factors: Sequence[Factor],
    ma: Sequence[int],
    exchange: str | None,
    max_rows: int | None,
    qfq_anchor: QfqAnchor = "window",
) -> ProBarPlan:
    """Which typed methods to call for one `pro_bar`, with what; validated before anything is sent. Codes are
    stripped and upper-cased, as the SDK does."""
    _check_choices(adj, factors, ma)
    ts_code = ts_code.strip().upper() if isinstance(ts_code, str) else ts_code
    if adj is not None and asset != "E":
        raise ParameterError(
            f"adj={adj!r} applies to stocks only, not asset={asset!r}",
            remediation="drop adj, or use asset='E'",
            api_name="pro_bar",
        )
    if adj is not None and not ts_code:
        raise ParameterError(
            "adjusted bars need ts_code (the SDK prints a message and returns None)",
            remediation="pass one or more codes, e.g. ts_code='000001.SZ'",
            api_name="pro_bar",
        )
    minutes = frequency_kind(freq) == "min"
    if factors and (asset != "E" or frequency_kind(freq) != "D"):
        raise ParameterError(
            f"factors apply to daily stock bars only, not asset={asset!r} freq={freq!r} (the SDK ignores them)",
            remediation="drop factors, or use asset='E', freq='D'",
            api_name="pro_bar",
        )
    api_name = choose_interface(table, asset, freq)
    bars: dict[str, Any] = {"ts_code": ts_code, "start_date": start_date, "end_date": end_date, "max_rows": max_rows}
    # The factor interfaces take days: a minute window's date-times are cut to their dates.
    span = {"ts_code": ts_code, "start_date": _day(start_date), "end_date": _day(end_date)}
    if minutes:
        bars["freq"] = freq.lower()
    if exchange is not None:
        bars["exchange"] = exchange
    requests = [(api_name, bars)]
    roles = ["bars"]
    if qfq_anchor not in ("window", "latest"):
        raise ParameterError(f"qfq_anchor must be 'window' or 'latest', got {qfq_anchor!r}", api_name="pro_bar")
    if adj is not None or adjfactor:
        # Anchored at the latest factor, the factors run to today (no end_date) whatever window the bars cover.
        latest = adj == "qfq" and qfq_anchor == "latest"
        requests.append(("adj_factor", {**span, "end_date": None} if latest else dict(span)))
        roles.append("adj_factor")
    if factors:
        basic_fields = ["ts_code", "trade_date", *(FACTOR_COLUMNS[name] for name in factors)]
        requests.append(("daily_basic", {**span, "fields": basic_fields}))
        roles.append("daily_basic")
    return ProBarPlan(requests, adj, adjfactor, tuple(factors), tuple(ma), roles, asset == "E", minutes)

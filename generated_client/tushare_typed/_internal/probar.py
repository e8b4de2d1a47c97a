"""`pro_bar`: the SDK's composite bar query, typed.

The tushare SDK's `pro_bar` is not an HTTP interface: it picks one (daily, weekly, stk_mins, index_daily,
fut_daily, ...) by asset and frequency, then adjusts prices with `adj_factor`, merges `daily_basic` factors and adds
moving averages. The generated clients fetch the pieces through their typed methods (so paging, rate limiting and
retries apply) and hand them to :func:`compose_bars`; the dispatch table itself is generated from the SDK source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, NamedTuple, get_args

from ..errors import ParameterError
from ..response import Response

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

_PRICES = ("open", "high", "low", "close", "pre_close")
_FACTOR_COLUMNS: dict[str, str] = {"tor": "turnover_rate", "vr": "volume_ratio"}


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
    """Bars of one `pro_bar` call; moving averages (`ma5`, `ma_v_5`, ...) are in `extra_columns`."""

    wire_names: ClassVar[tuple[str, ...]] = ProBarRow._fields


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


def _adjusted(record: dict[str, Any], factor: float | None, adj: Adjust | None, latest: float | None) -> None:
    if adj is None or factor is None:
        return
    scale = factor if adj == "hfq" else factor / latest if latest else None
    if scale is None:
        return
    for column in _PRICES:
        if record.get(column) is not None:
            record[column] = round(record[column] * scale, 2)
    if record.get("close") is not None and record.get("pre_close"):
        record["change"] = round(record["close"] - record["pre_close"], 2)
        record["pct_chg"] = round(record["change"] / record["pre_close"] * 100, 2)


def _factors_by_date(adj_factors: Response[Any] | None) -> dict[str, float]:
    if adj_factors is None:
        return {}
    return {row["trade_date"]: row["adj_factor"] for row in adj_factors.to_dicts() if row.get("adj_factor") is not None}


def _fill_factors(dates: list[str | None], known: dict[str, float]) -> list[float | None]:
    """The factor of each bar's date; a date without one takes the next older known factor (bars are newest-first),
    else the next newer one, as the SDK's back-fill does."""
    factors: list[float | None] = [known.get(date or "") for date in dates]
    older: float | None = None
    for position in range(len(factors) - 1, -1, -1):
        older = factors[position] if factors[position] is not None else older
        factors[position] = older
    newer: float | None = None
    for position, factor in enumerate(factors):
        newer = factor if factor is not None else newer
        factors[position] = newer
    return factors


def _moving_averages(records: list[dict[str, Any]], windows: Sequence[int]) -> dict[str, list[float | None]]:
    """`ma<N>` of close and `ma_v_<N>` of vol over each bar and the N-1 older ones (bars are newest-first)."""
    columns: dict[str, list[float | None]] = {}
    for window in windows:
        if window < 1:
            raise ParameterError(f"moving-average window must be >= 1, got {window}", api_name="pro_bar")
        for source, name in (("close", f"ma{window}"), ("vol", f"ma_v_{window}")):
            values = [record.get(source) for record in records]
            averages: list[float | None] = []
            for start in range(len(values)):
                span = values[start : start + window]
                full = len(span) == window and all(value is not None for value in span)
                averages.append(round(sum(span) / window, 2) if full else None)  # type: ignore[arg-type]
            columns[name] = averages
    return columns


def compose_bars(
    bars: Response[Any],
    *,
    adj: Adjust | None = None,
    adj_factors: Response[Any] | None = None,
    keep_adj_factor: bool = False,
    basics: Response[Any] | None = None,
    factors: Sequence[Factor] = (),
    ma: Sequence[int] = (),
    qfq_anchor: QfqAnchor = "window",
) -> ProBarResponse:
    """One `pro_bar` result from the fetched pieces: adjusted prices, merged factors, moving averages."""
    records = bars.to_dicts()
    dates = [record.get("trade_date") or (record.get("trade_time") or "").replace("-", "")[:8] for record in records]
    known = _factors_by_date(adj_factors)
    bar_factors = _fill_factors(dates, known) if known else [None] * len(records)
    latest = bar_factors[0] if bar_factors else None
    if qfq_anchor == "latest" and known:
        latest = known[max(known)]
    basic_by_date = {row["trade_date"]: row for row in basics.to_dicts()} if basics is not None else {}
    rows = []
    for record, date, factor in zip(records, dates, bar_factors, strict=True):
        _adjusted(record, factor, adj, latest)
        record["trade_date"] = date or None
        record["adj_factor"] = factor if keep_adj_factor else None
        for wanted in factors:
            record[_FACTOR_COLUMNS[wanted]] = basic_by_date.get(date or "", {}).get(_FACTOR_COLUMNS[wanted])
        rows.append(ProBarRow(*(record.get(name) for name in ProBarRow._fields)))
    returned = [name for name in ProBarRow._fields if any(getattr(row, name) is not None for row in rows)]
    return ProBarResponse.model_construct(
        rows=rows,
        fields=returned,
        completed=bars.completed,
        next_offset=bars.next_offset,
        request_id=bars.request_id,
        pages=bars.pages,
        extra_columns=_moving_averages(records, ma),
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
    qfq_anchor: QfqAnchor = "window"

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
            qfq_anchor=self.qfq_anchor,
        )


def _check_choices(adj: object, factors: Sequence[object], ma: Sequence[object]) -> None:
    """Reject what the SDK would silently ignore: `ma=["ma5"]` (it only averages int windows), unknown factors or
    adjustments (it neither fetches nor adjusts for them)."""
    if adj is not None and adj not in get_args(Adjust):
        raise ParameterError(
            f"adj={adj!r} is not an adjustment", remediation="use 'qfq', 'hfq' or None", api_name="pro_bar"
        )
    unknown = [factor for factor in factors if factor not in _FACTOR_COLUMNS]
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
    """Which typed methods to call for one `pro_bar`, with what; validated before anything is sent."""
    _check_choices(adj, factors, ma)
    if adj is not None and asset != "E":
        raise ParameterError(
            f"adj={adj!r} applies to stocks only, not asset={asset!r}",
            remediation="drop adj, or use asset='E'",
            api_name="pro_bar",
        )
    api_name = choose_interface(table, asset, freq)
    span = {"ts_code": ts_code, "start_date": start_date, "end_date": end_date}
    bars: dict[str, Any] = {**span, "max_rows": max_rows}
    if frequency_kind(freq) == "min":
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
        basic_fields = ["trade_date", *(_FACTOR_COLUMNS[name] for name in factors)]
        requests.append(("daily_basic", {**span, "fields": basic_fields}))
        roles.append("daily_basic")
    return ProBarPlan(requests, adj, adjfactor, tuple(factors), tuple(ma), roles, qfq_anchor)

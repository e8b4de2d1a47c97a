"""`pro_bar`'s composition: bars, adjustment factors and daily_basic factors joined on (code, date).

The SDK joins the pieces on the date alone, so asked for several codes it adjusts one stock's prices with another's
factors; here every join, back-fill, anchor and moving average runs within one code. What the SDK does, per code:

- stock bars (asset E) with `adj`: each price times its date's factor (a date without one takes the next older
  bar's, none when no older bar has one), divided for qfq by the code's newest factor in the factor response, then
  rounded to cents; `change` is `close - pre_close`, `pct_chg` is rounded to 2 decimals; minute bars drop
  `trade_date` and `pre_close`;
- stock minute bars without `adj` gain `trade_date` and `pre_close` (the code's previous bar's close), `change`
  and `pct_chg`;
- daily stock bars with factors: `trade_date` moves to the front and `turnover_rate` / `volume_ratio` follow the
  bar columns;
- `ma<N>` / `ma_v_<N>`: the mean of close / vol over the bar and the N-1 older bars of its code, in cents.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ParameterError

if TYPE_CHECKING:
    from ..response import Response

PRICES = ("open", "close", "high", "low", "pre_close")
FACTOR_COLUMNS: dict[str, str] = {"tor": "turnover_rate", "vr": "volume_ratio"}
_Key = tuple[str, str]


def bar_date(record: Mapping[str, Any]) -> str:
    """A bar's trading day as YYYYMMDD (minute bars: the date of `trade_time`)."""
    return str(record.get("trade_date") or (record.get("trade_time") or "").replace("-", "")[:8])


def code_of(record: Mapping[str, Any]) -> str:
    return str(record.get("ts_code") or "")


def by_code(records: Sequence[Mapping[str, Any]]) -> dict[str, list[int]]:
    """Positions of each code's records, in the order given (bars come newest first)."""
    groups: dict[str, list[int]] = {}
    for position, record in enumerate(records):
        groups.setdefault(code_of(record), []).append(position)
    return groups


def keyed(response: Response[Any] | None, column: str) -> dict[_Key, Any]:
    """`column` of each (code, date) row of a factor response."""
    if response is None:
        return {}
    return {
        (code_of(row), str(row.get("trade_date") or "")): row.get(column)
        for row in response.to_dicts()
        if row.get(column) is not None
    }


def bar_factors(records: list[dict[str, Any]], groups: Mapping[str, list[int]], known: Mapping[_Key, float]) -> None:
    """Set each bar's `adj_factor`: its (code, date) factor, else the next older bar's of the same code."""
    for code, positions in groups.items():
        older: float | None = None
        for position in reversed(positions):
            factor = known.get((code, bar_date(records[position])))
            older = factor if factor is not None else older
            records[position]["adj_factor"] = older


def anchors(adj_factors: Response[Any] | None) -> dict[str, float]:
    """Each code's qfq anchor: its newest factor in the factor response."""
    newest: dict[str, tuple[str, float]] = {}
    for (code, date), factor in keyed(adj_factors, "adj_factor").items():
        if code not in newest or date > newest[code][0]:
            newest[code] = (date, factor)
    return {code: factor for code, (_, factor) in newest.items()}


def adjust(record: dict[str, Any], hfq: bool, anchor: float | None, minutes: bool) -> None:
    """Prices times the bar's factor (qfq: over the anchor), in cents; None where a factor is missing."""
    factor = record.get("adj_factor")
    for column in PRICES:
        price = record.get(column)
        if price is None or factor is None or (not hfq and not anchor):
            record[column] = None
        else:
            record[column] = round(price * factor if hfq else price * factor / anchor, 2)
    if not minutes:
        change_from_pre_close(record)


def change_from_pre_close(record: dict[str, Any]) -> None:
    close, pre_close = record.get("close"), record.get("pre_close")
    record["change"] = close - pre_close if close is not None and pre_close is not None else None
    record["pct_chg"] = (
        round(record["change"] / pre_close * 100, 2) if record["change"] is not None and pre_close else None
    )


def previous_closes(records: list[dict[str, Any]], groups: Mapping[str, list[int]]) -> None:
    """Minute bars: `pre_close` is the code's previous (older) bar's close."""
    for positions in groups.values():
        for newer, older in zip(positions, [*positions[1:], None], strict=True):
            records[newer]["pre_close"] = records[older].get("close") if older is not None else None


def moving_averages(
    records: Sequence[Mapping[str, Any]], groups: Mapping[str, list[int]], windows: Sequence[int]
) -> dict[str, list[float | None]]:
    """`ma<N>` of close and `ma_v_<N>` of vol over each bar and the N-1 older bars of its code, in cents."""
    columns: dict[str, list[float | None]] = {}
    for window in windows:
        if window < 1:
            raise ParameterError(f"moving-average window must be >= 1, got {window}", api_name="pro_bar")
        for source, name in (("close", f"ma{window}"), ("vol", f"ma_v_{window}")):
            averages: list[float | None] = [None] * len(records)
            for positions in groups.values():
                values = [records[position].get(source) for position in positions]
                for start, position in enumerate(positions):
                    span = values[start : start + window]
                    if len(span) == window and all(value is not None for value in span):
                        # The exact sum (the SDK's pandas rolling sum carries float error into a few cents).
                        averages[position] = round(math.fsum(span) / window, 2)  # type: ignore[arg-type]
            columns[name] = averages
    return columns


def column_order(
    fields: Sequence[str], *, stock: bool, minutes: bool, adj: bool, factors: Sequence[str], keep_adj_factor: bool
) -> list[str]:
    """The SDK's columns, in its order, for bars whose server columns are `fields` (moving averages excluded)."""
    order = list(fields)
    if stock and minutes:
        order = [name for name in order if name not in ("trade_date", "pre_close")] if adj else order
        if not adj:
            order += ["trade_date", "pre_close", "change", "pct_chg"]
    elif stock:
        if factors:
            order = ["trade_date", *(name for name in order if name != "trade_date")]
            order += [column for key, column in FACTOR_COLUMNS.items() if key in factors]
        if adj:
            order += ["change", "pct_chg"]
    if keep_adj_factor:
        order.append("adj_factor")
    return list(dict.fromkeys(order))

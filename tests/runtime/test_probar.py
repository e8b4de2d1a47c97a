"""pro_bar: dispatch, planning and composition (adjustment, factors, moving averages) on hand-made responses."""

from typing import Any

import pytest

from tushare_typed._internal.probar import compose_bars, plan_pro_bar
from tushare_typed.errors import ParameterError
from tushare_typed.models import AdjFactorResponse, DailyBasicResponse, DailyResponse

TABLE = {("E", "D"): "daily", ("E", "min"): "stk_mins", ("FT", "D"): "fut_daily"}


def _response(kind: Any, fields: list[str], items: list[list[Any]]) -> Any:
    row = kind.row_type()
    positions = [kind.wire_names.index(name) for name in fields]
    full = []
    for item in items:
        values: list[Any] = [None] * len(kind.wire_names)
        for position, value in zip(positions, item, strict=True):
            values[position] = value
        full.append(row._make(values))
    return kind.model_construct(rows=full, fields=fields, completed=True, pages=1, extra_columns={})


def _plan(**overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "ts_code": "000001.SZ",
        "start_date": "20240101",
        "end_date": "20240110",
        "freq": "D",
        "asset": "E",
        "adj": None,
        "adjfactor": False,
        "factors": (),
        "ma": (),
        "exchange": None,
        "max_rows": None,
    }
    return plan_pro_bar(TABLE, **{**arguments, **overrides})


def test_plan_picks_the_interface_and_the_extra_calls() -> None:
    plan = _plan(adj="qfq", factors=["tor"])
    assert [api for api, _ in plan.requests] == ["daily", "adj_factor", "daily_basic"]
    assert plan.requests[2][1]["fields"] == ["ts_code", "trade_date", "turnover_rate"]
    minutes = _plan(freq="5MIN")
    assert minutes.requests == [
        (
            "stk_mins",
            {
                "ts_code": "000001.SZ",
                "start_date": "20240101",
                "end_date": "20240110",
                "max_rows": None,
                "freq": "5min",
            },
        )
    ]


def test_unsupported_combinations_are_parameter_errors() -> None:
    with pytest.raises(ParameterError, match="asset='FT' freq='W'"):
        _plan(asset="FT", freq="W")
    with pytest.raises(ParameterError, match="stocks only"):
        _plan(asset="FT", adj="hfq")


def _bars() -> Any:
    fields = ["ts_code", "trade_date", "open", "high", "low", "close", "pre_close", "vol"]
    return _response(
        DailyResponse,
        fields,
        [
            ["000001.SZ", "20240103", 10.0, 11.0, 9.0, 10.0, 8.0, 300.0],
            ["000001.SZ", "20240102", 8.0, 9.0, 7.0, 8.0, 6.0, 200.0],
            ["000001.SZ", "20240101", 6.0, 7.0, 5.0, 6.0, 5.0, 100.0],
        ],
    )


def _factors() -> Any:
    # 20240102 has no factor: it takes the older one (back-fill), as the SDK does.
    return _response(
        AdjFactorResponse,
        ["ts_code", "trade_date", "adj_factor"],
        [["000001.SZ", "20240103", 2.0], ["000001.SZ", "20240101", 1.0]],
    )


def test_backward_adjustment_multiplies_by_the_factor() -> None:
    result = compose_bars(_bars(), adj="hfq", adj_factors=_factors(), keep_adj_factor=True)
    assert [row.close for row in result.rows] == [20.0, 8.0, 6.0]
    assert [row.adj_factor for row in result.rows] == [2.0, 1.0, 1.0]
    assert result.rows[0].change == 20.0 - 16.0
    assert result.rows[0].pct_chg == 25.0


def test_forward_adjustment_divides_by_the_latest_factor() -> None:
    result = compose_bars(_bars(), adj="qfq", adj_factors=_factors())
    assert [row.close for row in result.rows] == [10.0, 4.0, 3.0]
    assert all(row.adj_factor is None for row in result.rows), "the factor is dropped unless asked for"
    assert "adj_factor" not in result.fields


def test_factors_merge_by_date_and_moving_averages_are_extra_columns() -> None:
    basics = _response(
        DailyBasicResponse,
        ["ts_code", "trade_date", "turnover_rate"],
        [["000001.SZ", "20240103", 1.5], ["000001.SZ", "20240102", 1.2]],
    )
    result = compose_bars(_bars(), basics=basics, factors=["tor"], ma=[2])
    assert [row.turnover_rate for row in result.rows] == [1.5, 1.2, None]
    assert result.extra_columns == {"ma2": [9.0, 7.0, None], "ma_v_2": [250.0, 150.0, None]}
    assert result.to_dicts()[0]["ma2"] == 9.0
    # The SDK's order: trade_date first when factors are merged, the factor after the bar columns, then averages.
    assert list(result.columns())[:2] == ["trade_date", "ts_code"]
    assert list(result.columns())[-3:] == ["turnover_rate", "ma2", "ma_v_2"]


def test_bad_window_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match="window"):
        compose_bars(_bars(), ma=[0])


def _two_codes() -> Any:
    fields = ["ts_code", "trade_date", "open", "high", "low", "close", "pre_close", "vol"]
    return _response(
        DailyResponse,
        fields,
        [
            ["000001.SZ", "20240103", 10.0, 10.0, 10.0, 10.0, 10.0, 1.0],
            ["600000.SH", "20240103", 20.0, 20.0, 20.0, 20.0, 20.0, 3.0],
            ["000001.SZ", "20240102", 10.0, 10.0, 10.0, 10.0, 10.0, 5.0],
            ["600000.SH", "20240102", 20.0, 20.0, 20.0, 20.0, 20.0, 7.0],
        ],
    )


def test_several_codes_are_adjusted_and_averaged_each_with_its_own_factors() -> None:
    factors = _response(
        AdjFactorResponse,
        ["ts_code", "trade_date", "adj_factor"],
        [
            ["000001.SZ", "20240103", 2.0],
            ["600000.SH", "20240103", 3.0],
            ["000001.SZ", "20240102", 1.0],
            ["600000.SH", "20240102", 1.5],
        ],
    )
    result = compose_bars(_two_codes(), adj="hfq", adj_factors=factors, keep_adj_factor=True, ma=[2])
    assert [row.close for row in result.rows] == [20.0, 60.0, 10.0, 30.0]
    qfq = compose_bars(_two_codes(), adj="qfq", adj_factors=factors)
    assert [row.close for row in qfq.rows] == [10.0, 20.0, 5.0, 10.0], "each code anchored at its own newest factor"
    assert result.extra_columns["ma2"] == [15.0, 45.0, None, None]
    assert result.extra_columns["ma_v_2"] == [3.0, 5.0, None, None]


def test_bars_older_than_every_factor_have_no_adjusted_price() -> None:
    factors = _response(AdjFactorResponse, ["ts_code", "trade_date", "adj_factor"], [["000001.SZ", "20240102", 2.0]])
    result = compose_bars(_bars(), adj="qfq", adj_factors=factors)
    assert [row.close for row in result.rows] == [10.0, 8.0, None], "the SDK's back-fill never fills from newer"


def test_an_empty_window_keeps_the_columns_and_their_dtypes() -> None:
    fields = ["ts_code", "trade_date", "open", "close", "vol"]
    result = compose_bars(_response(DailyResponse, fields, []), ma=[5])
    frame = result.to_pandas()
    assert list(frame.columns) == [*fields, "ma5", "ma_v_5"]
    assert frame["close"].dtype == "float64" and frame["ma5"].dtype == "float64"
    assert frame["ts_code"].dtype == object, "an empty text column is object, as in the SDK"


def test_a_column_null_in_every_row_is_kept() -> None:
    fields = ["ts_code", "trade_date", "open", "close", "pre_close", "vol"]
    bars = _response(DailyResponse, fields, [["000001.SZ", "20240103", None, 1.0, None, None]])
    frame = compose_bars(bars).to_pandas()
    assert list(frame.columns) == fields
    assert frame["open"].isna().all() and frame["open"].dtype == "float64"


def test_codes_are_normalised_and_factors_need_daily_stock_bars() -> None:
    assert _plan(ts_code=" 000001.sz ").requests[0][1]["ts_code"] == "000001.SZ"
    with pytest.raises(ParameterError, match="daily stock bars"):
        _plan(freq="5min", factors=["tor"])
    with pytest.raises(ParameterError, match="need ts_code"):
        _plan(ts_code="", adj="qfq")

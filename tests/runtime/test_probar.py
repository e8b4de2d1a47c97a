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
    assert plan.requests[2][1]["fields"] == ["trade_date", "turnover_rate"]
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
    return _response(AdjFactorResponse, ["trade_date", "adj_factor"], [["20240103", 2.0], ["20240101", 1.0]])


def test_backward_adjustment_multiplies_by_the_factor() -> None:
    result = compose_bars(_bars(), adj="hfq", adj_factors=_factors(), keep_adj_factor=True)
    assert [row.close for row in result.rows] == [20.0, 8.0, 6.0]
    assert [row.adj_factor for row in result.rows] == [2.0, 1.0, 1.0]
    assert result.rows[0].change == 4.0
    assert result.rows[0].pct_chg == 25.0


def test_forward_adjustment_divides_by_the_latest_factor() -> None:
    result = compose_bars(_bars(), adj="qfq", adj_factors=_factors())
    assert [row.close for row in result.rows] == [10.0, 4.0, 3.0]
    assert all(row.adj_factor is None for row in result.rows), "the factor is dropped unless asked for"
    assert "adj_factor" not in result.fields


def test_factors_merge_by_date_and_moving_averages_are_extra_columns() -> None:
    basics = _response(DailyBasicResponse, ["trade_date", "turnover_rate"], [["20240103", 1.5], ["20240102", 1.2]])
    result = compose_bars(_bars(), basics=basics, factors=["tor"], ma=[2])
    assert [row.turnover_rate for row in result.rows] == [1.5, 1.2, None]
    assert result.extra_columns == {"ma2": [9.0, 7.0, None], "ma_v_2": [250.0, 150.0, None]}
    assert result.to_dicts()[0]["ma2"] == 9.0


def test_bad_window_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match="window"):
        compose_bars(_bars(), ma=[0])

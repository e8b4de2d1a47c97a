"""The emulator's data is realistic enough to test against: a trading calendar, parameters honoured, consistent
bars and statements, and the same values for the same (security, date) whatever the query."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tushare_typed.catalog import InterfaceSpec, load_catalog
from tushare_typed.store._plan import plan_slices
from tushare_typed.testing import TushareEmulator
from tushare_typed.testing._data import Dataset, is_trading_day


@pytest.fixture(scope="module")
def emulator() -> TushareEmulator:
    # Not started: rows() computes what the server would page through (one test starts it for real HTTP).
    return TushareEmulator()


def records(emulator: TushareEmulator, api_name: str, **params: Any) -> list[dict[str, Any]]:
    names, items = emulator.rows(api_name, params)
    return [dict(zip(names, item, strict=True)) for item in items]


def test_trade_cal_has_no_weekend_trading_and_agrees_with_daily(emulator: TushareEmulator) -> None:
    days = records(emulator, "trade_cal", exchange="SSE", start_date="20240101", end_date="20240131")
    assert len(days) == 31
    assert {day["is_open"] for day in days} == {"0", "1"}
    for day in days:
        date = dt.datetime.strptime(day["cal_date"], "%Y%m%d").date()
        assert day["is_open"] == ("1" if date.weekday() < 5 else "0")
        assert day["exchange"] == "SSE"
    open_days = {day["cal_date"] for day in days if day["is_open"] == "1"}
    bars = records(emulator, "daily", ts_code="000001.SZ", start_date="20240101", end_date="20240131")
    assert {bar["trade_date"] for bar in bars} == open_days
    only_open = records(emulator, "trade_cal", start_date="20240101", end_date="20240131", is_open="1")
    assert {day["cal_date"] for day in only_open} == open_days


def test_code_lists_and_date_ranges_select_rows(emulator: TushareEmulator) -> None:
    bars = records(emulator, "daily", ts_code="000001.SZ,600000.SH", start_date="20240102", end_date="20240105")
    assert len(bars) == 2 * 4
    assert [(bar["trade_date"], bar["ts_code"]) for bar in bars[:2]] == [
        ("20240105", "000001.SZ"),
        ("20240105", "600000.SH"),
    ]
    assert records(emulator, "daily", trade_date="20240106") == []  # a Saturday
    assert len(records(emulator, "daily", trade_date="20240105")) == 10  # the universe on one day
    year = records(emulator, "daily", ts_code="000001.SZ", start_date="20230101", end_date="20231231")
    assert len(year) == sum(is_trading_day(dt.date(2023, 1, 1) + dt.timedelta(days=n)) for n in range(365))


def test_fields_limit_and_offset_are_honoured(emulator: TushareEmulator) -> None:
    import httpx

    with emulator, httpx.Client() as http:
        params: dict[str, Any] = {"ts_code": "000001.SZ", "start_date": "20240101", "end_date": "20240331"}
        body: dict[str, Any] = {"api_name": "daily", "token": emulator.token, "fields": "trade_date,close"}
        first = http.post(emulator.url, json={**body, "params": {**params, "limit": 5}}).json()["data"]
        second = http.post(emulator.url, json={**body, "params": {**params, "limit": 5, "offset": 5}}).json()["data"]
    assert first["fields"] == ["trade_date", "close"] and len(first["items"]) == 5 and first["has_more"]
    whole = records(emulator, "daily", ts_code="000001.SZ", start_date="20240101", end_date="20240331")
    assert first["items"] + second["items"] == [[row["trade_date"], row["close"]] for row in whole[:10]]


@settings(max_examples=60, deadline=None)
@given(
    code=st.integers(min_value=0, max_value=999_999),
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2024, 12, 31)).filter(is_trading_day),
)
def test_bars_are_consistent(code: int, day: dt.date) -> None:
    spec = load_catalog().get("daily")
    ts_code = f"{code:06d}.SZ"
    data = Dataset(spec, {"ts_code": ts_code, "trade_date": day.strftime("%Y%m%d")}, seed=7)
    names = list(spec.field_names)
    (row,) = [dict(zip(names, values, strict=True)) for values in data.rows(0, 1, names)]
    assert row["low"] <= min(row["open"], row["close"]) <= max(row["open"], row["close"]) <= row["high"]
    assert row["low"] > 0 and 20_000 <= row["vol"] <= 1_520_000 and row["amount"] > 0
    assert row["change"] == pytest.approx(row["close"] - row["pre_close"], abs=0.011)
    assert row["pct_chg"] == pytest.approx(row["change"] / row["pre_close"] * 100, abs=1e-3)
    # The previous trading day's close is this day's pre_close, whatever the query.
    previous = Dataset(spec, {"ts_code": ts_code, "end_date": row["trade_date"]}, seed=7).rows(1, 2, ["close"])
    assert previous == [[row["pre_close"]]]


def test_values_depend_on_the_seed_and_not_on_the_query(emulator: TushareEmulator) -> None:
    short = records(emulator, "daily", ts_code="000001.SZ", start_date="20240601", end_date="20240630")
    long = records(emulator, "daily", ts_code="000001.SZ,000002.SZ", start_date="20240101", end_date="20240630")
    assert short == [row for row in long if row["ts_code"] == "000001.SZ" and row["trade_date"] >= "20240601"]
    other = TushareEmulator(seed=1)
    assert records(other, "daily", ts_code="000001.SZ", start_date="20240601", end_date="20240630") != short


def test_adjustment_factors_step_up_over_time(emulator: TushareEmulator) -> None:
    factors = records(emulator, "adj_factor", ts_code="000001.SZ", start_date="20200101", end_date="20241231")
    values = [row["adj_factor"] for row in reversed(factors)]
    assert values == sorted(values) and values[-1] > values[0] >= 1.0


def test_financial_statements_are_quarterly_and_balance(emulator: TushareEmulator) -> None:
    income = records(emulator, "income", ts_code="000001.SZ", start_date="20230101", end_date="20231231")
    assert [row["end_date"] for row in income] == ["20231231", "20230930", "20230630", "20230331"]
    for row in income:
        assert row["ann_date"] > row["end_date"]
        assert 0 < row["n_income"] < row["total_revenue"]
    sheet = records(emulator, "balancesheet", ts_code="000001.SZ", period="20231231")
    (row,) = sheet
    assert row["total_assets"] == pytest.approx(row["total_liab"] + row["total_hldr_eqy_inc_min_int"], abs=0.02)


def test_total_rows_still_overrides_the_natural_size() -> None:
    emulator = TushareEmulator(total_rows={"daily": 3000})
    bars = records(emulator, "daily", ts_code="000001.SZ", end_date="20241231")
    assert len(bars) == 3000 and len({bar["trade_date"] for bar in bars}) == 3000
    assert all(is_trading_day(dt.datetime.strptime(bar["trade_date"], "%Y%m%d").date()) for bar in bars)


def _typical_queries(spec: InterfaceSpec) -> dict[str, dict[str, str]]:
    """No parameters, and the first slice the store asks for when it syncs the first quarter of 2024."""
    queries: dict[str, dict[str, str]] = {"no parameters": {}}
    if spec.sync is not None:
        start, end = dt.date(2024, 1, 1), dt.date(2024, 3, 31)
        days = [day for n in range(91) if is_trading_day(day := start + dt.timedelta(days=n))]
        slices = plan_slices(spec, start, end, dt.date(2024, 6, 1), trade_days=days, codes=["000001.SZ", "600000.SH"])
        queries.update({f"sync slice {part.params}": part.params for part in slices[:1]})
    return queries


@pytest.mark.timeout(120)
def test_keyed_interfaces_reply_with_unique_keys(emulator: TushareEmulator) -> None:
    # The store refuses a reply that repeats a key (it never drops a row), and paging reads repeated keys as a
    # server that ignored offset: every keyed interface's rows must differ in their keys.
    repeated = []
    keyed = [spec for spec in load_catalog() if spec.keys]
    for spec in keyed:
        for query, params in _typical_queries(spec).items():
            _, items = emulator.rows(spec.api_name, params, list(spec.keys))
            keys = [tuple(item) for item in items]
            if len(set(keys)) != len(keys):
                repeated.append(f"{spec.api_name} {query}: {len(keys) - len(set(keys))} of {len(keys)} rows")
    assert len(keyed) > 150 and not repeated, repeated


@pytest.mark.timeout(30)
def test_a_reference_list_is_one_row_per_security_and_range_bounds_are_not_echoed(emulator: TushareEmulator) -> None:
    contracts = records(emulator, "sge_basic")  # its trade_time (trading hours) is a value, not a time axis
    assert len(contracts) == 10 and len({row["ts_code"] for row in contracts}) == 10
    names = records(emulator, "namechange", start_date="20240101", end_date="20240131")
    assert {row["start_date"] for row in names} != {"20240101"}
    (day,) = records(emulator, "trade_cal", exchange="SSE", start_date="20240101", end_date="20240101")
    assert day["exchange"] == "SSE"  # a parameter naming one value is still echoed

"""The emulator's values look like tushare's: weekly/monthly bars aggregate the daily ones, daily_basic's ratios
are in their documented units, and oversized requests get a tushare-style error instead of a huge reply."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tushare_typed.testing import TushareEmulator
from tushare_typed.testing._synthetic import MAX_CODES, MAX_PARAM_CHARS

CODE = "600000.SH"


@pytest.fixture(scope="module")
def emulator() -> TushareEmulator:
    return TushareEmulator()  # rows() needs no server


def records(emulator: TushareEmulator, api_name: str, **params: Any) -> list[dict[str, Any]]:
    names, items = emulator.rows(api_name, params)
    return [dict(zip(names, item, strict=True)) for item in items]


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("api_name", "same_period"), [("weekly", "%G%V"), ("monthly", "%Y%m")])
def test_period_bars_aggregate_the_daily_bars(emulator: TushareEmulator, api_name: str, same_period: str) -> None:
    days = records(emulator, "daily", ts_code=CODE, start_date="20231201", end_date="20240430")
    periods = records(emulator, api_name, ts_code=CODE, start_date="20240101", end_date="20240430")
    assert 3 <= len(periods) <= 18, "one row per week or month, not per weekday"

    def key(text: str) -> str:
        return dt.datetime.strptime(text, "%Y%m%d").strftime(same_period)

    for period in periods:
        members = sorted(
            (d for d in days if key(d["trade_date"]) == key(period["trade_date"])), key=lambda d: d["trade_date"]
        )
        assert period["trade_date"] == members[-1]["trade_date"], "dated by the period's last trading day"
        assert period["open"] == members[0]["open"]
        assert period["close"] == members[-1]["close"]
        assert period["high"] == max(d["high"] for d in members)
        assert period["low"] == min(d["low"] for d in members)
        assert period["vol"] == pytest.approx(sum(d["vol"] for d in members))
        assert period["amount"] == pytest.approx(sum(d["amount"] for d in members))
        assert period["pre_close"] == members[0]["pre_close"]


@pytest.mark.timeout(30)
def test_daily_basic_is_in_its_documented_units(emulator: TushareEmulator) -> None:
    rows = records(emulator, "daily_basic", start_date="20240101", end_date="20240331")
    bars = {
        (r["ts_code"], r["trade_date"]): r
        for r in records(emulator, "daily", start_date="20240101", end_date="20240331")
    }
    assert len(rows) > 500
    for row in rows:
        assert 0 < row["turnover_rate"] < 10, row
        assert 0.4 < row["volume_ratio"] < 3.5, row
        assert 1 < row["pe"] < 100 and 0.1 < row["pb"] < 20, row
        assert row["free_share"] <= row["float_share"] <= row["total_share"]
        close = bars[(row["ts_code"], row["trade_date"])]["close"]
        assert row["close"] == close
        assert row["total_mv"] == pytest.approx(close * row["total_share"], rel=1e-6)


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    import httpx

    answer: dict[str, Any] = httpx.post(url, json=body, timeout=10).json()
    return answer


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("ts_code", "problem"),
    [
        (",".join(f"{n:06d}.SZ" for n in range(MAX_CODES + 1)), "最多"),
        ("0" * (MAX_PARAM_CHARS + 1), "超过"),
    ],
)
def test_oversized_requests_get_a_tushare_error(ts_code: str, problem: str) -> None:
    with TushareEmulator() as emulator:
        reply = _post(emulator.url, {"api_name": "daily", "token": emulator.token, "params": {"ts_code": ts_code}})
        assert reply["code"] == -2001 and problem in reply["msg"], reply["msg"]
        assert reply["data"] is None
        huge = {"api_name": "daily", "token": emulator.token, "params": {"x": "y" * (2 << 20)}}
        assert _post(emulator.url, huge)["code"] == -2001
        fine = _post(emulator.url, {"api_name": "daily", "token": emulator.token, "params": {"ts_code": CODE}})
        assert fine["code"] == 0 and fine["data"]["items"]

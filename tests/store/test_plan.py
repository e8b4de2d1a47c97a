"""Slicing plans, look-back and date parsing, without network or database."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tushare_typed.catalog import InterfaceSpec, SyncSpec, load_catalog
from tushare_typed.errors import ParameterError
from tushare_typed.store._plan import Slice, parse_date, pending, plan_slices, quarter_ends

TODAY = dt.date(2024, 6, 3)


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_date_spelling_parses_to_the_same_day(day: dt.date) -> None:
    for spelling in (day, day.strftime("%Y%m%d"), day.isoformat(), dt.datetime.combine(day, dt.time(9))):
        assert parse_date(spelling, "start") == day


@given(st.text(max_size=12))
def test_anything_else_is_a_parameter_error_naming_the_argument(text: str) -> None:
    digits = text.strip().replace("-", "")
    try:
        expected = (
            dt.datetime.strptime(digits, "%Y%m%d").date()
            if len(digits) == 8 and digits.isascii() and digits.isdigit()
            else None
        )
    except ValueError:
        expected = None
    if expected is not None:
        assert parse_date(text, "end") == expected
        return
    with pytest.raises(ParameterError, match="end=") as caught:
        parse_date(text, "end")
    assert "YYYYMMDD" in caught.value.remediation


def spec_with(sync: SyncSpec | None) -> InterfaceSpec:
    return dataclasses.replace(load_catalog().get("income"), keys=("ts_code", "end_date"), sync=sync)


def test_periods_are_quarter_ends_final_once_reports_are_due() -> None:
    slices = plan_slices(spec_with(SyncSpec("period", param="period")), dt.date(2023, 2, 1), TODAY, TODAY)
    assert [s.id for s in slices] == ["20230331", "20230630", "20230930", "20231231", "20240331"]
    assert slices[0].params == {"period": "20230331"}
    assert [s.final for s in slices] == [True, True, True, True, False]  # 2024Q1 reports may still come
    assert quarter_ends(dt.date(2024, 1, 1), dt.date(2024, 3, 30)) == []


def test_windows_are_months_clipped_to_the_range() -> None:
    plan = SyncSpec("window", start_param="start_date", end_param="end_date")
    slices = plan_slices(spec_with(plan), dt.date(2024, 4, 15), TODAY, TODAY)
    assert [s.params for s in slices] == [
        {"start_date": "20240415", "end_date": "20240430"},
        {"start_date": "20240501", "end_date": "20240531"},
        {"start_date": "20240601", "end_date": "20240603"},
    ]
    assert [s.final for s in slices] == [True, True, False]


def test_code_slices_continue_from_the_last_day_stored() -> None:
    plan = SyncSpec("code", start_param="start_date", end_param="end_date", codes_from="stock_basic")
    covered = {"A": "20240510", "B": "20240603"}
    slices = plan_slices(spec_with(plan), dt.date(2024, 1, 1), TODAY, TODAY, codes=["A", "B", "C"], covered=covered)
    assert [s.params["start_date"] for s in slices] == ["20240510", "20240603", "20240101"]
    todo, skipped = pending(slices, covered, lookback=1)
    assert [s.id for s in todo] == ["A", "C"] and skipped == 1  # B already covers the range


def test_lookback_refetches_only_the_most_recent_stored_final_slices() -> None:
    slices = [Slice(str(i), final=i < 4) for i in range(5)]  # the last one is still open
    covered: dict[str, str | None] = {str(i): None for i in range(5)}
    assert [s.id for s in pending(slices, covered, lookback=0)[0]] == ["4"]
    assert [s.id for s in pending(slices, covered, lookback=2)[0]] == ["2", "3", "4"]
    assert [s.id for s in pending(slices, {"0": None}, lookback=1)[0]] == ["0", "1", "2", "3", "4"]


def test_a_plan_missing_its_parameter_is_refused() -> None:
    with pytest.raises(ParameterError, match="names no param"):
        plan_slices(spec_with(SyncSpec("trade_day")), TODAY, TODAY, TODAY, trade_days=[TODAY])

"""ts.realtime_quote / realtime_list / realtime_tick: the SDK's DataFrames, over the typed calls."""

from __future__ import annotations

import pytest

import tushare_typed as ts
from tushare_typed.realtime import _compat
from tushare_typed.testing._realtime import RealtimeLookalikes

pytest.importorskip("pandas")
pytestmark = pytest.mark.timeout(60)

SDK_QUOTE_COLUMNS = [
    "NAME", "TS_CODE", "DATE", "TIME", "OPEN", "PRE_CLOSE", "PRICE", "HIGH", "LOW", "BID", "ASK", "VOLUME", "AMOUNT",
    "B1_V", "B1_P", "B2_V", "B2_P", "B3_V", "B3_P", "B4_V", "B4_P", "B5_V", "B5_P",
    "A1_V", "A1_P", "A2_V", "A2_P", "A3_V", "A3_P", "A4_V", "A4_P", "A5_V", "A5_P",
]  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_default(lookalike_env: RealtimeLookalikes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_compat, "_default", None)


def test_realtime_quote_frame() -> None:
    frame = ts.realtime_quote(ts_code="000001.SZ,600000.SH", src="dc")
    assert list(frame.columns) == SDK_QUOTE_COLUMNS
    assert list(frame["TS_CODE"]) == ["000001.SZ", "600000.SH"]
    assert frame["PRICE"].dtype == "float64"


def test_realtime_list_frame() -> None:
    frame = ts.realtime_list(src="sina", page_count=1)
    assert list(frame.columns) == [
        "TS_CODE", "NAME", "PRICE", "PCT_CHANGE", "CHANGE", "VOLUME", "AMOUNT", "HIGH", "LOW", "OPEN", "CLOSE",
        "BUY", "SALE", "TIME",
    ]  # fmt: skip
    assert len(frame) == 80 and frame["PCT_CHANGE"].is_monotonic_decreasing


def test_realtime_tick_frame() -> None:
    frame = ts.realtime_tick(ts_code="000001.SZ", src="tx", page_count=1)
    assert list(frame.columns) == ["TIME", "PRICE", "CHANGE", "VOLUME", "AMOUNT", "TYPE"]
    assert len(frame) == 70 and set(frame["TYPE"]) <= {"买盘", "卖盘", "中性盘"}

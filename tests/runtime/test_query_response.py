"""`query()` returns a response with the typed responses' display and conversions, and applies the typed
methods' argument rules (columns, dates, date order) to the interfaces the metadata knows."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.errors import ParameterError, ServiceError
from tushare_typed.response import QueryResponse
from tushare_typed.testing import Faults, TushareEmulator

CODE = "000001.SZ"


@pytest.fixture
def emulator() -> Iterator[TushareEmulator]:
    with TushareEmulator(total_rows={"daily": 25}) as server:
        yield server


@pytest.fixture
def client(emulator: TushareEmulator) -> Iterator[TushareClient]:
    with TushareClient(emulator.token, base_url=emulator.url) as client:
        yield client


def test_query_converts_like_a_typed_response(client: TushareClient) -> None:
    result = client.query("daily", fields="ts_code,trade_date,close", ts_code=CODE)
    assert isinstance(result, QueryResponse)
    assert result.fields == ["ts_code", "trade_date", "close"]
    assert result.completed and result.next_offset is None
    assert len(result) == 25 and all(isinstance(row, tuple) for row in result)
    frame = result.to_pandas()
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == result.fields and len(frame) == 25
    assert frame["close"].dtype == "float64"
    assert isinstance(result.to_polars(), pl.DataFrame)
    assert isinstance(result.to_arrow(), pa.Table)
    assert result.to_dicts()[0].keys() == {"ts_code", "trade_date", "close"}


def test_query_display_is_compact(client: TushareClient) -> None:
    result = client.query("daily", ts_code=CODE)
    text = repr(result)
    assert text.startswith("<QueryResponse(daily): 25 rows × ")
    assert "… 20 more rows" in text
    assert "<table>" in result._repr_html_()


def test_query_limit_says_where_to_resume(client: TushareClient) -> None:
    result = client.query("daily", ts_code=CODE, limit=10)
    assert (len(result), result.completed, result.next_offset) == (10, False, 10)


def test_query_refuses_an_unknown_column_with_the_closest(client: TushareClient) -> None:
    with pytest.raises(ParameterError, match=r"daily has no column 'clsoe' \(did you mean 'close'\?\)"):
        client.query("daily", fields="ts_code,clsoe")


def test_query_dates_follow_the_typed_rule(client: TushareClient, emulator: TushareEmulator) -> None:
    client.query("daily", ts_code=CODE, start_date="2024-01-02", end_date="2024-01-31")
    assert emulator.records[-1].params["start_date"] == "20240102"
    with pytest.raises(ParameterError, match="start_date=20240301 is after end_date=20240201"):
        client.query("daily", start_date="2024-03-01", end_date="20240201")
    with pytest.raises(ParameterError, match="start_date: 'March' is not a date"):
        client.query("daily", start_date="March")


def test_typed_method_refuses_start_after_end(client: TushareClient) -> None:
    with pytest.raises(ParameterError, match="swap them"):
        client.daily(start_date="20240301", end_date="2024-02-01")


def test_unknown_interface_goes_out_unchecked(client: TushareClient, emulator: TushareEmulator) -> None:
    with pytest.raises(ParameterError, match="is not a tushare interface"):
        client.query("brand_new_api", fields="whatever", start_date="x")
    assert emulator.records[-1].params["start_date"] == "x"
    assert emulator.records[-1].fields == "whatever"


def test_unknown_interface_names_the_closest(client: TushareClient) -> None:
    with pytest.raises(ParameterError, match=r"did you mean daily") as caught:
        client.query("dailly")
    assert caught.value.remediation.startswith("'dailly' is not a tushare interface")


def test_permission_denial_names_the_points_needed(
    emulator: TushareEmulator, client: TushareClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tushare_typed.catalog import load_catalog
    from tushare_typed.errors import PermissionDeniedError

    monkeypatch.setenv("TUSHARE_POINTS", "120")
    emulator.denied = frozenset({"income"})
    with pytest.raises(PermissionDeniedError) as caught:
        client.income(ts_code=CODE)
    points = load_catalog().get("income").points
    assert f"income needs {points} points; this account has 120 points" in caught.value.remediation


def test_a_failed_query_keeps_its_rows_as_a_response(emulator: TushareEmulator) -> None:
    emulator.faults = Faults(on_calls={2: "http_500"})
    emulator.row_caps["daily"] = 10
    with (
        TushareClient(emulator.token, base_url=emulator.url, max_retries=0) as client,
        pytest.raises(ServiceError) as caught,
    ):
        client.query("daily", ts_code=CODE)
    partial = caught.value.partial
    assert isinstance(partial, QueryResponse)
    assert (len(partial), partial.completed, caught.value.next_offset) == (10, False, 10)


async def test_async_query_returns_the_same_response(emulator: TushareEmulator) -> None:
    async with AsyncTushareClient(emulator.token, base_url=emulator.url) as client:
        result = await client.query("daily", ts_code=CODE)
    assert isinstance(result, QueryResponse) and len(result) == 25

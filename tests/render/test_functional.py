"""The rendered fixture package, imported and called against respx (no network)."""

from __future__ import annotations

import datetime
import json
from types import ModuleType
from typing import Any

import httpx
import pytest
import respx

URL = "http://tushare.test"
TOKEN = "t" * 40
DAILY_FIELDS = [
    "ts_code",
    "trade_date",
    "open",
    "high",
    "low",
    "close",
    "pre_close",
    "change",
    "pct_chg",
    "vol",
    "amount",
]


def _reply(fields: list[str], items: list[list[Any]], has_more: bool | None = False) -> httpx.Response:
    data = {"fields": fields, "items": items, "has_more": has_more, "count": len(items)}
    return httpx.Response(200, json={"request_id": "rid-1", "code": 0, "msg": "", "data": data})


def _daily_row(day: int) -> list[Any]:
    return ["000001.SZ", f"202401{day:02d}", 10.0, 11.0, 9.5, 10.5, 10.0, 0.5, 5.0, 1000.0, 2000]


@pytest.fixture
def client(tt: ModuleType) -> Any:
    return tt.TushareClient(token=TOKEN, base_url=URL, max_retries=0)


@respx.mock
def test_typed_rows_and_wire_request(client: Any) -> None:
    route = respx.post(URL).mock(return_value=_reply(DAILY_FIELDS, [_daily_row(3), _daily_row(2)]))
    response = client.daily(ts_code=["000001.SZ", "600000.SH"], start_date=datetime.date(2024, 1, 1))
    sent = json.loads(route.calls[0].request.content)
    assert sent["api_name"] == "daily"
    assert sent["params"]["ts_code"] == "000001.SZ,600000.SH"
    assert sent["params"]["start_date"] == "20240101"
    assert sent["params"]["limit"] == 6000
    assert len(response) == 2
    assert response.rows[0].close == 10.5
    assert isinstance(response.rows[0].amount, float), "an integer in a float column is read as float"
    assert response.completed
    assert response.next_offset is None
    assert response.request_id == "rid-1"
    assert [row.trade_date for row in response] == ["20240103", "20240102"]


@respx.mock
def test_pages_until_has_more_is_false(client: Any, tt: ModuleType) -> None:
    pages = [
        _reply(DAILY_FIELDS, [_daily_row(d) for d in range(1, 4)], has_more=True),
        _reply(DAILY_FIELDS, [_daily_row(d) for d in range(3, 6)], has_more=False),
    ]
    route = respx.post(URL).mock(side_effect=pages)
    response = client.daily(ts_code="000001.SZ")
    assert route.call_count == 2
    # daily's keys (ts_code, trade_date) prove the row repeated across the page boundary is one record.
    assert tt.catalog.load_catalog().get("daily").keys == ("ts_code", "trade_date")
    assert len(response) == 5
    assert response.duplicates_dropped == 1
    assert response.pages == 2


@respx.mock
def test_float_cells_in_int_columns_are_read_as_int(client: Any) -> None:
    fields = ["ts_code", "trade_time", "open", "close", "high", "low", "vol", "amount", "oi"]
    respx.post(URL).mock(return_value=_reply(fields, [["CU2310.SHF", "2023-08-25 15:00:00", 1, 2, 3, 4, 373.0, 5, 6]]))
    assert client.ft_mins(ts_code="CU2310.SHF", freq="1min").rows[0].vol == 373


@respx.mock
def test_columns_in_another_order_and_unknown_columns_are_kept(client: Any) -> None:
    # daily's key trade_date is requested too (seam de-duplication needs it) and hidden from the response.
    fields = ["close", "trade_date", "ts_code", "new_col"]
    rows = [[1.5, "20240102", "000001.SZ", "x"], [2.5, "20240103", "000002.SZ", "y"]]
    route = respx.post(URL).mock(return_value=_reply(fields, rows))
    response = client.daily(fields=["close", "ts_code"])
    assert json.loads(route.calls[0].request.content)["fields"] == "close,ts_code,trade_date"
    assert response.rows[0].trade_date is None
    assert response.rows[0].ts_code == "000001.SZ"
    assert response.rows[0].close == 1.5
    assert response.rows[0].open is None
    assert response.extra_columns == {"new_col": ["x", "y"]}
    assert response.to_dicts()[1] == {"ts_code": "000002.SZ", "close": 2.5, "new_col": "y"}


@respx.mock
def test_non_identifier_columns_keep_their_wire_name(client: Any) -> None:
    respx.post(URL).mock(return_value=_reply(["date", "1w"], [["20240102", 1.8]]))
    response = client.shibor(fields=["date", "1w"])
    assert response.rows[0].f_1w == 1.8
    assert response.to_dicts() == [{"date": "20240102", "1w": 1.8}]


@respx.mock
def test_to_pandas_has_stable_dtypes(client: Any) -> None:
    respx.post(URL).mock(
        return_value=_reply(DAILY_FIELDS, [_daily_row(2), [*_daily_row(3)[:5], None, *_daily_row(3)[6:]]])
    )
    frame = client.daily().to_pandas()
    assert list(frame.columns) == DAILY_FIELDS
    assert str(frame["close"].dtype) == "float64"
    assert frame["close"].isna().sum() == 1


@respx.mock
def test_server_error_is_typed(client: Any, tt: ModuleType) -> None:
    reply = {"request_id": "r", "code": 40101, "msg": "token不对", "data": None}
    respx.post(URL).mock(return_value=httpx.Response(200, json=reply))
    with pytest.raises(tt.errors.AuthError) as caught:
        client.daily()
    assert caught.value.code == "AUTH-001"
    assert TOKEN not in repr(caught.value)


def test_bad_arguments_fail_before_any_request(client: Any, tt: ModuleType) -> None:
    with pytest.raises(tt.errors.ParameterError, match="trade_date"):
        client.daily(trade_date="2024-02-30")
    with pytest.raises(tt.errors.ParameterError, match="freq"):
        client.ft_mins(ts_code="CU2310.SHF", freq="2min")
    with pytest.raises(tt.errors.ParameterError, match="no column 'closing'"):
        client.daily(fields=["closing"])


@respx.mock
def test_failure_midway_carries_partial_rows_and_resumes(client: Any, tt: ModuleType) -> None:
    first = _reply(DAILY_FIELDS, [_daily_row(d) for d in range(1, 4)], has_more=True)
    broken = httpx.Response(200, content=b'{"code": 0, "data": {"fields": [')
    respx.post(URL).mock(side_effect=[first, broken])
    with pytest.raises(tt.errors.MalformedReplyError) as caught:
        client.daily()
    error: Any = caught.value
    assert error.next_offset == 3
    assert [row.trade_date for row in error.partial.rows] == ["20240101", "20240102", "20240103"]
    respx.post(URL).mock(return_value=_reply(DAILY_FIELDS, [_daily_row(4)]))
    rest = client.daily(offset=error.next_offset)
    assert [row.trade_date for row in rest.rows] == ["20240104"]


@respx.mock
async def test_async_client(tt: ModuleType) -> None:
    respx.post(URL).mock(return_value=_reply(DAILY_FIELDS, [_daily_row(2)]))
    async with tt.AsyncTushareClient(token=TOKEN, base_url=URL) as client:
        response = await client.daily(ts_code="000001.SZ")
    assert response.rows[0].vol == 1000.0


def test_models_are_lazy_and_importable(tt: ModuleType) -> None:
    import sys

    assert "tt_fixture.models.sz_daily_info" not in sys.modules
    assert "count_" in tt.models.SzDailyInfoRow._fields, "a column named like a tuple method gets an underscore"
    assert tt.models.IncomeVipRequest().model_dump(exclude_none=True) == {}
    with pytest.raises(AttributeError, match="NoSuchRow"):
        _ = tt.models.NoSuchRow

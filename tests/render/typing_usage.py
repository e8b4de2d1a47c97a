"""Type-checked (not run) by test_typing.py: what mypy must accept about the generated client."""

from collections.abc import AsyncIterator, Iterator
from typing import assert_type

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.models import (
    DailyBasicResponse,
    DailyField,
    DailyResponse,
    DailyRow,
    FtMinsResponse,
    ShiborResponse,
    ShiborRow,
)
from tushare_typed.options import CallOptions


def sync_usage(client: TushareClient) -> None:
    response = client.daily(ts_code=["000001.SZ"], start_date="20240101", fields=["ts_code", "close"])
    assert_type(response, DailyResponse)
    assert_type(response.rows[0], DailyRow)
    assert_type(response.rows[0].close, float | None)
    assert_type(response.rows[0].ts_code, str | None)
    assert_type(response.completed, bool)
    assert_type(response.next_offset, int | None)
    assert_type(client.shibor().rows[0].f_1w, float | None)
    for row in response:
        assert_type(row, DailyRow)
    assert_type(client.daily_basic(trade_date="20240726"), DailyBasicResponse)  # a group member alone is enough
    assert_type(client.daily(fields="ts_code,close"), DailyResponse)  # the SDK's comma string
    chosen: list[DailyField] = ["ts_code", "close"]
    assert_type(client.daily(fields=chosen), DailyResponse)
    names: list[str] = ["ts_code", "close"]  # known only at run time: join them (checked at run time)
    assert_type(client.daily(fields=",".join(names)), DailyResponse)
    assert_type(client.daily(fields=("ts_code", "close")), DailyResponse)
    client.pro_bar(ts_code="000001.SZ", freq="5min", asset="FT", ma=[5, 20])
    client.pro_bar(ts_code="000001.SZ", adj="qfq", factors=["tor"])


def options_usage(client: TushareClient, options: CallOptions) -> None:
    assert_type(client.daily(offset=10, max_rows=100, max_pages=None, timeout=2.5), DailyResponse)
    assert_type(client.ft_mins(ts_code="CU2310.SHF", freq="1min", **options), FtMinsResponse)
    assert_type(client.pages.daily(max_rows=None, timeout=1), Iterator[DailyResponse])


def pages_usage(client: TushareClient) -> None:
    pages = client.pages.daily(ts_code="000001.SZ", fields=["close"], max_pages=3)
    assert_type(pages, Iterator[DailyResponse])
    for page in pages:
        assert_type(page.rows[0].close, float | None)
        assert_type(page.next_offset, int | None)


async def async_usage(client: AsyncTushareClient) -> None:
    rows = (await client.shibor(fields=["date", "1w"], max_rows=10)).rows
    assert_type(rows, list[ShiborRow])
    pages = client.pages.shibor(start_date="20240101")
    assert_type(pages, AsyncIterator[ShiborResponse])
    async for page in pages:
        assert_type(page.rows, list[ShiborRow])

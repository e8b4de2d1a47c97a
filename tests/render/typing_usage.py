"""Type-checked (not run) by test_typing.py: what mypy must accept about the generated client."""

from typing import assert_type

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.models import DailyBasicResponse, DailyResponse, DailyRow, ShiborRow


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
    client.pro_bar(ts_code="000001.SZ", freq="5min", asset="FT", ma=[5, 20])
    client.pro_bar(ts_code="000001.SZ", adj="qfq", factors=["tor"])


async def async_usage(client: AsyncTushareClient) -> None:
    rows = (await client.shibor(fields=["date", "1w"])).rows
    assert_type(rows, list[ShiborRow])

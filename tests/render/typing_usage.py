"""Type-checked (not run) by test_typing.py: what mypy must accept about the generated client."""

from typing import assert_type

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.models import DailyField, DailyResponse, DailyRow, ShiborRow


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
    assert_type(client.daily(fields="ts_code,close"), DailyResponse)  # the SDK's comma string
    chosen: list[DailyField] = ["ts_code", "close"]
    assert_type(client.daily(fields=chosen), DailyResponse)
    names: list[str] = ["ts_code", "close"]  # known only at run time: join them (checked at run time)
    assert_type(client.daily(fields=",".join(names)), DailyResponse)
    assert_type(client.daily(fields=("ts_code", "close")), DailyResponse)


async def async_usage(client: AsyncTushareClient) -> None:
    rows = (await client.shibor(fields=["date", "1w"])).rows
    assert_type(rows, list[ShiborRow])

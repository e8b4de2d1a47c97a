"""Type-checked (not run) by test_typing.py: each marked line must be a mypy error."""

import datetime

from tushare_typed import AsyncTushareClient, TushareClient


def misuse(client: TushareClient) -> None:
    client.daily(fields=["closing"])  # error: misspelled field
    client.daily(fields=("ts_code", "closing"))  # error: misspelled field in a literal tuple
    client.daily(fields=7)  # error: not names
    client.daily(trade_date=20240101)  # error: wrong param type
    client.ft_mins(ts_code="CU2310.SHF", freq="2min")  # error: not an allowed value
    client.ft_mins(freq="1min")  # error: required param missing
    _ = client.daily(start_date=datetime.date(2024, 1, 1)).rows[0].closing  # error: no such column
    client.pro_bar(ts_code="000001.SZ", ma=["ma5"])  # error: ma takes int windows (the SDK ignores strings)
    client.pro_bar(ts_code="000001.SZ", freq="2min")  # error: not a frequency the SDK or ft_mins knows
    client.pro_bar(ts_code="000001.SZ", adj="none")  # error: adj is qfq, hfq or None
    client.pro_bar(ts_code="000001.SZ", asset="C")  # error: coin bars have no typed interface


def option_misuse(client: TushareClient) -> None:
    client.daily(max_row=10)  # error: misspelled option
    client.daily(timeout="5")  # error: wrong option type
    client.daily(offset=None)  # error: offset is an int, never None
    client.pages.daily(max_pages="3")  # error: wrong option type on a stream
    client.pages.shibor(ofset=5)  # error: misspelled option on a stream


def pages_misuse(client: TushareClient, aclient: AsyncTushareClient) -> None:
    for page in client.pages.daily(ts_code="000001.SZ"):
        _ = page.rows[0].closing  # error: no such column on a page
    client.pages.no_such_api()  # error: no such interface
    for _page in aclient.pages.daily():  # error: an async stream needs async for
        pass

"""Type-checked (not run) by test_typing.py: each marked line must be a mypy error."""

import datetime

from tushare_typed import TushareClient


def misuse(client: TushareClient) -> None:
    client.daily(fields=["closing"])  # error: misspelled field
    client.daily(fields=("ts_code", "closing"))  # error: misspelled field in a literal tuple
    client.daily(fields=7)  # error: not names
    client.daily(trade_date=20240101)  # error: wrong param type
    client.ft_mins(ts_code="CU2310.SHF", freq="2min")  # error: not an allowed value
    client.ft_mins(freq="1min")  # error: required param missing
    _ = client.daily(start_date=datetime.date(2024, 1, 1)).rows[0].closing  # error: no such column

"""pro_bar's qfq anchor against the emulator (whose adjustment factors step up about twice a year): anchored at the
window's newest factor (the SDK's way, the default) qfq prices change with end_date; anchored at the latest factor
they do not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import tushare_typed as ts
from tushare_typed import TushareClient
from tushare_typed.errors import ParameterError
from tushare_typed.testing import TushareEmulator

CODE = "000001.SZ"


@pytest.fixture(scope="module")
def client() -> Iterator[TushareClient]:
    with TushareEmulator() as emulator, TushareClient(emulator.token, base_url=emulator.url) as client:
        yield client


def closes(client: TushareClient, end_date: str, **options: object) -> dict[str, float | None]:
    response = client.pro_bar(ts_code=CODE, start_date="20240101", end_date=end_date, adj="qfq", **options)  # type: ignore[arg-type]
    return {row.trade_date or "": row.close for row in response}


def test_latest_anchor_is_stable_across_end_dates(client: TushareClient) -> None:
    short = closes(client, "20240331", qfq_anchor="latest")
    long = closes(client, "20241231", qfq_anchor="latest")
    common = sorted(short.keys() & long.keys())
    assert len(common) > 50
    assert [short[date] for date in common] == [long[date] for date in common]


def test_the_default_window_anchor_moves_with_end_date(client: TushareClient) -> None:
    short = closes(client, "20240331")
    long = closes(client, "20241231")
    common = sorted(short.keys() & long.keys())
    assert [short[date] for date in common] != [long[date] for date in common]
    # At the window's end, the SDK's qfq equals the raw price: the anchor is that day's factor.
    raw = {row.trade_date: row.close for row in client.daily(ts_code=CODE, start_date="20240101", end_date="20240331")}
    assert short[max(short)] == raw[max(short)]


def test_the_compatible_pro_bar_takes_the_anchor(client: TushareClient) -> None:
    pro = ts.ProApi(client)
    short = ts.pro_bar(CODE, api=pro, start_date="20240101", end_date="20240331", adj="qfq", qfq_anchor="latest")
    long = ts.pro_bar(CODE, api=pro, start_date="20240101", end_date="20241231", adj="qfq", qfq_anchor="latest")
    merged = short.merge(long, on="trade_date", suffixes=("_short", "_long"))
    assert len(merged) == len(short)
    assert (merged["close_short"] == merged["close_long"]).all()


def test_an_unknown_anchor_is_refused(client: TushareClient) -> None:
    with pytest.raises(ParameterError, match="qfq_anchor must be 'window' or 'latest'"):
        client.pro_bar(ts_code=CODE, adj="qfq", qfq_anchor="first")  # type: ignore[arg-type]

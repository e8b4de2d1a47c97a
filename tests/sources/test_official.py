"""Our reading of each wire format matches the source's own library, both pointed at the same look-alike."""

from __future__ import annotations

import pytest

from tushare_typed.sources import Sources
from tushare_typed.testing._sources import SourceLookalikes

from .official import akshare_at, yfinance_ticker

pytest.importorskip("pandas")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("adjust", ["none", "qfq", "hfq"])
def test_akshare_reads_what_we_read(hub: Sources, lookalikes: SourceLookalikes, adjust: str) -> None:
    pytest.importorskip("akshare", reason="akshare is not installed (the generator's dev extra)")
    ours = hub.get_bars("600000.SH", source="akshare", start="20240101", end="20240630", adjust=adjust)
    with akshare_at(lookalikes.url) as akshare:
        frame = akshare.stock_zh_a_hist(
            "600000", start_date="20240101", end_date="20240630", adjust="" if adjust == "none" else adjust
        )
    assert [f"{day:%Y%m%d}" for day in frame["日期"]] == [bar.date for bar in ours]
    assert list(frame["收盘"]) == [bar.close for bar in ours]
    assert list(frame["开盘"]) == [bar.open for bar in ours]
    assert [lots * 100 for lots in frame["成交量"]] == pytest.approx([bar.volume for bar in ours])
    assert list(frame["成交额"]) == pytest.approx([bar.amount for bar in ours])


@pytest.mark.timeout(120)
@pytest.mark.parametrize("symbol", ["600000.SH", "00700.HK", "AAPL"])
def test_yfinance_reads_what_we_read(hub: Sources, lookalikes: SourceLookalikes, symbol: str) -> None:
    pytest.importorskip("yfinance", reason="yfinance is not installed (the generator's dev extra)")
    from tushare_typed.sources import to_source

    raw = hub.get_bars(symbol, source="yahoo", start="20240101", end="20240628")
    qfq = hub.get_bars(symbol, source="yahoo", start="20240101", end="20240628", adjust="qfq")
    frame = yfinance_ticker(to_source("yahoo", symbol), lookalikes.url).history(
        start="2024-01-01", end="2024-06-29", auto_adjust=False, actions=False
    )
    assert [f"{day:%Y%m%d}" for day in frame.index] == [bar.date for bar in raw]
    assert list(frame["Close"]) == pytest.approx([bar.close for bar in raw])
    assert list(frame["Volume"]) == pytest.approx([bar.volume for bar in raw])
    assert list(frame["Adj Close"]) == pytest.approx([bar.close for bar in qfq])

"""Every source returns the same bars in standard units; failover says so; faults are typed errors naming the source.

Each test runs on both halves (``hub`` is a :class:`Sources` or an async driver over one, see :mod:`.halves`)."""

from __future__ import annotations

from typing import Any

import pytest

from tushare_typed.errors import MalformedReplyError, RateLimitError, ServiceError
from tushare_typed.sources import (
    AdjustmentNotSupportedError,
    EmptySeriesError,
    MissingApiKeyError,
    NotCoveredError,
    Sources,
    SourceSettings,
    UnknownSymbolError,
)
from tushare_typed.testing._sources import SourceLookalikes

from .halves import Half, on_half

ALL = ("tushare", "akshare", "yahoo", "alphavantage")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("adjust", ["none", "qfq"])
def test_every_source_gives_the_same_bars(hub: Any, adjust: str) -> None:
    names = [n for n in ALL if adjust == "none" or n != "alphavantage"]
    series = {n: hub.get_bars("600000.SH", source=n, start="20240101", end="20240331", adjust=adjust) for n in names}
    reference = series["tushare"]
    assert len(reference) == 65
    assert reference.rows[0].volume == pytest.approx(hub_volume_lots(reference) * 100)
    for name, bars in series.items():
        assert bars.source == name and [b.date for b in bars] == [b.date for b in reference]
        for mine, theirs in zip(bars.rows, reference.rows, strict=True):
            assert mine.close == pytest.approx(theirs.close, abs=0.01)
            assert mine.volume == pytest.approx(theirs.volume, abs=100)


def hub_volume_lots(bars: object) -> float:
    # tushare's daily vol is in lots: the emulator's first row, read raw, times 100 is our volume.
    from tushare_typed.testing import TushareEmulator

    with TushareEmulator() as emulator:
        _, items = emulator.rows("daily", {"ts_code": "600000.SH", "trade_date": "20240101"}, "vol")
    return float(items[0][0])


@pytest.mark.timeout(60)
def test_auto_fails_over_and_says_so(hub: Any, lookalikes: SourceLookalikes) -> None:
    hub.router.sources["tushare"].configured = lambda: "no token"
    lookalikes.mode["akshare"] = "outage"
    bars = hub.get_bars("000001.SZ", start="20240101", end="20240131")
    assert bars.source == "yahoo"
    assert [(f.source, f.reason) for f in bars.failovers] == [("akshare", "outage")]
    assert "akshare passed over (outage)" in repr(bars)


@pytest.mark.timeout(60)
def test_breaker_opens_after_repeated_outages(hub: Any, lookalikes: SourceLookalikes) -> None:
    lookalikes.mode["yahoo"] = "outage"
    for _ in range(3):
        with pytest.raises(ServiceError):
            hub.get_bars("AAPL", source="yahoo", start="20240101", end="20240131")
    before = lookalikes.calls["yahoo"]
    with pytest.raises(ServiceError, match="skipped"):
        hub.get_bars("AAPL", source="yahoo", start="20240101", end="20240131")
    assert lookalikes.calls["yahoo"] == before
    assert hub.router.health()["yahoo"] == "open"


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("source", "mode", "error"),
    [
        ("akshare", "html", MalformedReplyError),
        ("yahoo", "html", MalformedReplyError),
        ("akshare", "ratelimit", RateLimitError),
        ("yahoo", "ratelimit", RateLimitError),
        ("alphavantage", "ratelimit", RateLimitError),
        ("akshare", "empty", EmptySeriesError),
        ("yahoo", "empty", EmptySeriesError),
        ("alphavantage", "empty", EmptySeriesError),
        ("akshare", "error", ServiceError),
        ("yahoo", "error", UnknownSymbolError),
        ("alphavantage", "error", UnknownSymbolError),
    ],
)
def test_faults_are_typed_errors_naming_the_source(
    hub: Any, lookalikes: SourceLookalikes, source: str, mode: str, error: type[Exception]
) -> None:
    lookalikes.mode[source] = mode
    with pytest.raises(error) as caught:
        hub.get_bars("600000.SH", source=source, start="20240101", end="20240131")
    assert caught.value.api_name == source  # type: ignore[attr-defined]


@pytest.mark.timeout(60)
def test_bad_input(hub: Any) -> None:
    with pytest.raises(UnknownSymbolError):
        hub.get_bars("not a symbol")
    with pytest.raises(NotCoveredError, match=r"akshare does not cover 00700\.HK"):
        hub.get_bars("00700.HK", source="akshare")
    with pytest.raises(AdjustmentNotSupportedError, match="alphavantage"):
        hub.get_bars("AAPL", source="alphavantage", adjust="qfq")
    with pytest.raises(UnknownSymbolError):
        hub.get_bars("999999.SZ", source="yahoo", start="20240101", end="20240131")


@pytest.mark.timeout(60)
def test_missing_key_is_named_and_never_echoed(servers: object, half: Half) -> None:
    settings = SourceSettings.resolve(urls={"alphavantage": "http://127.0.0.1:9"}, environ={})
    missing = pytest.raises(MissingApiKeyError, match="ALPHAVANTAGE_API_KEY")
    with on_half(half, Sources(settings, store=False)) as hub, missing:
        hub.get_bars("AAPL", source="alphavantage", start="20240101", end="20240131")
    secret = "very-secret-alpha-key-123"
    settings = SourceSettings.resolve(urls={"alphavantage": "http://127.0.0.1:9"}, alphavantage_key=secret, retries=0)
    with on_half(half, Sources(settings, store=False)) as hub, pytest.raises(ServiceError) as caught:
        hub.get_bars("AAPL", source="alphavantage", start="20240101", end="20240131")
    assert secret not in str(caught.value) and secret not in repr(settings)


@pytest.mark.timeout(120)
def test_compare_finds_an_injected_difference(hub: Any, lookalikes: SourceLookalikes) -> None:
    agreeing = hub.compare(["000001.SZ", "600000.SH"], ["tushare", "akshare", "yahoo"], "20240101", "20240630")
    assert agreeing.agree, agreeing.findings[:3]
    lookalikes.shift[("akshare", "600000.SH", "20240315")] = 0.05
    report = hub.compare(["600000.SH"], ["tushare", "akshare"], "20240101", "20240630")
    assert [(f.kind, f.date, f.field) for f in report.findings] == [("value", "20240315", "close")]
    basis = hub.compare(["AAPL"], ["tushare", "yahoo"], "20240101", "20240131", adjust="qfq")
    assert [f.kind for f in basis.findings] == ["basis"]


@pytest.mark.timeout(60)
def test_store_answers_a_rerun_locally(hub: Any, half: Half, tmp_path: object) -> None:
    local = on_half(half, Sources(hub.settings, store=f"{tmp_path}/store.duckdb"))
    with local:
        first = local.get_bars("600000.SH", source="akshare", start="20240101", end="20240131")
        calls = local.calls()["akshare"]
        again = local.get_bars("600000.SH", source="akshare", start="20240105", end="20240120")
        assert not first.local and again.local and local.calls()["akshare"] == calls
        assert again.rows == [b for b in first.rows if "20240105" <= b.date <= "20240120"]

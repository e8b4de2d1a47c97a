"""The symbol mapper: every source form maps back to the tushare form it came from."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tushare_typed.sources import NotCoveredError, from_source, to_source

# Real code ranges: Shanghai 6xxxxx (and 9xxxxx B shares), Shenzhen 0/2/3xxxxx, Beijing 4/8/92xxxx.
_PREFIXES = {"SH": "69", "SZ": "023", "BJ": "48"}
cn = st.sampled_from(sorted(_PREFIXES)).flatmap(
    lambda ex: st.builds(lambda p, n: f"{p}{n:05d}.{ex}", st.sampled_from(_PREFIXES[ex]), st.integers(0, 99_999))
)
hk = st.builds(lambda n: f"{n:05d}.HK", st.integers(1, 99_999))
us = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=5)


@pytest.mark.timeout(60)
@given(st.one_of(cn, hk, us), st.sampled_from(["tushare", "akshare", "yahoo", "alphavantage"]))
def test_round_trip(symbol: str, source: str) -> None:
    try:
        form = to_source(source, symbol)  # type: ignore[arg-type]
    except NotCoveredError:
        return
    assert from_source(source, form) == symbol  # type: ignore[arg-type]


@pytest.mark.timeout(10)
def test_documented_forms() -> None:
    assert to_source("akshare", "000001.SZ") == "0.000001"
    assert to_source("akshare", "600000.SH") == "1.600000"
    assert to_source("yahoo", "600000.SH") == "600000.SS"
    assert to_source("yahoo", "00700.HK") == "0700.HK"
    assert to_source("alphavantage", "000001.SZ") == "000001.SHZ"
    assert to_source("alphavantage", "600000.SH") == "600000.SHH"

"""The realtime calls against the look-alikes: every source agrees, failover is stated, faults are typed errors."""

from __future__ import annotations

import asyncio

import pytest

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.errors import MalformedReplyError, ParameterError
from tushare_typed.realtime import Realtime, RealtimeSettings
from tushare_typed.realtime._eastmoney import parse_quote
from tushare_typed.realtime._sina import parse_quotes
from tushare_typed.realtime._tencent import parse_page
from tushare_typed.sources import AllSourcesFailedError
from tushare_typed.testing._realtime import RealtimeLookalikes

CODES = "000001.SZ,600000.SH,830001.BJ"
pytestmark = pytest.mark.timeout(60)


def test_quote_sources_agree(realtime: Realtime) -> None:
    sina = realtime.quote(CODES, src="sina", failover=False)
    dc = realtime.quote(CODES, src="dc", failover=False)
    assert (sina.source, dc.source) == ("sina", "dc")
    assert [q.ts_code for q in sina] == CODES.split(",")
    assert sina.rows == dc.rows  # same units whatever the source (shares, CNY)
    first = sina.rows[0]
    assert first.low is not None and first.high is not None and first.price is not None
    assert first.low <= first.price <= first.high
    assert first.b1_p is not None and first.a1_p is not None and first.b1_p < first.a1_p


def test_unknown_code_is_listed_not_invented(realtime: Realtime) -> None:
    quotes = realtime.quote(["000001.SZ", "999999.SH"])
    assert [q.ts_code for q in quotes] == ["000001.SZ"]
    assert quotes.missing == ["999999.SH"]
    assert realtime.quote("999999.SZ", src="dc").missing == ["999999.SZ"]


@pytest.mark.parametrize("src", ["dc", "sina"])
def test_board_is_whole_and_sorted(realtime: Realtime, lookalikes: RealtimeLookalikes, src: str) -> None:
    board = realtime.list(src=src)
    assert board.source == src and board.completed
    assert sorted(row.ts_code for row in board) == sorted(lookalikes.board)
    gains = [row.pct_change for row in board]
    assert all(g is not None for g in gains) and gains == sorted(gains, reverse=True)  # type: ignore[type-var]
    assert ("SWING" in board.to_pandas().columns) == (src == "dc")


def test_board_page_bound_says_not_completed(realtime: Realtime) -> None:
    board = realtime.list(src="sina", max_pages=2)
    assert not board.completed and len(board) == 160 and board.pages == 2


@pytest.mark.parametrize("src", ["tx", "sina", "dc"])
def test_ticks_agree(realtime: Realtime, src: str) -> None:
    ticks = realtime.tick("000001.SZ", src=src, failover=False)
    reference = realtime.tick("000001.SZ", src="tx", failover=False)
    assert ticks.source == src and len(ticks) == len(reference) == 150
    assert [(t.time, t.price, t.volume, t.type) for t in ticks] == [
        (t.time, t.price, t.volume, t.type) for t in reference
    ]


@pytest.mark.parametrize("mode", ["outage", "html", "garbage"])
def test_failover_is_stated(realtime: Realtime, lookalikes: RealtimeLookalikes, mode: str) -> None:
    lookalikes.mode["sina"] = mode
    quotes = realtime.quote(CODES)
    assert quotes.source == "dc"
    assert [f.source for f in quotes.failovers] == ["sina"]
    assert quotes.failovers[0].reason == ("outage" if mode == "outage" else "malformed")
    assert "passed over" in repr(quotes)


def test_slow_source_times_out_and_fails_over(realtime: Realtime, lookalikes: RealtimeLookalikes) -> None:
    lookalikes.mode["tx"] = "slow"
    ticks = realtime.tick("000001.SZ")
    assert ticks.source == "sina" and ticks.failovers[0].code.startswith("SERVICE")


def test_every_source_down(realtime: Realtime, lookalikes: RealtimeLookalikes) -> None:
    lookalikes.mode.update(sina="outage", dc="garbage")
    with pytest.raises(AllSourcesFailedError) as caught:
        realtime.quote(CODES)
    assert [name for name, _ in caught.value.attempts] == ["sina", "dc"]
    assert "sina" in caught.value.message and "dc" in caught.value.message


def test_no_failover_when_asked(realtime: Realtime, lookalikes: RealtimeLookalikes) -> None:
    lookalikes.mode["dc"] = "html"
    with pytest.raises(AllSourcesFailedError, match="HTML"):
        realtime.list(src="dc", failover=False)
    assert lookalikes.calls["sina"] == 0


def test_breaker_skips_a_failing_source(realtime: Realtime, lookalikes: RealtimeLookalikes) -> None:
    lookalikes.mode["sina"] = "outage"
    for _ in range(4):
        realtime.quote("000001.SZ")
    assert lookalikes.calls["sina"] == 3 and realtime.health()["sina"] == "open"


@pytest.mark.parametrize(
    ("codes", "problem"),
    [
        ("000001", "tushare form"),
        ("", "no code"),
        (["1.SZ"], "tushare form"),
        ([f"{k:06d}.SZ" for k in range(1001)], "at most"),
    ],
)
def test_bad_codes(realtime: Realtime, codes: object, problem: str) -> None:
    with pytest.raises(ParameterError, match=problem):
        realtime.quote(codes)  # type: ignore[arg-type]


def test_bad_arguments(realtime: Realtime) -> None:
    with pytest.raises(ParameterError, match="src='tx'"):
        realtime.quote("000001.SZ", src="tx")
    with pytest.raises(ParameterError, match="max_pages"):
        realtime.list(max_pages=0)
    with pytest.raises(ParameterError, match="ticks take one"):
        realtime.tick("000001.SZ,600000.SH")
    with pytest.raises(ParameterError, match="not an http"):
        RealtimeSettings.resolve(urls={"sina": "ftp://x"}, environ={})


def test_strict_decoding() -> None:
    with pytest.raises(MalformedReplyError, match="fields"):
        parse_quotes('var hq_str_sz000001="name,1,2";', ["000001.SZ"])
    with pytest.raises(MalformedReplyError, match="not a number"):
        parse_quotes('var hq_str_sz000001="n,' + ",".join(["x"] * 33) + '";', ["000001.SZ"])
    with pytest.raises(MalformedReplyError, match="no line for"):
        parse_quotes('var hq_str_sh600000="";', ["000001.SZ"])
    with pytest.raises(MalformedReplyError, match="f59"):
        parse_quote("000001.SZ", {"f59": "two", "f86": 1})
    with pytest.raises(MalformedReplyError, match="v_detail_data"):
        parse_page("<html>blocked</html>", "sz000001")
    assert parse_page("", "sz000001") == []


def test_both_clients(lookalike_env: RealtimeLookalikes) -> None:
    with TushareClient(token="t") as client:
        sync = client.realtime.quote(CODES)

    async def run() -> tuple[object, object]:
        async with AsyncTushareClient(token="t") as aclient:
            quotes = await aclient.realtime.quote(CODES)
            ticks = await aclient.realtime.tick("600000.SH", src="dc")
            return quotes, ticks

    quotes, ticks = asyncio.run(run())
    assert quotes.rows == sync.rows  # type: ignore[attr-defined]
    assert ticks.source == "dc" and len(ticks) == 150  # type: ignore[attr-defined, arg-type]

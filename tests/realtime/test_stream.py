"""stream_quotes: only what changed, bounded state, failures retried then raised, clean ends (both halves)."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from tushare_typed.errors import ParameterError
from tushare_typed.realtime import AsyncRealtime, Quote, Realtime, stream_quotes
from tushare_typed.sources import AllSourcesFailedError
from tushare_typed.testing._realtime import RealtimeLookalikes

CODES = [f"{600000 + k:06d}.SH" for k in range(20)]
pytestmark = pytest.mark.timeout(60)


def _expected_changes(lookalikes: RealtimeLookalikes, realtime: Realtime, steps: int) -> list[list[Quote]]:
    """What each poll should yield, computed from plain quote calls on a second look-alike of the same seed."""
    with (
        RealtimeLookalikes(seed=7) as twin,
        Realtime(type(realtime.settings).resolve(urls=twin.urls(), environ={})) as core,
    ):
        previous: dict[str, Quote] = {}
        polls = []
        for _ in range(steps):
            rows = core.quote(CODES).rows
            polls.append([q for q in rows if previous.get(q.ts_code) != q])
            previous.update((q.ts_code, q) for q in rows)
            twin.market.advance()
        return polls


def test_sync_stream_yields_only_changes(lookalikes: RealtimeLookalikes, realtime: Realtime) -> None:
    expected = _expected_changes(lookalikes, realtime, 4)
    assert len(expected[0]) == len(CODES) and 0 < len(expected[1]) < len(CODES)
    stream = stream_quotes(CODES, 0.05, realtime=realtime, sleep=lambda _: lookalikes.market.advance())
    got = list(itertools.islice(stream, sum(len(poll) for poll in expected)))
    stream.close()
    assert got == [quote for poll in expected for quote in poll]


def test_async_stream_yields_only_changes(lookalikes: RealtimeLookalikes, realtime: Realtime) -> None:
    expected = _expected_changes(lookalikes, realtime, 3)
    wanted = sum(len(poll) for poll in expected)

    async def run() -> list[Quote]:
        got: list[Quote] = []
        stream = AsyncRealtime(realtime).stream_quotes(CODES, 0.05)
        async for quote in stream:
            got.append(quote)
            if len(got) in (len(expected[0]), len(expected[0]) + len(expected[1])):
                lookalikes.market.advance()  # the next poll sees one step more
            if len(got) == wanted:
                break
        await stream.aclose()
        return got

    assert asyncio.run(run()) == [quote for poll in expected for quote in poll]


def test_failures_are_retried_then_raised(lookalikes: RealtimeLookalikes, realtime: Realtime) -> None:
    lookalikes.mode.update(sina="outage", dc="outage")
    naps: list[float] = []
    stream = stream_quotes(["000001.SZ"], 0.05, realtime=realtime, max_failures=2, sleep=naps.append)
    with pytest.raises(AllSourcesFailedError):
        next(stream)
    assert len(naps) == 1  # one failure waited out, the second raised


def test_recovery_resets_the_failure_count(lookalikes: RealtimeLookalikes, realtime: Realtime) -> None:
    lookalikes.mode.update(sina="outage", dc="outage")

    def heal(_: float) -> None:
        lookalikes.mode.clear()

    stream = stream_quotes(["000001.SZ"], 0.05, realtime=realtime, max_failures=2, sleep=heal)
    assert next(stream).ts_code == "000001.SZ"
    stream.close()


def test_cancel_while_waiting_ends_cleanly(realtime: Realtime) -> None:
    async def run() -> bool:
        async def consume() -> None:
            async for _ in AsyncRealtime(realtime).stream_quotes(CODES, 30.0):
                pass

        task = asyncio.create_task(consume())
        await asyncio.sleep(0.5)  # the first poll is in, the stream waits 30 s for the next
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 2.0)
        return task.cancelled()

    assert asyncio.run(run())


def test_a_consumer_that_stops_reading_stops_the_polling(lookalikes: RealtimeLookalikes, realtime: Realtime) -> None:
    stream = stream_quotes(CODES, 0.05, realtime=realtime)
    next(stream)
    calls = lookalikes.calls["sina"]
    asyncio.run(asyncio.sleep(0.3))
    assert lookalikes.calls["sina"] == calls  # nothing polls while nobody reads: no queue grows
    stream.close()


@pytest.mark.parametrize(("interval", "failures"), [(0.0, 3), (-1, 3), (True, 3), (1.0, 0)])
def test_bad_arguments(realtime: Realtime, interval: object, failures: int) -> None:
    with pytest.raises(ParameterError):
        stream_quotes(["000001.SZ"], interval, realtime=realtime, max_failures=failures)  # type: ignore[arg-type]

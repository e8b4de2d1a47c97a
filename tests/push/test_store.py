"""Streams into the local store: each (code, time) once across reconnects that replay, minute bars from ticks."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest

from tushare_typed.push import PushRecord, PushStore, TsTick
from tushare_typed.push._protocol import Frame
from tushare_typed.push._records import TOPICS
from tushare_typed.testing._push import PushEmulator
from tushare_typed.testing._push_ticks import record

from .conftest import FAST, HALVES, Half, read

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("half", HALVES)
def test_replayed_records_are_stored_once(half: Half, push: PushEmulator, tmp_path: Path) -> None:
    push.drop_after, push.replay = 15, 5  # every reconnect replays the last 5 records
    path = tmp_path / "store.duckdb"
    records, stats = read(half, push.url, "HQ_STK_TICK", ["600000.SH", "600001.SH"], 80, to_store=path, **FAST)
    keys = {(r.ts_code, r.trade_time) for r in records}
    assert len(keys) < len(records)  # the replays reached the consumer ...
    store = PushStore(path)
    try:
        stored = store.count("HQ_STK_TICK")
    finally:
        store.close()
    assert stats.reconnects >= 3
    assert stored == stats.stored >= len(keys)  # ... and the store kept each record once, all of them


def test_a_write_of_known_records_adds_nothing(tmp_path: Path) -> None:
    store = PushStore(tmp_path / "s.duckdb")
    decode = TOPICS["HQ_STK_MIN"].decode
    frames = [
        Frame("1MIN:600000.SH", cast(PushRecord, decode(record(0, "HQ_STK_MIN", "1MIN:600000.SH", n))))
        for n in range(10)
    ]
    try:
        assert store.write("HQ_STK_MIN", frames) == 10
        assert store.write("HQ_STK_MIN", frames[5:] + frames[:2]) == 0
        assert store.count("HQ_STK_MIN") == 10
    finally:
        store.close()


def test_minute_bars_roll_up_from_ticks(tmp_path: Path) -> None:
    decode = TOPICS["HQ_STK_TICK"].decode
    ticks = [
        cast(TsTick, decode(record(3, "HQ_STK_TICK", "600000.SH", n))) for n in range(60)
    ]  # 3 minutes of 3 s ticks
    store = PushStore(tmp_path / "s.duckdb")
    try:
        store.write("HQ_STK_TICK", [Frame("600000.SH", tick) for tick in ticks])
        assert store.roll_up_minutes() == 3
        bars = store.minute_bars("600000.SH")
    finally:
        store.close()
    assert [bar.trade_time.minute for bar in bars] == [31, 32, 33]
    first = ticks[:20]
    assert bars[0].open == first[0].last_price and bars[0].close == first[-1].last_price
    assert bars[0].high == max(t.last_price for t in first if t.last_price is not None)
    assert bars[1].vol == ticks[39].volume - ticks[19].volume  # type: ignore[operator]
    assert sum(bar.vol or 0 for bar in bars) == ticks[-1].volume - ticks[0].volume  # type: ignore[operator]

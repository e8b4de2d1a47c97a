"""Figures of the push feed client (`client.stream`), on loopback against the push emulator.

    python scripts/bench_stream.py [--records 200000] [--drops 20]

1. Records decoded and dispatched per second on one core: pre-encoded HQ_STK_TICK frames (TsTick, 52 fields; and
   HQ_STK_MIN frames, TsMin) of 2,000 codes read by the protocol core (JSON, checks, typed record), queued and taken
   by a consumer in batches as the stream's reader and consumer do; CPU time of this process. The goal is ≥ 50,000.
2. Reconnect to first record: the emulator closes each connection after 200 records; for each of DROPS drops, the
   time from the last record before the drop to the first one after it, as the consumer sees it (the gap includes
   the backoff, the new connection, the subscription and the first frame). The goal is < 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from tushare_typed import TushareClient
from tushare_typed.push._options import stream_options
from tushare_typed.push._protocol import read_frame, subscription
from tushare_typed.push._stream import AsyncRecordStream
from tushare_typed.testing import DEFAULT_TOKEN
from tushare_typed.testing._push import PushEmulator
from tushare_typed.testing._push_ticks import record
from tushare_typed.token import Secret


def _frames(topic: str, codes: list[str], count: int) -> list[str]:
    texts = []
    for n in range(count):
        code = codes[n % len(codes)]
        data = {"topic": topic, "code": code, "record": record(0, topic, code, n // len(codes))}
        texts.append(json.dumps({"status": True, "message": "", "data": data}, ensure_ascii=False))
    return texts


async def _dispatch(topic: str, codes: list[str], texts: list[str]) -> tuple[int, float]:
    sub = subscription(topic, codes)
    stream = AsyncRecordStream(sub, Secret(DEFAULT_TOKEN), stream_options(url="ws://127.0.0.1:1/x"), None)
    stream._task = asyncio.get_running_loop().create_future()  # type: ignore[assignment]  # no reader: we feed it
    taken = 0
    started = time.process_time()
    for text in texts:
        frame = read_frame(sub, text, stream.stats)
        if frame is not None:
            await stream._put(frame)
        if len(stream._queue) >= 512:
            taken += len(await stream.take(512))
    while stream._queue:
        taken += len(await stream.take(512))
    return taken, time.process_time() - started


def throughput(records: int) -> None:
    for topic, codes in (
        ("HQ_STK_TICK", [f"{600000 + i:06d}.SH" for i in range(2000)]),
        ("HQ_STK_MIN", [f"1MIN:{600000 + i:06d}.SH" for i in range(2000)]),
    ):
        texts = _frames(topic, codes, records)
        size = sum(len(text) for text in texts) / len(texts)
        taken, seconds = asyncio.run(_dispatch(topic, codes, texts))
        assert taken == records
        rate = taken / seconds
        print(f"{topic}: {rate:,.0f} records/s decoded and dispatched ({size:.0f} B frames, {seconds:.2f} s CPU)")


def reconnects(drops: int) -> None:
    with PushEmulator(rate=2000) as push:
        push.drop_after = 200
        gaps: list[float] = []
        client = TushareClient(token=DEFAULT_TOKEN)
        with client.stream("HQ_STK_TICK", ["600000.SH"], url=push.url, max_retries=None) as stream:
            last, connects = time.monotonic(), 1
            for _ in stream:
                now = time.monotonic()
                if stream.stats.connects > connects:
                    connects = stream.stats.connects
                    gaps.append(now - last)
                    if len(gaps) >= drops:
                        break
                last = now
    print(
        f"reconnect to first record over {len(gaps)} drops: median {statistics.median(gaps) * 1000:.0f} ms, "
        f"max {max(gaps) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--drops", type=int, default=20)
    args = parser.parse_args()
    throughput(args.records)
    reconnects(args.drops)


if __name__ == "__main__":
    main()

"""A push emulator per test, and one way to read a stream from either half (sync client or async client)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

import pytest

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.push import StreamStats
from tushare_typed.testing import DEFAULT_TOKEN
from tushare_typed.testing._push import PushEmulator

Half = Literal["sync", "async"]
HALVES: tuple[Half, ...] = ("sync", "async")
# Keep-alives and deadlines short enough that the fault tests finish in seconds.
FAST: dict[str, Any] = {"heartbeat": 0.2, "dead_after": 0.8}


@pytest.fixture
def push() -> Iterator[PushEmulator]:
    with PushEmulator(rate=2000) as running:
        yield running


def read(
    half: Half,
    url: str,
    topic: str,
    codes: str | Iterable[str],
    count: int,
    *,
    token: str = DEFAULT_TOKEN,
    consume: Callable[[Any], None] = lambda record: None,
    **options: Any,
) -> tuple[list[Any], StreamStats]:
    """The first ``count`` records of a stream (fewer if it ends) and its counts, through ``half``."""
    records: list[Any] = []
    if half == "sync":
        with TushareClient(token=token).stream(topic, codes, url=url, **options) as stream:  # type: ignore[arg-type]
            for record in stream:
                records.append(record)
                consume(record)
                if len(records) >= count:
                    break
            return records, stream.stats

    async def run() -> StreamStats:
        async with AsyncTushareClient(token=token).stream(topic, codes, url=url, **options) as stream:  # type: ignore[arg-type]
            async for record in stream:
                records.append(record)
                consume(record)
                if len(records) >= count:
                    break
            return stream.stats

    return records, asyncio.run(run())


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    return function(), time.monotonic() - started

"""client.stream against the push emulator, on both halves: typed records, wildcards, and every fault — drops,
stalls, garbage, refusals, an unreachable server, a slow consumer, thousands of codes — each ending in records
or a clear error within a bound, never a hang."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import pytest

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.errors import AuthError, ParameterError, ServiceConnectionError
from tushare_typed.push import TOPICS, TsTick
from tushare_typed.testing import DEFAULT_TOKEN
from tushare_typed.testing._push import PushEmulator
from tushare_typed.testing._push_ticks import record

from .conftest import FAST, HALVES, Half, read, timed

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("half", HALVES)
def test_records_are_typed_and_deterministic(half: Half, push: PushEmulator) -> None:
    records, stats = read(half, push.url, "HQ_STK_TICK", ["600000.SH", "000001.SZ"], 6)
    assert all(isinstance(r, TsTick) for r in records)
    decode = TOPICS["HQ_STK_TICK"].decode
    assert records[:2] == [decode(record(0, "HQ_STK_TICK", code, 0)) for code in ("600000.SH", "000001.SZ")]
    assert stats.records >= 6 and stats.malformed == 0 and stats.reconnects == 0


@pytest.mark.parametrize("half", HALVES)
def test_wildcards_bring_every_matching_code(half: Half, push: PushEmulator) -> None:
    records, _ = read(half, push.url, "HQ_STK_TICK", ["*.SZ"], 80)
    codes = {r.ts_code for r in records}
    assert len(codes) > 50 and all(code.endswith(".SZ") for code in codes)
    assert push.subscriptions == [{"HQ_STK_TICK": ["*.SZ"]}]


@pytest.mark.parametrize("half", HALVES)
def test_dropped_connections_are_remade_and_resubscribed(half: Half, push: PushEmulator) -> None:
    push.drop_after = 25
    records, stats = read(half, push.url, "HQ_STK_TICK", ["600000.SH"], 120, **FAST)
    assert len(records) == 120
    assert stats.reconnects >= 4 and push.connections == stats.connects
    assert all(sub == {"HQ_STK_TICK": ["600000.SH"]} for sub in push.subscriptions)


@pytest.mark.parametrize("half", HALVES)
def test_a_stalled_server_is_taken_for_dead_and_replaced(half: Half, push: PushEmulator) -> None:
    push.stall_after = 10
    records, stats = read(half, push.url, "HQ_STK_TICK", ["600000.SH"], 25, **FAST)
    assert len(records) == 25 and stats.reconnects >= 1


@pytest.mark.parametrize("half", HALVES)
def test_garbage_is_skipped_and_counted(half: Half, push: PushEmulator) -> None:
    push.garbage_every = 4
    records, stats = read(half, push.url, "HQ_STK_TICK", ["600000.SH"], 60)
    assert len(records) == 60 and all(r.ts_code == "600000.SH" for r in records)
    assert stats.malformed >= 15 and stats.reconnects == 0


@pytest.mark.parametrize("half", HALVES)
def test_a_wrong_token_fails_at_once_without_reconnecting(half: Half, push: PushEmulator) -> None:
    token = "wrong-token-0123456789abcdef"
    with pytest.raises(AuthError) as caught:
        timed(lambda: read(half, push.url, "HQ_STK_TICK", ["600000.SH"], 5, token=token))
    assert push.connections == 1
    assert token not in str(caught.value) and token not in repr(caught.value)


@pytest.mark.parametrize("half", HALVES)
def test_a_refused_subscription_is_an_auth_error(half: Half, push: PushEmulator) -> None:
    push.refuse_subscriptions = True
    with pytest.raises(AuthError, match="权限"):
        read(half, push.url, "HQ_STK_TICK", ["600000.SH"], 5)
    assert push.connections == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("half", HALVES)
def test_an_unreachable_server_ends_in_a_connection_error(half: Half) -> None:
    url = f"ws://127.0.0.1:{_closed_port()}/listening"
    with pytest.raises(ServiceConnectionError, match="failed 3 times in a row"):
        read(half, url, "HQ_STK_TICK", ["600000.SH"], 1, max_retries=2)


@pytest.mark.parametrize("half", HALVES)
def test_a_slow_consumer_with_drop_oldest_loses_the_oldest_counted(half: Half, push: PushEmulator) -> None:
    records, stats = read(
        half,
        push.url,
        "HQ_STK_TICK",
        ["*.SH"],
        20,
        queue_size=5,
        on_slow="drop_oldest",
        consume=lambda _: time.sleep(0.05),
    )
    assert len(records) == 20 and stats.dropped > 0
    assert stats.records - stats.dropped - 20 <= 5 + 512  # at most the queue and one hand-over batch in between


@pytest.mark.parametrize("half", HALVES)
def test_a_slow_consumer_with_wait_loses_nothing(half: Half, push: PushEmulator) -> None:
    records, stats = read(
        half, push.url, "HQ_STK_TICK", ["600000.SH"], 30, queue_size=3, consume=lambda _: time.sleep(0.01)
    )
    assert stats.dropped == 0
    times = [r.trade_time for r in records]
    assert times == sorted(times) and len(set(times)) == 30  # consecutive ticks, none missing


@pytest.mark.parametrize("half", HALVES)
def test_thousands_of_codes(half: Half, push: PushEmulator) -> None:
    codes = [f"{i:06d}.SZ" for i in range(5000)]
    records, stats = read(half, push.url, "HQ_STK_TICK", codes, 200)
    assert len(records) == 200 and stats.unmatched == 0
    assert len(push.subscriptions[0]["HQ_STK_TICK"]) == 5000


def test_bad_options_fail_at_the_call(push: PushEmulator) -> None:
    client = TushareClient(token=DEFAULT_TOKEN)
    for options, message in (
        ({"url": "ws://example.com/listening"}, "unencrypted"),
        ({"url": "http://127.0.0.1/x"}, "not a ws:// or wss://"),
        ({"on_slow": "block"}, "not a policy"),
        ({"heartbeat": 5.0, "dead_after": 5.0}, "must exceed"),
        ({"queue_size": 0}, "queue_size"),
    ):
        with pytest.raises(ParameterError, match=message):
            client.stream("HQ_STK_TICK", ["600000.SH"], **{"url": push.url, **options})  # type: ignore[arg-type]


def test_the_endpoint_comes_from_the_environment(push: PushEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUSHARE_TYPED_WS_URL", push.url)
    with TushareClient(token=DEFAULT_TOKEN).stream("HQ_STK_TICK", "600000.SH") as stream:
        assert next(stream).ts_code == "600000.SH"


def test_closing_a_sync_stream_on_a_stalled_server_is_prompt(push: PushEmulator) -> None:
    push.stall_after = 3
    before = threading.active_count()
    stream = TushareClient(token=DEFAULT_TOKEN).stream("HQ_STK_TICK", ["600000.SH"], url=push.url)
    for _ in range(3):
        next(stream)
    _, seconds = timed(stream.close)
    assert seconds < 5 and threading.active_count() <= before
    with pytest.raises(StopIteration):
        next(stream)


def test_an_async_stream_cancelled_while_waiting_closes_cleanly(push: PushEmulator) -> None:
    push.stall_after = 2

    async def run() -> Any:
        stream = AsyncTushareClient(token=DEFAULT_TOKEN).stream("HQ_STK_TICK", ["600000.SH"], url=push.url)
        waiting = asyncio.ensure_future(asyncio.wait_for(_drain(stream), 1.0))
        with pytest.raises(TimeoutError):
            await waiting
        await stream.aclose()
        return stream

    stream = asyncio.run(run())
    assert stream.stats.records >= 2


async def _drain(stream: Any) -> None:
    async for _ in stream:
        pass


def test_the_token_is_in_no_repr(push: PushEmulator) -> None:
    with TushareClient(token=DEFAULT_TOKEN).stream("HQ_STK_TICK", ["600000.SH"], url=push.url) as stream:
        next(stream)
        assert DEFAULT_TOKEN not in repr(stream) and DEFAULT_TOKEN not in repr(stream.stats)

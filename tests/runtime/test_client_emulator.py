"""The generated client end to end against the emulator (real HTTP on 127.0.0.1): paging, de-duplication, resume
after a fault, and one shared limiter keeping threads and asyncio tasks under the server's quota."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.errors import ServiceError
from tushare_typed.ratelimit import RateLimit, RateLimiter
from tushare_typed.testing import Faults, TushareEmulator

from ..hostile.catalogs import keyed_catalog

QUERY = {"ts_code": "000001.SZ", "end_date": "20241231"}


def _client(emulator: TushareEmulator, **options: object) -> TushareClient:
    return TushareClient(token=emulator.token, base_url=emulator.url, **options)  # type: ignore[arg-type]


def test_every_row_of_a_50000_row_query_exactly_once() -> None:
    with TushareEmulator(total_rows={"daily": 50_000}) as emulator, _client(emulator) as client:
        response = client.daily(ts_code="000001.SZ", end_date="20241231")
        expected = emulator.rows("daily", QUERY)[1]
        calls = emulator.calls("daily")
    assert response.completed
    assert response.next_offset is None
    assert calls == response.pages == 9
    assert [list(row) for row in response.rows] == expected
    assert len(set(response.rows)) == 50_000


def test_overlapping_pages_are_deduplicated_by_key() -> None:
    with (
        TushareEmulator(total_rows={"daily": 15_000}, overlap={"daily": 100}) as emulator,
        _client(emulator) as c,
    ):
        # The packaged metadata keys daily by (ts_code, trade_date).
        response = c.daily(ts_code="000001.SZ", end_date="20241231")
        expected = emulator.rows("daily", QUERY)[1]
    assert [list(row) for row in response.rows] == expected
    assert response.duplicates_dropped == 200


def test_without_keys_overlapping_pages_are_kept_whole() -> None:
    unkeyed = keyed_catalog({"daily": ()})
    with (
        TushareEmulator(total_rows={"daily": 15_000}, overlap={"daily": 100}) as emulator,
        _client(emulator, catalog=unkeyed) as c,
    ):
        response = c.daily(ts_code="000001.SZ", end_date="20241231")
    assert len(response) == 15_200
    assert response.duplicates_dropped == 0


def test_a_fault_midway_gives_partial_rows_and_a_working_resume() -> None:
    faults = Faults(on_calls={2: "http_500"})
    with (
        TushareEmulator(total_rows={"daily": 15_000}, faults=faults) as emulator,
        _client(emulator, max_retries=0) as c,
    ):
        with pytest.raises(ServiceError) as caught:
            c.daily(ts_code="000001.SZ", end_date="20241231")
        error = caught.value
        rest = c.daily(ts_code="000001.SZ", end_date="20241231", offset=error.next_offset or 0)
        expected = emulator.rows("daily", QUERY)[1]
    partial = error.partial
    assert error.next_offset == 6000
    assert partial is not None
    assert len(partial.rows) == 6000  # type: ignore[attr-defined]
    rows = [list(row) for row in [*partial.rows, *rest.rows]]  # type: ignore[attr-defined]
    assert rows == expected


def test_threads_and_tasks_sharing_one_limiter_never_trip_the_quota() -> None:
    quota, window = 12, 2.0
    with TushareEmulator(quota=quota, window=window, total_rows=10) as emulator:
        limiter = RateLimiter(RateLimit(calls=quota, period=window), key=emulator.token)
        sync_client = _client(emulator, limiter=limiter)
        errors: list[BaseException] = []

        def hammer() -> None:
            try:
                for _ in range(4):
                    sync_client.daily(ts_code="000001.SZ")
            except BaseException as error:  # reported below, with the thread's failure
                errors.append(error)

        async def tasks() -> None:
            async with AsyncTushareClient(token=emulator.token, base_url=emulator.url, limiter=limiter) as client:
                await asyncio.gather(*(client.daily(ts_code="000001.SZ") for _ in range(4 * 4)))

        threads = [threading.Thread(target=hammer) for _ in range(8)]
        for thread in threads:
            thread.start()
        asyncio.run(tasks())
        for thread in threads:
            thread.join()
        sync_client.close()
        rejections = emulator.rejections()
        calls = emulator.calls("daily")
    assert errors == []
    assert calls == 8 * 4 + 16
    assert rejections == 0

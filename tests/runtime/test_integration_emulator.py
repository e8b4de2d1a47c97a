"""The limiter and the paginator against the emulator, over real HTTP on 127.0.0.1.

A plain httpx fetch (``emulator_helpers``) stands in for the client transport, which is tested on its own.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tushare_typed._internal.paginator import PageResult, apaginate, iter_pages, paginate
from tushare_typed.catalog import Catalog
from tushare_typed.errors import MalformedReplyError, RateLimitError, ServiceConnectionError, ServiceError
from tushare_typed.ratelimit import RateLimit, RateLimiter, SQLiteBackend
from tushare_typed.testing import DEFAULT_TOKEN, Faults, TushareEmulator

from .emulator_helpers import AsyncEmulatorFetch, EmulatorFetch, decode, request_body

ROW_LIMIT = 6000  # daily's row_limit in the test catalog
# The record identity of the test catalog\'s daily rows: overlaps at page seams are recognised by it.
KEYS = ("ts_code", "trade_date")


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


# --- paging ------------------------------------------------------------------------------------------------------


def test_a_50000_row_query_returns_every_row_exactly_once(catalog: Catalog, http: httpx.Client) -> None:
    with TushareEmulator(catalog, total_rows={"daily": 50_000}) as emulator:
        fetch = EmulatorFetch(http, emulator.url, "daily", params={"end_date": "20241231"})
        result = paginate(fetch, catalog.get("daily").row_limit or 0, api_name="daily")
        expected = emulator.rows("daily", {"end_date": "20241231"})[1]
    assert result.completed
    assert result.next_offset is None
    assert fetch.calls == result.pages == 9
    assert len(result.items) == 50_000
    assert result.items == expected
    assert len({tuple(row) for row in result.items}) == 50_000


def test_overlapping_pages_are_deduplicated(catalog: Catalog, http: httpx.Client) -> None:
    with TushareEmulator(catalog, total_rows={"daily": 20_000}, overlap={"daily": 250}) as emulator:
        result = paginate(EmulatorFetch(http, emulator.url, "daily"), ROW_LIMIT, keys=KEYS)
        expected = emulator.rows("daily")[1]
    assert result.items == expected
    assert result.duplicates_dropped == 250 * (result.pages - 1)
    assert result.pages == 4


def test_a_fault_midway_yields_partial_rows_and_a_working_resume(catalog: Catalog, http: httpx.Client) -> None:
    faults = Faults(on_calls={3: "http_500"})
    with TushareEmulator(catalog, total_rows={"daily": 20_000}, faults=faults) as emulator:
        fetch = EmulatorFetch(http, emulator.url, "daily")
        with pytest.raises(ServiceError) as info:
            paginate(fetch, ROW_LIMIT, keys=KEYS)
        partial = info.value.partial
        assert isinstance(partial, PageResult)
        assert (len(partial.items), partial.completed, info.value.next_offset) == (12_000, False, 12_000)
        rest = paginate(fetch, ROW_LIMIT, start_offset=info.value.next_offset)
        assert partial.items + rest.items == emulator.rows("daily")[1]


@pytest.mark.parametrize("kind", ["drop", "truncate"])
def test_resume_after_a_fault_with_overlapping_pages(catalog: Catalog, http: httpx.Client, kind: str) -> None:
    faults = Faults(on_calls={2: kind})  # type: ignore[dict-item]
    with TushareEmulator(catalog, total_rows={"daily": 15_000}, overlap={"daily": 40}, faults=faults) as emulator:
        fetch = EmulatorFetch(http, emulator.url, "daily")
        expected_error = ServiceConnectionError if kind == "drop" else MalformedReplyError
        with pytest.raises(expected_error) as info:
            paginate(fetch, ROW_LIMIT, keys=KEYS)
        assert isinstance(info.value.partial, PageResult)
        result = paginate(fetch, ROW_LIMIT, resume=info.value.partial, keys=KEYS)
        assert result.items == emulator.rows("daily")[1]
        assert result.pages == 3


def test_streaming_holds_one_page_at_a_time(catalog: Catalog, http: httpx.Client) -> None:
    with TushareEmulator(catalog, total_rows={"stk_mins": 20_000}) as emulator:
        fetch = EmulatorFetch(http, emulator.url, "stk_mins", fields="trade_time,close")
        sizes = [len(chunk.items) for chunk in iter_pages(fetch, 8000)]
        assert sizes == [8000, 8000, 4000]


async def test_async_paging_against_the_emulator(catalog: Catalog) -> None:
    with TushareEmulator(catalog, total_rows={"daily": 13_000}, overlap={"daily": 7}) as emulator:
        async with httpx.AsyncClient(timeout=10) as client:
            result = await apaginate(AsyncEmulatorFetch(client, emulator.url, "daily"), ROW_LIMIT, keys=KEYS)
        assert result.items == emulator.rows("daily")[1]


# --- rate limiting -----------------------------------------------------------------------------------------------

QUOTA = 12
WINDOW = 2.0


def test_threads_and_tasks_hammering_one_token_get_no_rejections(catalog: Catalog) -> None:
    """8 threads and 4 asyncio tasks share one limiter for ~2 windows; the server must never refuse a call."""
    limiter = RateLimiter(RateLimit(QUOTA, WINDOW), key=DEFAULT_TOKEN, min_margin=0.15)
    with TushareEmulator(catalog, quota=QUOTA, window=WINDOW, total_rows=5) as emulator:
        # Workers blocked in acquire at the deadline still get the window that opens at ~4.3 s, then stop.
        deadline = time.monotonic() + 2 * WINDOW
        codes: list[int] = []
        lock = threading.Lock()

        def thread_worker() -> None:
            with httpx.Client(timeout=10) as client:
                while time.monotonic() < deadline:
                    limiter.acquire("daily")
                    code = client.post(emulator.url, json=request_body("daily", DEFAULT_TOKEN, {}, "")).json()["code"]
                    # As the transport does: the call is logged when it was surely counted, not when admitted.
                    limiter.mark_sent("daily")
                    with lock:
                        codes.append(code)

        async def task_worker(client: httpx.AsyncClient) -> None:
            while time.monotonic() < deadline:
                await limiter.aacquire("daily")
                reply = await client.post(emulator.url, json=request_body("daily", DEFAULT_TOKEN, {}, ""))
                limiter.mark_sent("daily")
                codes.append(reply.json()["code"])

        async def tasks() -> None:
            async with httpx.AsyncClient(timeout=10) as client:
                await asyncio.gather(*(task_worker(client) for _ in range(4)))

        threads = [threading.Thread(target=thread_worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        asyncio.run(tasks())
        for thread in threads:
            thread.join()
        assert emulator.rejections() == 0
        assert set(codes) == {0}
        # Three windows started inside the run (at 0, ~2.15 s and ~4.3 s): the limiter did not just idle.
        assert len(codes) >= 2 * QUOTA


def test_a_limiter_learns_the_servers_cap_from_a_rejection(catalog: Catalog, http: httpx.Client) -> None:
    limiter = RateLimiter(key=DEFAULT_TOKEN, min_margin=0.05)  # knows no limit at all
    with TushareEmulator(catalog, quota=4, window=1.0) as emulator:
        stated: list[int | None] = []
        for _ in range(12):
            limiter.acquire("daily")
            try:
                decode(http.post(emulator.url, json=request_body("daily", DEFAULT_TOKEN, {}, "")), "daily")
            except RateLimitError as exc:
                stated.append(exc.limit_calls)
                # The message says "每分钟" (the real server's only wording); this emulator's window is 1 s.
                limiter.on_rate_limited("daily", exc.limit_calls, emulator.window)
        assert stated == [4]
        assert emulator.calls(outcome="ok") == 11


_CHILD = """
import sys, httpx
from tushare_typed.ratelimit import RateLimit, RateLimiter, SQLiteBackend
url, path, token = sys.argv[1:4]
limiter = RateLimiter(RateLimit(5, 1.0), key=token, min_margin=0.1, backend=SQLiteBackend(path))
body = {"api_name": "daily", "token": token, "params": {}, "fields": ""}
with httpx.Client(timeout=10) as client:
    codes = []
    for _ in range(8):
        limiter.acquire("daily")
        codes.append(client.post(url, json=body).json()["code"])
print(codes)
"""


def test_processes_sharing_a_token_through_sqlite_get_no_rejections(catalog: Catalog, tmp_path: Path) -> None:
    with TushareEmulator(catalog, quota=5, window=1.0, total_rows=5) as emulator:
        command = [sys.executable, "-c", _CHILD, emulator.url, str(tmp_path / "rl.sqlite3"), DEFAULT_TOKEN]
        children = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]  # noqa: S603
        outputs = [child.communicate(timeout=60)[0] for child in children]
        assert [json.loads(out) for out in outputs] == [[0] * 8, [0] * 8]
        assert emulator.rejections() == 0
        assert emulator.calls(outcome="ok") == 16


def test_sqlite_backend_file_is_reused_by_a_later_limiter(tmp_path: Path) -> None:
    path = tmp_path / "rl.sqlite3"
    RateLimiter(RateLimit(1, 30), key="k", backend=SQLiteBackend(path)).acquire("daily")
    later = RateLimiter(RateLimit(1, 30), key="k", backend=SQLiteBackend(path), max_wait=1)
    with pytest.raises(RateLimitError):
        later.acquire("daily")

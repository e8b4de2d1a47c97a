"""The Redis limiter backend against a real redis-server on 127.0.0.1 (scripts/services_redis.sh starts one and
TSGEN_TEST_REDIS_URL names it; without the variable a private server is started when redis-server is installed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tushare_typed.catalog import Catalog
from tushare_typed.ratelimit import RateLimit, RateLimiter, RedisBackend
from tushare_typed.testing import TushareEmulator

from ..store import fixtures as _store

# The store tests' catalog and emulator (their small per-day data), in place of tests/runtime's.
catalog = _store.catalog
emulator = _store.emulator


@pytest.fixture
def backend(redis_url: str) -> Iterator[RedisBackend]:
    made = RedisBackend(redis_url, prefix=f"test:{uuid.uuid4().hex}")
    yield made
    made.close()


@pytest.mark.timeout(20)
def test_windows_blocks_and_counts_are_shared(redis_url: str, backend: RedisBackend) -> None:
    other = RedisBackend(redis_url, prefix=backend._prefix)  # another process, as far as Redis can tell
    limiter = RateLimiter(RateLimit(3, 1.0), key="account", backend=backend, max_wait=0)
    twin = RateLimiter(RateLimit(3, 1.0), key="account", backend=other, max_wait=0)
    assert [limiter._try_acquire("daily")[0] for _ in range(2)] == [0.0, 0.0]
    assert twin._try_acquire("daily")[0] == 0.0
    wait, _ = twin._try_acquire("daily")
    assert 0.9 < wait <= 1.1 + 0.01  # the oldest of the three calls ages out of the widened window (0.1 s margin)
    assert limiter.count("daily", 2.0) == twin.count("daily", 2.0) == 3
    assert limiter._try_acquire("weekly")[0] == 0.0  # interfaces are counted apart
    limiter.on_rate_limited("weekly", 1, 1.0)
    assert twin._try_acquire("weekly")[0] > 0.9  # a 40203 seen by one process holds the others too
    other.close()


@pytest.mark.timeout(20)
def test_acquire_waits_until_the_window_has_room(backend: RedisBackend) -> None:
    limiter = RateLimiter(RateLimit(2, 0.3), key="k", backend=backend, min_margin=0.01)
    began = time.monotonic()
    for _ in range(5):
        limiter.acquire("daily")
    assert 0.55 <= time.monotonic() - began < 3.0  # 5 calls at 2 per ~0.31 s: two full waits


WORKER = textwrap.dedent(
    """
    import json, sys, threading, time
    import httpx
    from tushare_typed.ratelimit import RateLimit, RateLimiter
    from tushare_typed.ratelimit import RedisBackend

    redis_url, prefix, url, token, quota, window = sys.argv[1:7]
    backend = RedisBackend(redis_url, prefix=prefix)
    # A safety margin above the arrival jitter of a busy shared machine (a burst of 16 requests queues at the server).
    limiter = RateLimiter(RateLimit(int(quota), float(window)), key=token, backend=backend, min_margin=0.12)
    calls, lock = [], threading.Lock()
    body = {"api_name": "daily", "token": token, "params": {}, "fields": "ts_code"}

    def worker(client):
        while True:
            limiter.acquire("daily")
            granted = time.time()
            if granted >= deadline:
                return
            code = client.post(url, json=body).json()["code"]
            with lock:
                calls.append((granted, code))

    # Everything slow (HTTP clients, the Redis connection) is set up before the start signal.
    clients = [httpx.Client(timeout=30) for _ in range(8)]
    backend.server_time()
    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    print("ready", flush=True)
    start_at, deadline = map(float, sys.stdin.readline().split())  # both processes start together
    time.sleep(max(0.0, start_at - time.time()))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(calls))
    """
)


@pytest.mark.timeout(60)
def test_two_processes_of_eight_threads_share_one_quota(redis_url: str, catalog: Catalog) -> None:
    # Modest numbers: the bar is the share of the quota used, and a shared 2-core machine must keep up with it.
    quota, window, windows = 10, 3.0, 1.6
    prefix = f"test:{uuid.uuid4().hex}"
    root = Path(__file__).resolve().parents[2]
    with TushareEmulator(catalog, quota=quota, window=window, total_rows=1) as emulator:
        workers = [
            subprocess.Popen(  # noqa: S603 (our own interpreter and script)
                [
                    sys.executable,
                    "-c",
                    WORKER,
                    redis_url,
                    prefix,
                    emulator.url,
                    emulator.token,
                    str(quota),
                    str(window),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONPATH": str(root)},
            )
            for _ in range(2)
        ]
        for worker in workers:
            assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
        start_at = time.time() + 0.2
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write(f"{start_at} {start_at + windows * window}\n")
            worker.stdin.flush()
        finished = [worker.communicate(timeout=40) for worker in workers]
        outputs = [out for out, _ in finished]
        assert all(worker.returncode == 0 for worker in workers), [err for _, err in finished]
        rejections = emulator.rejections()
    calls = [tuple(call) for output in outputs for call in json.loads(output)]
    assert len(calls) >= 2 * quota, sorted(round(granted - start_at, 3) for granted, _ in calls)
    grants = sorted(granted for granted, _ in calls)
    assert all(code == 0 for _, code in calls), sorted((round(g - grants[0], 3), c) for g, c in calls)
    assert rejections == 0
    # Sustained rate after the first window's burst: the window over the median time `quota` calls took.
    spans = sorted(grants[i + quota] - grants[i] for i in range(len(grants) - quota))
    ratio = window / spans[len(spans) // 2]
    assert ratio >= 0.95, f"{len(calls)} calls, sustained {ratio:.3f} x quota"

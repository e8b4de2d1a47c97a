"""ratelimit.py: the sliding-window limiter, on a fake clock unless the test is about real concurrency."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tushare_typed.catalog import Catalog
from tushare_typed.errors import RateLimitError
from tushare_typed.ratelimit import (
    Limiter,
    MemoryBackend,
    RateLimit,
    RateLimiter,
    SQLiteBackend,
    WindowBackend,
    token_key,
)

MARGIN = 0.5


class FakeTime:
    """A clock that only moves when the limiter sleeps (or the test advances it)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def fake_limiter(
    fake: FakeTime,
    rate_limit: RateLimit | tuple[int, float] | int | None = None,
    *,
    backend: WindowBackend | None = None,
    **options: object,
) -> RateLimiter:
    return RateLimiter(
        rate_limit,
        clock=fake.clock,
        sleep=fake.sleep,
        async_sleep=fake.async_sleep,
        min_margin=MARGIN,
        margin_ratio=0.0,
        backend=backend,
        **options,  # type: ignore[arg-type]
    )


# --- RateLimit ---------------------------------------------------------------------------------------------------


def test_rate_limit_is_a_frozen_calls_per_period_pair() -> None:
    limit = RateLimit(calls=200, period=60)
    assert limit == RateLimit(200, 60.0)
    assert isinstance(limit.period, float)
    assert RateLimit.coerce((200, 60)) == limit
    assert RateLimit.coerce(limit) is limit
    assert RateLimit.per_minute(5) == RateLimit(5, 60)
    assert RateLimit.per_hour(5) == RateLimit(5, 3600)
    assert RateLimit.per_day(5) == RateLimit(5, 86400)
    with pytest.raises(AttributeError):
        limit.calls = 1  # type: ignore[misc]


@pytest.mark.parametrize(("calls", "period"), [(0, 60), (1, 0), (1, -1), (1.5, 60), (True, 60), (1, float("inf"))])
def test_rate_limit_rejects_nonsense(calls: int, period: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        RateLimit(calls, period)


@pytest.mark.parametrize(
    ("points", "per_minute"),
    [(0, 50), (120, 50), (1999, 50), (2000, 200), (4999, 200), (5000, 500), (9999, 500), (10000, 1000), (10**6, 1000)],
)
def test_points_tiers(points: int, per_minute: int) -> None:
    assert RateLimit.for_points(points) == RateLimit(per_minute, 60)


def test_rate_limiter_accepts_a_limit_a_pair_or_points() -> None:
    assert RateLimiter(RateLimit(3, 1)).account_limit == RateLimit(3, 1)
    assert RateLimiter((3, 1)).account_limit == RateLimit(3, 1)
    by_points = RateLimiter(2000)
    assert by_points.account_limit == RateLimit(200, 60)
    assert by_points.points == 2000
    assert RateLimiter(points=5000).account_limit == RateLimit(500, 60)
    assert RateLimiter().account_limit is None
    with pytest.raises(TypeError):
        RateLimiter(True)
    with pytest.raises(ValueError, match="negative"):
        RateLimiter(min_margin=-1)


def test_rate_limiter_satisfies_the_limiter_protocol() -> None:
    limiter: Limiter = RateLimiter(RateLimit(1, 1))
    assert callable(limiter.aacquire)


# --- window semantics --------------------------------------------------------------------------------------------


def test_a_full_window_is_granted_at_once_and_the_next_call_waits_for_it_to_pass() -> None:
    fake = FakeTime()
    limiter = fake_limiter(fake, RateLimit(3, 10))
    assert [limiter.acquire("daily") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("daily") == pytest.approx(10 + MARGIN)
    assert fake.now == pytest.approx(1000 + 10 + MARGIN)


def test_the_window_slides_instead_of_resetting() -> None:
    fake = FakeTime()
    limiter = fake_limiter(fake, RateLimit(3, 10))
    for gap in (0, 4, 4):  # calls at 0, 4, 8
        fake.now += gap
        limiter.acquire("daily")
    assert limiter.acquire("daily") == pytest.approx(2.5)  # the call at 0 leaves at 10.5
    assert fake.now == pytest.approx(1010.5)
    assert limiter.acquire("daily") == pytest.approx(4.0)  # the call at 4 leaves at 14.5


@settings(max_examples=60, deadline=None)
@given(
    limits=st.lists(
        st.tuples(st.integers(1, 6), st.sampled_from([1.0, 2.5, 10.0, 60.0])), min_size=1, max_size=3, unique=True
    ),
    gaps=st.lists(st.sampled_from([0.0, 0.0, 0.1, 0.7, 1.3, 4.0, 11.0]), min_size=1, max_size=40),
)
def test_no_window_ever_holds_more_than_its_calls_and_no_call_waits_needlessly(
    limits: list[tuple[int, float]], gaps: list[float]
) -> None:
    fake = FakeTime()
    limiter = fake_limiter(fake, interface_limits={"daily": [RateLimit(c, p) for c, p in limits]})
    granted: list[float] = []
    for gap in gaps:
        fake.now += gap
        requested = fake.now
        limiter.acquire("daily")
        granted.append(fake.now)
        # The earliest moment every window allows, computed independently of the limiter.
        earliest = max(
            [requested] + [granted[-1 - calls] + period + MARGIN for calls, period in limits if len(granted) > calls]
        )
        assert fake.now == pytest.approx(earliest, abs=1e-5)  # float rounding may add a 1µs nap
    for calls, period in limits:
        for i in range(len(granted) - calls):
            assert granted[i + calls] - granted[i] >= period + MARGIN - 1e-6


def test_interface_limits_come_from_the_catalog_for_the_accounts_points(catalog: Catalog) -> None:
    at_5000 = RateLimiter(points=5000, catalog=catalog)
    assert at_5000.limits_for("daily") == (  # strictest rate first
        RateLimit(30, 60),
        RateLimit(100000, 86400),
        RateLimit(500, 60),
    )
    at_8000 = RateLimiter(points=8000, catalog=catalog)
    assert RateLimit(30, 60) not in at_8000.limits_for("daily")
    assert at_8000.limits_for("stk_mins") == (RateLimit(500, 60),)
    assert at_8000.limits_for("not_in_catalog") == (RateLimit(500, 60),)
    explicit = RateLimiter(points=8000, catalog=catalog, interface_limits={"daily": [RateLimit(7, 60)]})
    assert explicit.limits_for("daily") == (RateLimit(7, 60), RateLimit(500, 60))


def test_the_strictest_interface_limit_governs(catalog: Catalog) -> None:
    fake = FakeTime()
    limiter = fake_limiter(fake, points=5000, catalog=catalog)
    for _ in range(30):
        assert limiter.acquire("daily") == 0.0
    assert limiter.acquire("daily") == pytest.approx(60 + MARGIN)
    assert limiter.acquire("stk_mins") == 0.0


def test_each_interface_has_its_own_account_window_by_default() -> None:
    fake = FakeTime()
    limiter = fake_limiter(fake, RateLimit(2, 10))
    assert [limiter.acquire(api) for api in ("daily", "daily", "weekly", "weekly")] == [0.0] * 4
    assert limiter.acquire("daily") > 0


def test_one_shared_account_window_when_asked() -> None:
    fake = FakeTime()
    limiter = fake_limiter(fake, RateLimit(2, 10), per_interface=False)
    assert [limiter.acquire(api) for api in ("daily", "weekly")] == [0.0, 0.0]
    assert limiter.acquire("monthly") == pytest.approx(10 + MARGIN)


def test_hourly_and_daily_caps_span_all_interfaces() -> None:
    fake = FakeTime()
    limiter = fake_limiter(fake, RateLimit(100, 60), caps=[RateLimit.per_hour(3), RateLimit.per_day(4)])
    for api in ("daily", "weekly", "monthly"):
        assert limiter.acquire(api) == 0.0
    assert limiter.acquire("adj_factor") == pytest.approx(3600 + MARGIN)
    assert limiter.acquire("daily") == pytest.approx(86400 - 3600)


# --- adaptive ----------------------------------------------------------------------------------------------------


def test_a_rate_reply_lowers_the_interface_limit_and_holds_it_for_a_window() -> None:
    fake = FakeTime()
    limiter = fake_limiter(fake, RateLimit(100, 60))
    for _ in range(10):
        limiter.acquire("daily")
    wait = limiter.on_rate_limited("daily", 5, 60)
    assert wait == pytest.approx(60 + MARGIN)
    assert limiter.limits_for("daily")[0] == RateLimit(5, 60)
    assert limiter.acquire("weekly") == 0.0  # other interfaces are not held
    assert limiter.acquire("daily") == pytest.approx(wait)
    for _ in range(4):
        assert limiter.acquire("daily") == 0.0
    assert limiter.acquire("daily") == pytest.approx(60 + MARGIN)


def test_a_rate_reply_without_a_number_learns_nothing_and_leaves_the_backoff_to_the_caller() -> None:
    limiter = fake_limiter(FakeTime(), RateLimit(100, 60))
    for _ in range(10):
        limiter.acquire("daily")
    assert limiter.on_rate_limited("daily", None, 60) == 0.0
    assert limiter.limits_for("daily") == (RateLimit(100, 60),)


def test_a_stated_cap_is_learned_only_below_the_configured_one_of_its_period() -> None:
    fake = FakeTime()
    configured = fake_limiter(fake, RateLimit(50, 10))
    configured.on_rate_limited("daily", 50, 60)  # a minute cap, while a 10 s window is configured: not adopted
    assert configured.limits_for("daily") == (RateLimit(50, 10),)
    configured.on_rate_limited("daily", 20, 10)  # below the configured 10 s window: adopted
    assert RateLimit(20, 10) in configured.limits_for("daily")
    unconfigured = fake_limiter(fake)
    unconfigured.on_rate_limited("daily", 50, 60)
    assert unconfigured.limits_for("daily") == (RateLimit(50, 60),)


def test_a_learned_limit_lapses_when_the_rejection_was_transient() -> None:
    fake = FakeTime()
    limiter = fake_limiter(fake)
    limiter.on_rate_limited("daily", 50, 60)
    assert limiter.limits_for("daily") == (RateLimit(50, 60),)
    fake.now += 5 * 60 + 1
    assert limiter.limits_for("daily") == ()
    for _ in range(60):  # and the plan forgot it too: 60 calls go at once
        assert limiter.acquire("daily") == 0.0


def test_hourly_and_daily_caps_hold_the_interface_and_fail_at_once() -> None:
    fake = FakeTime()
    limiter = fake_limiter(fake, RateLimit(100, 60))
    assert limiter.on_rate_limited("daily", 1000, 86400) == 86400
    with pytest.raises(RateLimitError) as caught:
        limiter.acquire("daily", max_wait=65)
    assert caught.value.retry_after == pytest.approx(86400)
    assert fake.sleeps == []


def test_max_wait_turns_a_long_wait_into_a_rate_limit_error() -> None:
    fake = FakeTime()
    limiter = fake_limiter(fake, RateLimit(1, 60), max_wait=5)
    limiter.acquire("daily")
    with pytest.raises(RateLimitError) as info:
        limiter.acquire("daily")
    assert info.value.api_name == "daily"
    assert info.value.limit_calls == 1
    assert info.value.limit_period == 60
    assert fake.sleeps == []


# --- async -------------------------------------------------------------------------------------------------------


async def test_aacquire_follows_the_same_windows() -> None:
    fake = FakeTime()
    limiter = fake_limiter(fake, RateLimit(2, 10))
    assert await limiter.aacquire("daily") == 0.0
    assert await limiter.aacquire("daily") == 0.0
    assert await limiter.aacquire("daily") == pytest.approx(10 + MARGIN)


@pytest.mark.parametrize("backend_kind", ["memory", "sqlite"])
async def test_aacquire_waits_without_blocking_the_event_loop(backend_kind: str, tmp_path: Path) -> None:
    backend: WindowBackend = MemoryBackend() if backend_kind == "memory" else SQLiteBackend(tmp_path / "rl.sqlite3")
    limiter = RateLimiter(RateLimit(1, 0.3), min_margin=0.01, backend=backend)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    await limiter.aacquire("daily")
    waited = await limiter.aacquire("daily")
    task.cancel()
    assert waited >= 0.25
    assert ticks >= 10


# --- keys and backends -------------------------------------------------------------------------------------------


def test_keys_are_hashed_everywhere(tmp_path: Path) -> None:
    token = "0123456789abcdef" * 3 + "01234567"
    assert token_key(token) == token_key(token)
    assert token not in token_key(token)
    path = tmp_path / "rl.sqlite3"
    limiter = RateLimiter(RateLimit(5, 60), key=token, backend=SQLiteBackend(path))
    limiter.acquire("daily")
    assert token not in repr(limiter)
    for file in tmp_path.iterdir():
        assert token.encode() not in file.read_bytes()
    assert path.stat().st_mode & 0o077 == 0


def test_limiters_sharing_a_key_and_backend_share_the_quota() -> None:
    fake = FakeTime()
    backend = MemoryBackend()
    first = fake_limiter(fake, RateLimit(2, 10), key="account-a", backend=backend)
    second = fake_limiter(fake, RateLimit(2, 10), key="account-a", backend=backend)
    other = fake_limiter(fake, RateLimit(2, 10), key="account-b", backend=backend)
    assert [first.acquire("daily"), second.acquire("daily"), other.acquire("daily")] == [0.0, 0.0, 0.0]
    assert first.count("daily") == 2
    assert second.acquire("daily") == pytest.approx(10 + MARGIN)


def test_sqlite_backends_on_one_file_share_the_quota(tmp_path: Path) -> None:
    fake = FakeTime()
    path = tmp_path / "rl.sqlite3"
    first = fake_limiter(fake, RateLimit(2, 10), key="k", backend=SQLiteBackend(path))
    second = fake_limiter(fake, RateLimit(2, 10), key="k", backend=SQLiteBackend(path))
    assert [first.acquire("daily"), second.acquire("daily")] == [0.0, 0.0]
    assert second.acquire("daily") == pytest.approx(10 + MARGIN)
    second.on_rate_limited("daily", 1, 10)
    assert first.acquire("daily") == pytest.approx(10 + MARGIN)  # the hold is shared too


def test_sqlite_entries_from_the_future_still_age_out(tmp_path: Path) -> None:
    path = tmp_path / "rl.sqlite3"
    before = FakeTime(start=5000.0)
    fake_limiter(before, RateLimit(1, 10), key="k", backend=SQLiteBackend(path)).acquire("daily")
    after = FakeTime(start=1000.0)  # the wall clock was set back by more than an hour
    assert fake_limiter(after, RateLimit(1, 10), key="k", backend=SQLiteBackend(path)).acquire("daily") == (
        pytest.approx(10 + MARGIN)
    )


def test_sqlite_default_path_honours_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert SQLiteBackend().path == tmp_path / "tushare_typed" / "ratelimit.sqlite3"


def test_threads_sharing_a_limiter_never_overfill_a_window() -> None:
    limiter = RateLimiter(RateLimit(10, 0.5), min_margin=0.02)
    granted: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(4):
            limiter.acquire("daily")
            with lock:
                granted.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    granted.sort()
    assert len(granted) == 32
    assert all(granted[i + 10] - granted[i] >= 0.5 for i in range(len(granted) - 10))


_CHILD = """
import json, sys, time
from tushare_typed.ratelimit import RateLimit, RateLimiter, SQLiteBackend
limiter = RateLimiter(RateLimit(4, 1.0), key="shared", min_margin=0.05, backend=SQLiteBackend(sys.argv[1]))
times = []
for _ in range(6):
    limiter.acquire("daily")
    times.append(time.time())
print(json.dumps(times))
"""


def test_processes_sharing_an_sqlite_file_stay_under_one_quota(tmp_path: Path) -> None:
    path = tmp_path / "rl.sqlite3"
    command = [sys.executable, "-c", _CHILD, str(path)]
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]  # noqa: S603
    granted = sorted(t for child in children for t in json.loads(child.communicate(timeout=30)[0]))
    assert len(granted) == 12
    assert all(granted[i + 4] - granted[i] >= 1.0 for i in range(len(granted) - 4))

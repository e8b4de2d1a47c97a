"""Sync through the emulator into a real DuckDB file, and read it back without network."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tushare_typed import AsyncTushareClient, RateLimiter, TushareClient
from tushare_typed.catalog import Catalog
from tushare_typed.errors import ParameterError
from tushare_typed.models import DailyResponse
from tushare_typed.store import Store, StoreAccessError, StoreLockedError, SyncError, SyncReport
from tushare_typed.store._database import Database, SliceWrite
from tushare_typed.store._schema import SLICE_COLUMN
from tushare_typed.testing import Faults, TushareEmulator

from .helpers import ROWS_PER_DAY, rows_per_query, store_catalog, with_plan

# 2024-01-01 (Mon) .. 2024-01-12 (Fri): ten weekdays, all open in the emulator's calendar.
START, END = "20240101", "20240112"
DAYS = 10


def client(emulator: TushareEmulator, **options: object) -> TushareClient:
    return TushareClient(emulator.token, base_url=emulator.url, **options)  # type: ignore[arg-type]


def sync(
    emulator: TushareEmulator,
    catalog: Catalog,
    path: Path,
    api: str = "daily",
    *,
    max_retries: int = 2,
    **options: object,
) -> SyncReport:
    with Store(path, catalog=catalog) as store, client(emulator, max_retries=max_retries) as c:
        options.setdefault("start", START)
        options.setdefault("end", END)
        return c.sync(api, store=store, **options)  # type: ignore[arg-type]


def distinct_keys(path: Path, catalog: Catalog) -> tuple[int, int]:
    with Store(path, catalog=catalog, read_only=True) as store:
        total, distinct = (
            store.sql("SELECT count(*), count(DISTINCT (ts_code, trade_date)) FROM daily").to_pylist()[0].values()
        )
    return total, distinct


@pytest.mark.timeout(30)
def test_sync_then_read_back_the_typed_response(emulator: TushareEmulator, catalog: Catalog, store_path: Path) -> None:
    report = sync(emulator, catalog, store_path)
    daily = report.interfaces["daily"]
    assert (daily.slices_done, daily.rows_added, daily.rows_updated) == (DAYS, DAYS * ROWS_PER_DAY, 0)
    assert daily.calls == DAYS
    assert report.support_calls == 1  # one year of calendar
    with Store(store_path, catalog=catalog, read_only=True) as store:
        everything = store.read("daily")
        assert isinstance(everything, DailyResponse)
        assert len(everything) == DAYS * ROWS_PER_DAY
        one_day = store.read("daily", start="20240105", end="2024-01-05")
    with client(emulator) as c:
        live = c.daily(trade_date="20240105")
    assert sorted(one_day.rows) == sorted(live.rows)
    assert one_day.rows[0].trade_date == "20240105"


@pytest.mark.timeout(30)
def test_read_filters_fields_and_frames(emulator: TushareEmulator, catalog: Catalog, store_path: Path) -> None:
    sync(emulator, catalog, store_path)
    with Store(store_path, catalog=catalog, read_only=True) as store:
        codes = store.sql("SELECT DISTINCT ts_code FROM daily ORDER BY 1 LIMIT 2").column("ts_code").to_pylist()
        picked = store.read("daily", ts_code=codes, start="20240108", fields=["ts_code", "trade_date", "close"])
        assert {row.ts_code for row in picked} == set(codes)
        assert len(picked) == 2 * 5
        assert picked.fields == ["ts_code", "trade_date", "close"]
        assert picked.rows[0].open is None  # not asked for
        dates = [row.trade_date for row in picked]
        assert dates == sorted(dates, reverse=True)  # newest first, as the server answers
        frame = picked.to_pandas()
        assert list(frame.columns) == ["ts_code", "trade_date", "close"]
        assert str(frame["close"].dtype) == "float64"
        assert picked.to_polars().height == 10
        assert picked.to_arrow().num_rows == 10
        assert picked.to_dicts()[0].keys() == {"ts_code", "trade_date", "close"}
        with pytest.raises(ParameterError, match="no column 'nope'"):
            store.read("daily", fields=["nope"])
        with pytest.raises(ParameterError, match="after end"):
            store.read("daily", start="20240110", end="20240101")
        with pytest.raises(ParameterError, match="no stock_basic yet"):
            store.read("stock_basic")


@pytest.mark.timeout(30)
def test_rerun_fetches_only_the_lookback(emulator: TushareEmulator, catalog: Catalog, store_path: Path) -> None:
    sync(emulator, catalog, store_path)
    emulator.reset_stats()
    again = sync(emulator, catalog, store_path)
    assert emulator.calls() == 1  # the most recent day, for revisions; the calendar is stored
    assert (again.rows_added, again.rows_updated) == (0, ROWS_PER_DAY)
    emulator.reset_stats()
    none = sync(emulator, catalog, store_path, lookback=0)
    assert emulator.calls() == 0 and none.interfaces["daily"].slices_skipped == DAYS
    emulator.reset_stats()
    later = sync(emulator, catalog, store_path, end="20240119", lookback=2)
    assert emulator.calls("daily") == 5 + 2
    assert later.rows_added == 5 * ROWS_PER_DAY
    assert distinct_keys(store_path, catalog) == (15 * ROWS_PER_DAY, 15 * ROWS_PER_DAY)


@pytest.mark.timeout(30)
def test_a_fault_midway_keeps_committed_slices_and_resumes(catalog: Catalog, store_path: Path) -> None:
    faults = Faults(on_calls={4: "http_500"}, apis=frozenset({"daily"}))
    with TushareEmulator(catalog, total_rows=rows_per_query, faults=faults) as emulator:
        with pytest.raises(SyncError) as caught:
            sync(emulator, catalog, store_path, concurrency=1, max_retries=0)
        error = caught.value
        assert error.report.interfaces["daily"].slices_done == 3
        assert "run the same sync again" in error.remediation
        assert "3 slices were committed" in error.message
        assert distinct_keys(store_path, catalog) == (3 * ROWS_PER_DAY, 3 * ROWS_PER_DAY)
        resumed = sync(emulator, catalog, store_path, lookback=0)
    assert resumed.interfaces["daily"].slices_done == DAYS - 3
    assert distinct_keys(store_path, catalog) == (DAYS * ROWS_PER_DAY, DAYS * ROWS_PER_DAY)


@pytest.mark.timeout(30)
async def test_async_client_sync_runs_concurrently_within_the_quota(catalog: Catalog, store_path: Path) -> None:
    # A margin well above this shared machine's scheduling jitter, so the server never sees 6 calls in a window.
    limiter = RateLimiter((5, 1.0), min_margin=0.3)
    with TushareEmulator(catalog, total_rows=rows_per_query, quota=5, window=1.0) as emulator:
        async with AsyncTushareClient(emulator.token, base_url=emulator.url, limiter=limiter) as c:
            with Store(store_path, catalog=catalog) as store:
                report = await c.sync("daily", start=START, end=END, store=store, concurrency=8)
        assert emulator.rejections() == 0
    assert report.rows_added == DAYS * ROWS_PER_DAY


@pytest.mark.timeout(30)
def test_other_shapes(emulator: TushareEmulator, catalog: Catalog, store_path: Path) -> None:
    snapshot = sync(emulator, catalog, store_path, "stock_basic", start=None)
    assert snapshot.interfaces["stock_basic"].rows_added == 10
    window = sync(emulator, catalog, store_path, "weekly", start="20240101", end="20240331")
    assert window.interfaces["weekly"].slices_done == 3  # one per month
    by_code = sync(emulator, catalog, store_path, "adj_factor", start="20240101", end="20240131")
    assert by_code.interfaces["adj_factor"].slices_done == 10  # the stock_basic codes
    emulator.reset_stats()
    again = sync(emulator, catalog, store_path, "adj_factor", start="20240101", end="20240131")
    assert emulator.calls("adj_factor") == 0 and again.interfaces["adj_factor"].slices_skipped == 10
    with Store(store_path, catalog=catalog, read_only=True) as store:
        assert {t.api_name for t in store.info()} == {"stock_basic", "weekly", "adj_factor"}


def test_bad_input_is_refused_before_any_call(emulator: TushareEmulator, catalog: Catalog, store_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"unknown tushare interface .daly.; did you mean .daily."):
        sync(emulator, catalog, store_path, "daly")
    with pytest.raises(ParameterError, match="after end"):
        sync(emulator, catalog, store_path, start="20240201", end="20240101")
    with pytest.raises(ParameterError, match="needs a start date"):
        sync(emulator, catalog, store_path, start=None)
    with pytest.raises(ParameterError, match="no sync plan"):
        sync(emulator, catalog, store_path, "trade_cal")
    with pytest.raises(ParameterError, match="not a date"):
        sync(emulator, catalog, store_path, start="2024-13-01")
    assert emulator.calls() == 0


@pytest.mark.timeout(30)
def test_an_interface_without_keys_is_synced_slice_replace(emulator: TushareEmulator, store_path: Path) -> None:
    catalog = store_catalog()
    keyless = store_catalog(daily=with_plan(catalog.get("daily"), (), catalog.get("daily").sync))
    sync(emulator, keyless, store_path)  # no append_only needed: rows without identity replace their slice
    sync(emulator, keyless, store_path, lookback=3)  # three slices again: replaced, not doubled
    assert Store(store_path, catalog=keyless).db.columns("daily").get(SLICE_COLUMN) == "VARCHAR"
    assert distinct_keys(store_path, keyless) == (DAYS * ROWS_PER_DAY, DAYS * ROWS_PER_DAY)
    sync(emulator, keyless, store_path, append_only=True, lookback=2)  # asked explicitly: the same table
    assert distinct_keys(store_path, keyless) == (DAYS * ROWS_PER_DAY, DAYS * ROWS_PER_DAY)


def test_an_unwritable_path_names_the_fix(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreAccessError, match="cannot open or write") as caught:
        Store(blocker / "store.duckdb")
    assert "writable location" in caught.value.remediation


@pytest.mark.timeout(30)
def test_a_store_locked_by_another_process_names_the_fix(store_path: Path) -> None:
    holder = subprocess.Popen(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", LOCK_HOLDER, str(store_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError, match="in use by another process") as caught:
            Store(store_path)
        assert "Wait for the other process" in caught.value.remediation
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()


LOCK_HOLDER = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)"


@pytest.mark.timeout(30)
def test_progress_goes_to_stderr(
    emulator: TushareEmulator, catalog: Catalog, store_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sync(emulator, catalog, store_path, progress=True)
    assert f"daily: {DAYS}/{DAYS} slices, {DAYS * ROWS_PER_DAY} rows" in capsys.readouterr().err


@pytest.mark.timeout(30)
def test_fetching_goes_on_while_a_slice_commits(
    emulator: TushareEmulator, catalog: Catalog, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two fetchers and a first commit held until the emulator has served three more slices: a fetcher that waited
    # for its own commit (or for the one under way) would never get there.
    write_slice = Database.write_slice
    held: list[bool] = []

    def slow_first_commit(self: Database, *args: Any, **kwargs: Any) -> SliceWrite:
        if not held:
            held.append(_wait_for(lambda: emulator.calls("daily") >= 4, seconds=10))
        return write_slice(self, *args, **kwargs)

    monkeypatch.setattr(Database, "write_slice", slow_first_commit)
    report = sync(emulator, catalog, store_path, concurrency=2)
    assert held == [True]
    assert report.interfaces["daily"].slices_done == DAYS
    assert distinct_keys(store_path, catalog) == (DAYS * ROWS_PER_DAY, DAYS * ROWS_PER_DAY)


@pytest.mark.timeout(30)
def test_a_failed_commit_stops_the_sync_keeping_what_was_committed(
    emulator: TushareEmulator, catalog: Catalog, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_slice = Database.write_slice
    commits: list[str] = []
    calls_at_failure: list[int] = []

    def second_commit_fails(self: Database, schema: Any, slice_id: str, *args: Any, **kwargs: Any) -> SliceWrite:
        commits.append(slice_id)
        if len(commits) == 2:
            calls_at_failure.append(emulator.calls("daily"))
            raise StoreAccessError("the disk is full", remediation="free some space")
        return write_slice(self, schema, slice_id, *args, **kwargs)

    monkeypatch.setattr(Database, "write_slice", second_commit_fails)
    with pytest.raises(SyncError, match="the disk is full") as caught:
        sync(emulator, catalog, store_path, concurrency=4)
    # The fetchers stop taking slices; what they had fetched is dropped, not written after the failure.
    assert len(commits) == 2
    assert caught.value.report.interfaces["daily"].slices_done == 1
    assert distinct_keys(store_path, catalog) == (ROWS_PER_DAY, ROWS_PER_DAY)
    # No fetcher starts a slice after the failure: at most the 4 already in flight finish (on a fast machine the
    # failure comes before every slice was fetched; on a loaded one it may not, so the bound is relative).
    assert emulator.calls("daily") <= calls_at_failure[0] + 4


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.mark.timeout(60)
def test_a_stored_read_converts_with_chinese_labels(
    emulator: TushareEmulator, catalog: Catalog, store_path: Path
) -> None:
    sync(emulator, catalog, store_path, concurrency=1)
    with Store(store_path, catalog=catalog, read_only=True) as store:
        stored = store.read("daily", fields=["ts_code", "close"])
    labelled = stored.to_pandas(labels="zh")
    assert list(labelled.columns) == ["股票代码", "收盘价"]
    assert list(stored.columns(labels="zh")) == ["股票代码", "收盘价"]
    assert list(labelled["收盘价"]) == list(stored.to_pandas()["close"])

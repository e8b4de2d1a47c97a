"""The opt-in response cache: identical calls answered locally, closed ranges kept, open ones expiring."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.cache import RedisCache, SQLiteCache, cache_key, cache_ttl
from tushare_typed.catalog import Catalog
from tushare_typed.cli import cli
from tushare_typed.errors import ParameterError, PermissionDeniedError
from tushare_typed.testing import TushareEmulator

from ..store import fixtures as _store

# The store tests' catalog and emulator (their small per-day data), in place of tests/runtime's.
catalog = _store.catalog
emulator = _store.emulator

TODAY = dt.date(2024, 6, 3)


def test_closed_ranges_are_kept_and_open_ones_expire() -> None:
    assert cache_ttl({"trade_date": "20240105"}, 60, TODAY) is None
    assert cache_ttl({"start_date": "20230101", "end_date": "20231231", "ts_code": "x"}, 60, TODAY) is None
    assert cache_ttl({"start_date": "20240101"}, 60, TODAY) == 60  # open-ended: reaches today
    assert cache_ttl({"start_date": "20240101", "end_date": "20240603"}, 60, TODAY) == 60
    assert cache_ttl({"ts_code": "000001.SZ"}, 60, TODAY) == 60  # a reference table changes any day
    assert cache_key("daily", {"a": 1, "b": None}, ["x"]) == cache_key("daily", {"a": 1}, "x")
    assert cache_key("daily", {"a": 1}, None) != cache_key("daily", {"a": 2}, None)


@pytest.mark.timeout(30)
def test_identical_calls_are_answered_locally(emulator: TushareEmulator, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with TushareClient(emulator.token, base_url=emulator.url, cache=path, cache_ttl=0.3) as client:
        first = client.daily(trade_date="20240105")
        again = client.daily(trade_date="20240105")
        assert emulator.calls("daily") == 1
        assert again.rows == first.rows and again.request_id == first.request_id  # the very reply, replayed
        client.daily(trade_date="20240105", fields=["ts_code"])  # other fields: another reply
        assert emulator.calls("daily") == 2
        client.stock_basic()
        client.stock_basic()
        assert emulator.calls("stock_basic") == 1
        time.sleep(0.4)  # past cache_ttl: a reference table is fetched again, a closed day is not
        client.stock_basic()
        client.daily(trade_date="20240105")
        assert (emulator.calls("stock_basic"), emulator.calls("daily")) == (2, 2)
    with TushareClient(emulator.token, base_url=emulator.url, cache=path) as fresh:
        fresh.daily(trade_date="20240105")  # another client on the same file
    assert emulator.calls("daily") == 2


@pytest.mark.timeout(30)
async def test_async_client_and_errors_are_not_cached(catalog: Catalog, tmp_path: Path) -> None:
    with TushareEmulator(catalog, denied=["weekly"]) as emulator:
        async with AsyncTushareClient(emulator.token, base_url=emulator.url, cache=tmp_path / "c.db") as client:
            for _ in range(2):
                with pytest.raises(PermissionDeniedError):
                    await client.weekly(trade_date="20240105")
            await client.daily(trade_date="20240105")
            await client.daily(trade_date="20240105")
        assert (emulator.calls("weekly"), emulator.calls("daily")) == (2, 1)


def test_a_wrong_cache_argument_names_the_choices() -> None:
    with pytest.raises(ParameterError, match="is not a cache") as caught:
        TushareClient("t", cache=42)
    assert "cache=True" in caught.value.remediation


def test_cache_clear_command(tmp_path: Path) -> None:
    cache = SQLiteCache(tmp_path / "c.db")
    cache.set("a", b"1", None)
    cache.set("b", b"2", 60)
    cache.close()
    result = CliRunner().invoke(cli, ["cache", "clear", "--path", str(tmp_path / "c.db")])
    assert result.exit_code == 0 and "cleared 2 cached replies" in result.output
    assert SQLiteCache(tmp_path / "c.db").get("a") is None


@pytest.mark.timeout(20)
def test_redis_cache(redis_url: str) -> None:
    cache = RedisCache(redis_url, prefix=f"test:{uuid.uuid4().hex}")
    cache.set("kept", b"body", None)
    cache.set("brief", b"body", 0.05)
    time.sleep(0.2)
    assert (cache.get("kept"), cache.get("brief"), cache.get("never")) == (b"body", None, None)
    assert cache.clear() == 1 and cache.get("kept") is None

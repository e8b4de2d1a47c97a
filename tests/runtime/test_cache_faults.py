"""Faults of the response cache: a file that cannot be used never makes a call fail, and a damaged reply is a miss."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tushare_typed import TushareClient
from tushare_typed.cache import CacheWarning, SQLiteCache
from tushare_typed.cli import cli
from tushare_typed.errors import TushareError
from tushare_typed.testing import TushareEmulator

from ..store import fixtures as _store

# The store tests' catalog and emulator (their small per-day data), in place of tests/runtime's.
catalog = _store.catalog
emulator = _store.emulator

DAY = "20240105"


def _cached_once(emulator: TushareEmulator, path: Path) -> None:
    with TushareClient(emulator.token, base_url=emulator.url, cache=path) as client:
        client.daily(trade_date=DAY)


def _two_calls(emulator: TushareEmulator, path: Path) -> int:
    """Calls the server answered for two identical requests through the cache at ``path``."""
    before = emulator.calls("daily")
    with TushareClient(emulator.token, base_url=emulator.url, cache=path) as client:
        first = client.daily(trade_date=DAY)
        again = client.daily(trade_date=DAY)
    assert again.rows == first.rows and first.rows
    return emulator.calls("daily") - before


@pytest.mark.timeout(60)
@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_or_foreign_cache_file_falls_back_to_the_network(
    emulator: TushareEmulator, tmp_path: Path, damage: str
) -> None:
    path = tmp_path / "cache.sqlite3"
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 50)
    else:
        _cached_once(emulator, path)
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        path.write_bytes(path.read_bytes()[:1500])  # the header promises pages the file no longer has
    with pytest.warns(CacheWarning, match="cannot be used"):
        assert _two_calls(emulator, path) == 2  # every call answered by the network, none failed
    result = CliRunner().invoke(cli, ["cache", "clear", "--path", str(path)])
    assert result.exit_code == 0, result.output
    assert _two_calls(emulator, path) == 1  # cleared: the cache works again


@pytest.mark.timeout(60)
def test_a_foreign_sqlite_file_falls_back_and_is_not_cleared(emulator: TushareEmulator, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with sqlite3.connect(path) as other:  # some other program's database, with a clashing table name
        other.execute("CREATE TABLE replies_v2 (name TEXT)")
        other.execute("INSERT INTO replies_v2 VALUES ('keep me')")
    with pytest.warns(CacheWarning, match="cannot be used"):
        assert _two_calls(emulator, path) == 2
    result = CliRunner().invoke(cli, ["cache", "clear", "--path", str(path)])
    assert result.exit_code == 1 and "not a tushare-typed response cache" in result.output
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT name FROM replies_v2").fetchall() == [("keep me",)]


@pytest.mark.timeout(60)
@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permissions")
def test_an_unwritable_cache_falls_back_to_the_network(emulator: TushareEmulator, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.warns(CacheWarning, match="cannot be used"):
            assert _two_calls(emulator, folder / "sub" / "cache.sqlite3") == 2
    finally:
        folder.chmod(0o700)


@pytest.mark.timeout(60)
def test_a_cache_path_that_cannot_be_created_falls_back_to_the_network(
    emulator: TushareEmulator, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache's folder should be")
    with pytest.warns(CacheWarning, match="cannot be used"):
        assert _two_calls(emulator, blocker / "cache.sqlite3") == 2


@pytest.mark.timeout(60)
def test_a_flipped_byte_in_a_cached_reply_is_a_miss_not_data(emulator: TushareEmulator, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    _cached_once(emulator, path)
    with sqlite3.connect(path) as conn:
        ((key, body),) = conn.execute("SELECT key, body FROM replies_v2").fetchall()
        damaged = bytearray(body)
        damaged[len(damaged) // 2] ^= 0x01
        conn.execute("UPDATE replies_v2 SET body = ? WHERE key = ?", (bytes(damaged), key))
    with pytest.warns(CacheWarning, match="integrity check"):
        assert _two_calls(emulator, path) == 1  # the damaged reply refetched (and stored again), then replayed


@pytest.mark.timeout(30)
def test_clearing_a_cache_in_a_read_only_place_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SQLiteCache(tmp_path / "cache.sqlite3")
    cache.set("k", b"body", None)
    cache.close()

    def read_only(self: SQLiteCache) -> sqlite3.Connection:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(SQLiteCache, "_connection", read_only)
    with pytest.raises(TushareError, match=r"cannot clear the response cache .*readonly"):
        SQLiteCache(tmp_path / "cache.sqlite3").clear()
    assert (tmp_path / "cache.sqlite3").exists()  # a cache it cannot write is never deleted as if damaged

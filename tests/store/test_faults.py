"""Faults of the store file and its exports: each reported as what it is, never hidden or left half done."""

# SQL here is built from interface and key names of the catalog, never from input.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, cast

import duckdb
import pytest
from click.testing import CliRunner

from tushare_typed.catalog import Catalog
from tushare_typed.cli import cli
from tushare_typed.store import Store, StoreAccessError, StoreCorruptError, SyncError
from tushare_typed.store import _export as export_module
from tushare_typed.testing import Faults, TushareEmulator

from .helpers import ROWS_PER_DAY, rows_per_query
from .test_sync import DAYS, END, START, sync


@pytest.mark.timeout(30)
def test_a_failed_commit_reports_its_own_error_not_the_rollback(
    emulator: TushareEmulator, catalog: Catalog, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk fails the COMMIT, after which DuckDB has no transaction to roll back: the cause must survive."""
    real_execute = duckdb.DuckDBPyConnection.execute
    original = Store.__init__

    def execute(self: Any, query: str, *args: Any) -> Any:
        if query == "COMMIT":
            real_execute(self, "ROLLBACK")  # what DuckDB does when the write fails: the transaction is gone
            raise duckdb.IOException('Could not write file "store.duckdb.wal": No space left on device')
        return real_execute(self, query, *args)

    def wrapped(self: Store, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.db._conn = cast(Any, _Proxy(self.db._conn, execute))

    monkeypatch.setattr(Store, "__init__", wrapped)
    with pytest.raises(StoreAccessError, match="No space left on device") as caught:  # the calendar's commit
        sync(emulator, catalog, store_path, concurrency=1)
    assert "no transaction is active" not in str(caught.value)


class _Proxy:
    """A DuckDB connection whose ``execute`` is replaced (the C extension's methods cannot be patched)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, execute: Any) -> None:
        self._conn = conn
        self._execute = execute

    def execute(self, query: str, *args: Any) -> Any:
        return self._execute(self._conn, query, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


@pytest.mark.timeout(30)
def test_an_sqlite_file_given_as_the_store_is_named_and_never_loads_an_extension(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE a (x)")
    for read_only in (False, True):
        with pytest.raises(StoreCorruptError, match="is an SQLite database, not a tushare-typed store") as caught:
            Store(path, read_only=read_only)
        assert caught.value.code == "STORE-404"
    result = CliRunner().invoke(cli, ["store", "info", "--store", str(path)])
    assert result.exit_code == 1 and "SQLite database" in result.output and "a bug" not in result.output


@pytest.mark.timeout(30)
def test_a_foreign_or_truncated_store_file_is_named_damaged(
    emulator: TushareEmulator, catalog: Catalog, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreCorruptError, match="not a DuckDB file"):
        Store(junk)
    store_path = tmp_path / "store.duckdb"
    sync(emulator, catalog, store_path)
    data = store_path.read_bytes()
    store_path.write_bytes(data[:5000])  # the header survives, the blocks it points to do not
    with pytest.raises(StoreCorruptError, match="damaged") as caught, Store(store_path, catalog=catalog) as store:
        store.sql("SELECT count(*) FROM daily")
    assert "move the file away" in caught.value.remediation
    result = CliRunner().invoke(cli, ["sql", "SELECT 1 FROM daily", "--store", str(store_path)])
    assert result.exit_code == 1 and "damaged" in result.output and "fix the SQL" not in result.output


@pytest.mark.timeout(60)
def test_a_killed_export_keeps_the_previous_one_and_leaves_no_folder(
    emulator: TushareEmulator, catalog: Catalog, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync(emulator, catalog, store_path)
    out = tmp_path / "lake"

    def killed(staging: Path, target: Path) -> None:
        raise OSError("killed")  # the process dies after writing, before the swap

    with Store(store_path, catalog=catalog, read_only=True) as store:
        with monkeypatch.context() as patch:
            patch.setattr(export_module, "_swap", killed)
            with pytest.raises(StoreAccessError):
                store.export("daily", out)
        assert not (out / "daily").exists()  # no empty folder a reader would take for a 0-row dataset
        assert [p.name for p in out.iterdir()] == []  # and no staging folder left behind
        first = store.export("daily", out)
        with monkeypatch.context() as patch:
            patch.setattr(export_module, "_swap", killed)
            with pytest.raises(StoreAccessError):
                store.export("daily", out, overwrite=True)
        rows = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{first}/**/*.parquet')").fetchall()
        assert rows == [(DAYS * ROWS_PER_DAY,)]  # the last good export, whole
        store.export("daily", out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == ["daily"]


@pytest.mark.timeout(30)
def test_store_info_survives_a_range_without_rows_and_states_the_mode(
    emulator: TushareEmulator, catalog: Catalog, store_path: Path
) -> None:
    sync(emulator, catalog, store_path, start="20240106", end="20240107")  # a weekend: no trade day, no slice
    result = CliRunner().invoke(cli, ["store", "info", "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    assert "daily" in result.output and "upsert" in result.output


@pytest.mark.timeout(30)
def test_store_check_reports_slices_planned_but_never_synced(catalog: Catalog, store_path: Path) -> None:
    faults = Faults(on_calls={4: "http_500"}, apis=frozenset({"daily"}))
    with TushareEmulator(catalog, total_rows=rows_per_query, faults=faults) as emulator, pytest.raises(SyncError):
        sync(emulator, catalog, store_path, concurrency=1, max_retries=0)
    with Store(store_path, catalog=catalog, read_only=True) as store:
        report = store.check("daily")
    assert not report.ok
    assert len(report.unsynced) == DAYS - 3 and report.unsynced[-1] == END  # the days after the fault too
    assert report.unsynced[0] > START

"""The store's commands: sync, sql, store info, store check, export."""

from __future__ import annotations

from pathlib import Path

import pyarrow.dataset
import pytest
from click.testing import CliRunner

import tushare_typed.cli.store
import tushare_typed.store._store
from tushare_typed.catalog import Catalog
from tushare_typed.cli import cli
from tushare_typed.testing import TushareEmulator

from .helpers import ROWS_PER_DAY

# The emulator's prices are random: make them consistent bars first, so that check has only planted faults to find.
CONSISTENT = "UPDATE daily SET high = greatest(open, close, low, high), low = least(open, close, low, high)"


@pytest.fixture
def run(emulator: TushareEmulator, catalog: Catalog, store_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for module in (tushare_typed.cli.store, tushare_typed.store._store):
        monkeypatch.setattr(module, "load_catalog", lambda: catalog)
    monkeypatch.setenv("TUSHARE_API_URL", emulator.url)
    monkeypatch.setenv("TUSHARE_TOKEN", emulator.token)
    monkeypatch.setenv("TUSHARE_TYPED_STORE", str(store_path))
    return CliRunner()


@pytest.mark.timeout(60)
def test_sync_info_sql_check_export(run: CliRunner, tmp_path: Path) -> None:
    synced = run.invoke(cli, ["sync", "daily", "--start", "20240101", "--end", "20240112", "-q"])
    assert synced.exit_code == 0, synced.output
    assert f"daily: 10 slices fetched, 0 already stored; {10 * ROWS_PER_DAY} rows added" in synced.output

    info = run.invoke(cli, ["store", "info"])
    assert info.exit_code == 0, info.output
    assert info.output.splitlines()[-1].split()[:5] == ["daily", str(10 * ROWS_PER_DAY), "20240101", "20240112", "10"]

    sql = run.invoke(cli, ["sql", "SELECT count(*) AS n FROM daily", "--format", "csv"])
    assert sql.output.splitlines() == ["n", str(10 * ROWS_PER_DAY)]

    assert run.invoke(cli, ["sql", CONSISTENT, "--write"]).exit_code == 0
    check = run.invoke(cli, ["store", "check", "daily"])
    assert check.exit_code == 0, check.output
    assert "ok: no gaps" in check.output

    exported = run.invoke(cli, ["export", "daily", "--to", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "out" / "daily" / "year=2024").is_dir()
    dataset = pyarrow.dataset.dataset(tmp_path / "out" / "daily", format="parquet", partitioning="hive")
    assert dataset.count_rows() == 10 * ROWS_PER_DAY
    again = run.invoke(cli, ["export", "daily", "--to", str(tmp_path / "out")])
    assert again.exit_code == 1 and "--overwrite" in again.output


def test_check_finds_gaps_bad_rows_and_unsynced_slices(run: CliRunner) -> None:
    assert run.invoke(cli, ["sync", "daily", "--start", "20240101", "--end", "20240112", "-q"]).exit_code == 0
    assert run.invoke(cli, ["sql", CONSISTENT, "--write"]).exit_code == 0
    damage = (
        "DELETE FROM daily WHERE trade_date = DATE '2024-01-05' AND ts_code = '000002.SZ'; "
        "UPDATE daily SET low = high + 1 WHERE trade_date = DATE '2024-01-08' AND ts_code = '000004.SZ'; "
        "DELETE FROM _tushare_sync WHERE slice = '20240109'"
    )
    assert run.invoke(cli, ["sql", damage, "--write"]).exit_code == 0
    check = run.invoke(cli, ["store", "check", "daily"])
    assert check.exit_code == 1
    assert "gaps: 1 (code, trade day) pairs missing, e.g. 000002.SZ 20240105" in check.output
    assert "invariant low > high: 1 rows" in check.output
    assert "never synced: 1 slices, e.g. 20240109" in check.output


def test_bad_input_exits_with_the_fix(run: CliRunner) -> None:
    missing = run.invoke(cli, ["store", "info"])
    assert missing.exit_code == 1 and "no store at" in missing.output and "hint: sync something first" in missing.output
    unknown = run.invoke(cli, ["sync", "daly", "--start", "20240101"])
    assert unknown.exit_code == 1 and "did you mean 'daily'" in unknown.output
    order = run.invoke(cli, ["sync", "daily", "--start", "20240201", "--end", "20240101"])
    assert "after end" in order.output and "hint: swap them" in order.output
    empty = run.invoke(cli, ["store", "info"])
    assert empty.exit_code == 1 and "holds no interface yet" in empty.output
    nothing = run.invoke(cli, ["sync"])
    assert nothing.exit_code == 2 and "--all-i-can" in nothing.output


@pytest.mark.timeout(60)
def test_all_i_can_skips_what_cannot_be_synced(run: CliRunner) -> None:
    result = run.invoke(cli, ["sync", "--all-i-can", "--start", "20240101", "--end", "20240105", "-q"])
    assert result.exit_code == 0, result.output
    assert "trade_cal: skipped: no sync plan in the metadata" in result.output
    for api in ("daily", "stock_basic", "weekly", "adj_factor"):
        assert f"{api}: " in result.output

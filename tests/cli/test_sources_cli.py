"""``tushare-typed bars``, ``compare`` and ``sources`` against the emulator and the look-alikes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from tushare_typed.cli import cli
from tushare_typed.testing import TushareEmulator
from tushare_typed.testing._sources import ALPHAVANTAGE_KEY, SourceLookalikes


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> Iterator[SourceLookalikes]:
    with TushareEmulator() as emulator, SourceLookalikes(emulator) as lookalikes:
        monkeypatch.setenv("TUSHARE_API_URL", emulator.url)
        monkeypatch.setenv("TUSHARE_TOKEN", emulator.token)
        for name in ("EASTMONEY", "YAHOO", "ALPHAVANTAGE"):
            monkeypatch.setenv(f"TUSHARE_TYPED_{name}_URL", lookalikes.url)
        monkeypatch.setenv("ALPHAVANTAGE_API_KEY", ALPHAVANTAGE_KEY)
        monkeypatch.setenv("TUSHARE_TYPED_STORE", f"{tmp_path}/store.duckdb")
        yield lookalikes


@pytest.mark.timeout(60)
def test_bars_json_names_the_source(env: SourceLookalikes) -> None:
    result = CliRunner().invoke(
        cli,
        ["bars", "600000.SH", "--source", "akshare", "--start", "20240101", "--end", "20240110", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    (series,) = json.loads(result.stdout)
    assert series["source"] == "akshare" and len(series["bars"]) == 8


@pytest.mark.timeout(60)
def test_compare_exit_status(env: SourceLookalikes) -> None:
    args = ["compare", "600000.SH", "--sources", "tushare,akshare", "--start", "20240101", "--end", "20240131"]
    assert CliRunner().invoke(cli, [*args, "--no-store"]).exit_code == 0
    env.shift[("akshare", "600000.SH", "20240110")] = 0.2
    result = CliRunner().invoke(cli, [*args, "--no-store", "--format", "json"])
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["date"], finding["field"], finding["right"]) == ("20240110", "close", "akshare")


@pytest.mark.timeout(60)
def test_sources_status_hides_the_key(env: SourceLookalikes) -> None:
    result = CliRunner().invoke(cli, ["sources", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert {row["source"] for row in json.loads(result.stdout)} == {"tushare", "akshare", "yahoo", "alphavantage"}
    assert ALPHAVANTAGE_KEY not in result.output


@pytest.mark.timeout(30)
def test_unknown_symbol_is_a_message_not_a_traceback(env: SourceLookalikes) -> None:
    result = CliRunner().invoke(cli, ["bars", "nonsense!", "--no-store"])
    assert result.exit_code == 1 and "PARAM-121" in result.output and "Traceback" not in result.output

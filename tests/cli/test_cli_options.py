"""Root options (--base-url, --timeout, --token), `pro-bar`, and the shared date rule on the command line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tushare_typed.testing import TushareEmulator

from .conftest import assert_clean_failure, run


@pytest.fixture
def emulator() -> Iterator[TushareEmulator]:
    # Not the plugin fixture: nothing in the environment points at this one, so only the options can.
    with TushareEmulator(tokens=["cli-option-token"]) as server:
        yield server


def test_base_url_and_token_options_reach_the_client(emulator: TushareEmulator) -> None:
    base = ("--base-url", emulator.url, "--timeout", "5")
    result = run(*base, "--token", "cli-option-token", "exec", "daily", "-p", "trade_date=2024-01-05")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2 + 10  # header, rule, the universe's ten stocks
    assert emulator.records[-1].params["trade_date"] == "20240105"  # the client's date rule
    piped = run(*base, "--token", "-", "exec", "daily", "-p", "trade_date=20240105", input="cli-option-token\n")
    assert piped.exit_code == 0 and "cli-option-token" not in piped.output
    wrong = run(*base, "--token", "not-accepted", "exec", "daily", "-p", "trade_date=20240105")
    assert_clean_failure(wrong, 1)
    assert wrong.stderr.startswith("error: [AUTH-001]") and "not-accepted" not in wrong.output


def test_start_after_end_is_a_parameter_error(emulator: TushareEmulator) -> None:
    base = ("--base-url", emulator.url, "--token", "cli-option-token")
    result = run(*base, "exec", "daily", "-p", "start_date=2024-03-01", "-p", "end_date=20240201")
    assert_clean_failure(result, 1)
    assert "start_date=20240301 is after end_date=20240201" in result.stderr
    assert emulator.calls() == 0


def test_pro_bar_command(emulator: TushareEmulator) -> None:
    base = ("--base-url", emulator.url, "--token", "cli-option-token")
    arguments = ("000001.SZ", "--start-date", "2024-01-02", "--end-date", "2024-01-31", "--adj", "qfq")
    result = run(*base, "pro-bar", *arguments, "--ma", "5", "--format", "csv", "--qfq-anchor", "latest")
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.splitlines()
    assert header.split(",")[:3] == ["ts_code", "trade_date", "open"] and "ma5" in header
    assert len(rows) == 22  # the weekdays of January 2024 from the 2nd
    bad = run(*base, "pro-bar", "000001.SZ", "--ma", "five")
    assert_clean_failure(bad, 2)
    assert "--ma 'five': expected positive whole numbers" in bad.stderr


def test_timeout_must_be_positive() -> None:
    result = run("--timeout", "0", "list")
    assert result.exit_code == 2

"""`tushare-typed doctor`: one line per check with the fix, exit 1 when one fails; `--probe` records what the token
may call, which `list --callable` and `sync --all-i-can` then use."""

from __future__ import annotations

import datetime as dt
import sqlite3
from email.utils import format_datetime
from pathlib import Path

import pytest

from tushare_typed.catalog import Catalog, load_catalog
from tushare_typed.cli.doctor import MAX_CLOCK_SKEW, clock_finding
from tushare_typed.testing import TushareEmulator

from .conftest import assert_clean_failure, run


@pytest.fixture(autouse=True)
def data_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The probe record and the data store live here; no service database unless a test sets one."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for name in ("TUSHARE_TYPED_PROBE", "TUSHARE_TYPED_STORE", "TUSHARE_TYPED_SERVICE_DB"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


@pytest.fixture
def tushare_emulator_catalog() -> Catalog:
    """The package's catalog less ``weekly``, which the emulator then answers as an unknown interface."""
    catalog = load_catalog()
    return Catalog({api: spec for api, spec in catalog.interfaces.items() if api != "weekly"})


def _lines(output: str) -> dict[str, str]:
    """check name → status, from doctor's lines."""
    found = {}
    for line in output.splitlines():
        status, _, rest = line.partition("  ")
        if status.strip() in ("ok", "warn", "FAIL", "skip") and rest.strip():
            found[rest.strip()[:12].strip()] = status.strip()
    return found


@pytest.mark.timeout(60)
def test_a_healthy_setup_passes_every_check(tushare_emulator: TushareEmulator) -> None:
    result = run("doctor")
    assert result.exit_code == 0, result.output
    lines = _lines(result.stdout)
    assert {lines[name] for name in ("token", "api", "clock", "token valid", "data store")} == {"ok"}
    assert lines["service db"] == "skip"
    assert tushare_emulator.calls("trade_cal") == 1
    assert tushare_emulator.token not in result.output


@pytest.mark.timeout(60)
def test_a_rejected_token_fails_with_its_fix(tushare_emulator: TushareEmulator) -> None:
    result = run("--token", "not-the-emulators-token", "doctor")
    assert result.exit_code == 1
    assert _lines(result.stdout)["token valid"] == "FAIL"
    assert "AUTH-001" in result.stdout and "fix:" in result.stdout
    assert "not-the-emulators-token" not in result.output


@pytest.mark.timeout(60)
def test_a_missing_token_and_an_unreachable_api_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    with TushareEmulator() as stopped:
        url = stopped.url  # nothing listens there once it stops
    result = run("--base-url", url, "doctor", "--timeout", "3")
    assert result.exit_code == 1
    lines = _lines(result.stdout)
    assert (lines["token"], lines["api"], lines["token valid"]) == ("FAIL", "FAIL", "skip")
    assert "token set" in result.stdout  # the fix for a missing token


@pytest.mark.timeout(10)
def test_the_clock_check_compares_with_the_servers_date() -> None:
    now = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)
    assert clock_finding(format_datetime(now, usegmt=True), now, 0.2).status == "ok"
    late = clock_finding(format_datetime(now - dt.timedelta(seconds=MAX_CLOCK_SKEW + 60), usegmt=True), now, 0.2)
    assert late.status == "FAIL" and "ahead of" in late.detail and "ntp" in late.fix
    assert clock_finding(None, now, 0.2).status == "skip"
    assert clock_finding("not a date", now, 0.2).status == "skip"


@pytest.mark.timeout(60)
def test_the_service_database_is_checked_when_configured(
    tushare_emulator: TushareEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("sqlalchemy")
    database = tmp_path / "service.sqlite3"
    sqlite3.connect(database).close()
    monkeypatch.setenv("TUSHARE_TYPED_SERVICE_DB", str(database))
    assert _lines(run("doctor").stdout)["service db"] == "ok"
    pytest.importorskip("psycopg")
    monkeypatch.setenv("TUSHARE_TYPED_SERVICE_DB", "postgresql://user:s3cret-pw@127.0.0.1:1/none")
    result = run("doctor", "--timeout", "3")
    assert result.exit_code == 1 and _lines(result.stdout)["service db"] == "FAIL"
    assert "s3cret-pw" not in result.output


@pytest.mark.timeout(60)
@pytest.mark.tushare_emulator(denied=["daily"])
def test_probe_records_what_the_token_may_call(tushare_emulator: TushareEmulator, data_home: Path) -> None:
    result = run("doctor", "--probe", "--only", "daily,weekly,stock_basic")
    assert result.exit_code == 0, result.output
    assert "1 callable, 1 denied, 1 unknown, 0 failed" in result.stdout
    assert "请指定正确的接口名" in result.stdout
    assert (data_home / "tushare_typed" / "probe.json").is_file()
    listed = run("list", "--callable")
    assert [line.split()[0] for line in listed.stdout.splitlines()[2:]] == ["stock_basic"]
    again = run("doctor", "--probe", "--only", "daily,weekly,stock_basic")
    assert "3 recorded, 0 to call" in again.stderr
    assert [tushare_emulator.calls(api) for api in ("daily", "weekly", "stock_basic")] == [1, 1, 1]

    from tushare_typed.cli.store import _syncable

    _, skipped = _syncable(None)
    reasons = dict(skipped)
    assert "denied" in reasons["daily"] and "unknown" in reasons["weekly"] and "stock_basic" not in reasons


@pytest.mark.timeout(30)
def test_list_callable_without_a_probe_says_how_to_make_one() -> None:
    result = run("list", "--callable")
    assert_clean_failure(result, 1)
    assert "doctor --probe" in result.stderr


@pytest.mark.timeout(30)
def test_probe_refuses_an_unknown_interface_before_any_call(tushare_emulator: TushareEmulator) -> None:
    result = run("doctor", "--probe", "--only", "dayly")
    assert_clean_failure(result, 2)
    assert tushare_emulator.calls() == 1  # the token check only
    assert_clean_failure(run("doctor", "--only", "daily"), 2)
    assert tushare_emulator.calls() == 1

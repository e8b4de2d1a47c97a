"""`tushare-typed stream`: JSON lines or a table, --to-store, clean errors, and Ctrl-C ending it promptly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tushare_typed.push import PushStore
from tushare_typed.testing import DEFAULT_TOKEN
from tushare_typed.testing._push import PushEmulator

from .conftest import assert_clean_failure, run

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def push(monkeypatch: pytest.MonkeyPatch) -> Iterator[PushEmulator]:
    with PushEmulator(rate=1000) as running:
        monkeypatch.setenv("TUSHARE_TOKEN", DEFAULT_TOKEN)
        monkeypatch.setenv("TUSHARE_TYPED_WS_URL", running.url)
        yield running


def test_jsonl_lines_are_the_records(push: PushEmulator) -> None:
    result = run("stream", "HQ_STK_TICK", "600000.SH", "*.SZ", "--max-records", "5")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 5 and lines[0]["ts_code"] == "600000.SH" and "count" in lines[0]
    assert lines[0]["trade_time"] == "2024-12-31T09:30:00"
    assert "5 records" in result.stderr


def test_a_table_has_a_header_and_one_line_per_record(push: PushEmulator) -> None:
    result = run("stream", "HQ_STK_MIN", "1MIN:600000.SH", "--max-records", "3", "--format", "table")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["ts_code", "freq", "trade_time"] and len(lines) == 4


def test_to_store_and_roll_up(push: PushEmulator, tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    result = run(
        "stream", "HQ_STK_TICK", "600000.SH", "--max-records", "40", "--to-store", "--store", str(path), "--roll-up"
    )
    assert result.exit_code == 0, result.output
    assert "minute bars rolled up" in result.stderr
    store = PushStore(path)
    try:
        assert store.count("HQ_STK_TICK") >= 40 and store.minute_bars("600000.SH")
    finally:
        store.close()


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (("stream", "HQ_NOPE", "600000.SH"), 1, "unknown push topic"),
        (("stream", "HQ_STK_TICK", "bad code!"), 1, "is not a HQ_STK_TICK code"),
        (("stream", "HQ_STK_TICK", "600000.SH", "--roll-up"), 2, "--to-store"),
    ],
)
def test_bad_input_is_a_clean_failure(push: PushEmulator, args: tuple[str, ...], code: int, text: str) -> None:
    result = run(*args)
    assert_clean_failure(result, code)
    assert text in result.stderr


def test_a_refused_token_is_a_clean_auth_failure(push: PushEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUSHARE_TOKEN", "not-the-token-0123456789")
    result = run("stream", "HQ_STK_TICK", "600000.SH", "--max-records", "1")
    assert result.exit_code != 0 and "AUTH-001" in result.stderr
    assert "not-the-token-0123456789" not in result.output


def test_ctrl_c_ends_the_stream_promptly(push: PushEmulator, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "tushare_typed.cli", "stream", "HQ_STK_TICK", "*.SH", "--to-store"]
    command += ["--store", str(tmp_path / "s.duckdb")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)  # noqa: S603
    try:
        assert process.stdout is not None and process.stdout.readline().startswith("{")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 130, stderr
    assert "interrupted after" in stderr and "Traceback" not in stderr

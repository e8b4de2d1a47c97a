"""`tushare-typed exec` with the OTEL_* variables: traces and metrics reach a real OTLP/HTTP receiver, and an
endpoint that never answers neither fails the command nor holds its exit."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.otel_support import otlp_receiver
from tushare_typed.testing import TushareEmulator

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def emulator() -> Iterator[TushareEmulator]:
    with TushareEmulator(total_rows=12) as running:
        yield running


def _exec(emulator: TushareEmulator, endpoint: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TUSHARE_TOKEN": emulator.token,
        "TUSHARE_API_URL": emulator.url,
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    env.pop("OTEL_SERVICE_NAME", None)
    command = [sys.executable, "-m", "tushare_typed.cli", "exec", "daily", "-p", "ts_code=000001.SZ", "-q"]
    command += ["--format", "csv"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603


@pytest.mark.timeout(90)
def test_exec_sends_its_traces_and_metrics_to_an_otlp_receiver(emulator: TushareEmulator, tmp_path: Path) -> None:
    with otlp_receiver() as received:
        done = _exec(emulator, received.endpoint, tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 13  # the header and every row
    assert {"tushare.daily", "tushare.call"} <= received.span_names()
    assert {service for service, _, _ in received.spans} == {"tushare-typed-cli"}
    paged = next(attrs for _, name, attrs in received.spans if name == "tushare.daily")
    assert paged["tushare.rows"] == 12 and paged["tushare.interface"] == "daily"
    assert emulator.token not in repr(received.spans)
    assert {"tushare.client.calls", "tushare.client.rows", "tushare.client.duration"} <= received.metrics


@pytest.mark.timeout(90)
def test_exec_with_an_endpoint_that_never_answers_succeeds_and_exits(emulator: TushareEmulator, tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        started = time.perf_counter()
        done = _exec(emulator, f"http://127.0.0.1:{listener.getsockname()[1]}", tmp_path)
        elapsed = time.perf_counter() - started
    finally:
        listener.close()
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 13
    # The exit waits at most the 3 s shutdown bound for exports the endpoint never answers (not their 10 s default).
    assert elapsed < 10, elapsed

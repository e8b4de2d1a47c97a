"""Several service workers on one port: a listening socket each (the kernel spreads connections), supervised."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tushare_typed.service import _workers
from tushare_typed.service._workers import listening_socket, reuse_port_supported, run_workers
from tushare_typed.testing import TushareEmulator

from . import worker_targets

pytestmark = pytest.mark.skipif(not reuse_port_supported(), reason="SO_REUSEPORT workers are Linux only")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.timeout(10)
def test_workers_sockets_share_one_port() -> None:
    port = free_port()
    first, second = listening_socket("127.0.0.1", port), listening_socket("127.0.0.1", port)
    try:
        assert first.getsockname() == second.getsockname()
    finally:
        first.close()
        second.close()


@pytest.mark.timeout(30)
def test_a_worker_that_fails_to_start_stops_the_service_with_its_status() -> None:
    began = time.monotonic()
    assert run_workers(worker_targets.exit_at_once, "127.0.0.1", free_port(), 2) == 3
    assert time.monotonic() - began < 20


@pytest.mark.timeout(60)
def test_a_worker_that_dies_later_is_replaced_until_a_signal_stops_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    starts = tmp_path / "starts"
    monkeypatch.setenv(worker_targets.STARTS_ENV, str(starts))
    monkeypatch.setattr(_workers, "STARTUP_SECONDS", 0.0)  # every exit counts as a death after serving
    handler = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(4.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        assert run_workers(worker_targets.exit_after_a_while, "127.0.0.1", free_port(), 2) == 0
    finally:
        timer.cancel()
    assert len(starts.read_text(encoding="utf-8").split()) > 2
    assert signal.getsignal(signal.SIGTERM) is handler  # the caller's handler is back


@pytest.mark.timeout(30)
def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(  # noqa: S603 - our own interpreter
            [*_serve_command(tmp_path), "--port", str(port), "--workers", "2"],
            capture_output=True,
            text=True,
            timeout=25,
            env=_env(tmp_path, "http://127.0.0.1:9"),
        )
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def served(tmp_path: Path, emulator: TushareEmulator) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter
        [*_serve_command(tmp_path), "--port", str(port), "--workers", "2"],
        env=_env(tmp_path, emulator.url),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_healthy(port)
        yield server, port
    finally:
        if server.poll() is None:
            server.terminate()
        server.communicate(timeout=40)


@pytest.mark.timeout(90)
def test_connections_arriving_together_are_spread_over_the_workers_and_sigterm_stops_them(
    served: tuple[subprocess.Popen[str], int],
) -> None:
    server, port = served
    workers = _children(server.pid)
    # 50 connections in one burst, as a load test's clients open them: on one shared listening socket the first
    # worker to wake accepted nearly all of them. With a socket each, the kernel hashes them over the workers.
    connections = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(50)]
    try:
        for connection in connections:
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for connection in connections:
            assert connection.recv(4096).startswith(b"HTTP/1.1 200")
        held = {pid: count for pid in workers if (count := _established(pid, port))}
    finally:
        for connection in connections:
            connection.close()
    assert len(held) == 2, held
    assert min(held.values()) >= 10, held  # a fair split is 25 each; fewer than 10 is one in a million
    server.terminate()
    assert server.wait(timeout=40) == 0
    # The workers are stopped before the supervisor exits (multiprocessing's resource tracker follows it shortly).
    assert not [pid for pid in held if _alive(pid)]
    deadline = time.monotonic() + 10
    while [pid for pid in workers if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]


def _serve_command(tmp_path: Path) -> list[str]:
    code = "from tushare_typed.cli import main; main()"
    return [sys.executable, "-c", code, "serve", "--db", str(tmp_path / "service.sqlite3")]


def _env(tmp_path: Path, upstream: str) -> dict[str, str]:
    return {
        **os.environ,
        "TUSHARE_API_URL": upstream,
        "TUSHARE_TYPED_SERVICE_DATA": str(tmp_path),
    }


def _wait_healthy(port: int, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the service on port {port} did not answer /healthz within {seconds} s")


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    return children


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _established(pid: int, port: int) -> int:
    """TCP connections of process ``pid`` accepted on local ``port`` (from /proc: its socket inodes, /proc/net/tcp)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01" and fields[9] in inodes:  # 01: ESTABLISHED
                count += 1
    return count


@pytest.mark.timeout(10)
def test_outside_the_main_thread_the_service_keeps_uvicorns_workers() -> None:
    # The supervisor needs the signals, which only the main thread receives.
    answers: list[bool] = []
    thread = threading.Thread(target=lambda: answers.append(reuse_port_supported()))
    thread.start()
    thread.join(timeout=5)
    assert answers == [False]

"""Helpers of the deployment tier: podman commands, free ports, an emulator on the host, waiting for readiness."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tushare_typed.testing import DEFAULT_TOKEN

__all__ = ["DEFAULT_TOKEN", "free_port", "host_emulator", "image", "podman", "wait_ready"]


def image(kind: str) -> str:
    """The image the tier built or pulled for ``kind`` (SERVICE, POSTGRES, REDIS)."""
    return os.environ["TSGEN_DEPLOY_IMAGE" if kind == "SERVICE" else f"TSGEN_DEPLOY_{kind}_IMAGE"]


def podman(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
    command = ["podman", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=check)  # noqa: S603


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def host_emulator() -> Iterator[str]:
    """``python -m tushare_typed.testing`` on 127.0.0.1 (its own process); yields its URL."""
    process = subprocess.Popen([sys.executable, "-m", "tushare_typed.testing"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_ready(base: str, *, timeout: float = 90.0, alive: str | None = None) -> float:
    """Seconds until ``/readyz`` answers 200; fails with the container's log when ``alive`` (its name) has exited."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        if alive is not None and podman("inspect", "-f", "{{.State.Running}}", alive).stdout.strip() != "true":
            raise AssertionError(f"{alive} exited before it was ready:\n{podman('logs', alive).stderr[-3000:]}")
        time.sleep(0.1)
    raise AssertionError(f"{base}/readyz did not answer 200 within {timeout:.0f} s")

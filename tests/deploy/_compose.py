"""The compose stack of the tier: deploy/compose.yaml (+ compose.test.yaml's emulator) under podman-compose, with
the images the tier built and secrets written into a temporary folder."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ._podman import DEFAULT_TOKEN, free_port, image, podman, wait_ready

__all__ = ["Stack", "compose_stack"]

REPO = Path(__file__).resolve().parents[2]
FILES = (REPO / "deploy" / "compose.yaml", Path(__file__).with_name("compose.test.yaml"))
STORE_KEY = "uTgWQxJ0wZ4Z4BA6ALbTSeJb0zJ6XiVCjvA3Nyk0Q5E="  # a Fernet key for the tier only


@dataclass(frozen=True)
class Stack:
    project: str
    base: str
    ready_seconds: float

    def container(self, service: str) -> str:
        return f"{self.project}_{service}_1"

    def exec(self, service: str, *command: str) -> str:
        return podman("exec", self.container(service), *command).stdout.strip()


def _secrets(folder: Path) -> None:
    folder.mkdir(mode=0o700)
    password = uuid.uuid4().hex
    values = {
        "tushare_token": DEFAULT_TOKEN,
        "tushare_typed_key": STORE_KEY,
        "postgres_password": password,
        "database_url": f"postgresql://tushare:{password}@postgres:5432/tushare",
    }
    for name, value in values.items():
        (folder / name).write_text(value, encoding="utf-8")
        (folder / name).chmod(0o644)  # read by the containers' own users


def _compose(project: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [os.environ.get("TSGEN_DEPLOY_COMPOSE", "podman-compose"), "-p", project]
    for file in FILES:
        command += ["-f", str(file)]
    command += args
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603


def _wait_healthy(container: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while podman("healthcheck", "run", container, check=False).returncode != 0:
        assert time.monotonic() < deadline, f"{container} not healthy within {timeout:.0f} s"
        time.sleep(0.5)


@contextmanager
def compose_stack(folder: Path) -> Iterator[Stack]:
    """Bring the stack up, wait until the api is ready, and take it down (volumes included) afterwards."""
    project, port = f"tsgen{uuid.uuid4().hex[:8]}", free_port()
    _secrets(folder / "secrets")
    env = {
        **os.environ,
        "TUSHARE_TYPED_IMAGE": image("SERVICE"),
        "POSTGRES_IMAGE": image("POSTGRES"),
        "REDIS_IMAGE": image("REDIS"),
        "SECRETS_DIR": str(folder / "secrets"),
        "TUSHARE_TYPED_PORT": str(port),
    }
    try:
        # The databases first, until their health checks pass (podman < 4.6 cannot wait for `service_healthy`),
        # so that the api starts once, as it would under docker compose.
        up = _compose(project, env, "up", "-d", "postgres", "redis")
        assert up.returncode == 0, up.stdout + up.stderr
        for service in ("postgres", "redis"):
            _wait_healthy(f"{project}_{service}_1")
        up = _compose(project, env, "up", "-d")
        assert up.returncode == 0, up.stdout + up.stderr
        base = f"http://127.0.0.1:{port}"
        seconds = wait_ready(base, timeout=150)
        yield Stack(project, base, seconds)
    finally:
        _compose(project, env, "down", "-v", "-t", "5")
        podman("pod", "rm", "-f", f"pod_{project}", check=False)

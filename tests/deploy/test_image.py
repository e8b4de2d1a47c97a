"""The service's image, run by podman on the host's network against an emulator on the host: `/healthz`, an API key
made by the CLI inside the container, `/auth/token`, a `/mcp/execute`; and its start refusals (a database or Redis
that cannot be reached, a secret file that is missing), each one clear line and a failing exit code."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from ._podman import DEFAULT_TOKEN, free_port, host_emulator, image, podman, wait_ready

pytestmark = pytest.mark.deploy
KEY = "uTgWQxJ0wZ4Z4BA6ALbTSeJb0zJ6XiVCjvA3Nyk0Q5E="  # a Fernet key for this test only
EXECUTE = {"commandId": "daily", "params": {"ts_code": "000001.SZ"}, "pagination": {"limit": 50}}


def _name() -> str:
    return f"tsgen-deploy-{uuid.uuid4().hex[:8]}"


def _refusal(*env: str, timeout: float = 90) -> tuple[int, str]:
    """Run the image with ``env`` until it exits on its own; its exit code and log."""
    name = _name()
    run = ["run", "--name", name, "--network", "host"]
    for pair in env:
        run += ["-e", pair]
    try:
        result = podman(*run, image("SERVICE"), "--port", str(free_port()), timeout=timeout, check=False)
        return result.returncode, result.stdout + result.stderr
    finally:
        podman("rm", "-f", name, check=False)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, str]]:
    """The image serving on a free port of the host's network; yields its URL and the container's name."""
    port, name = free_port(), _name()
    with host_emulator() as upstream:
        env = ["-e", f"TUSHARE_API_URL={upstream}", "-e", f"TUSHARE_TYPED_KEY={KEY}"]
        podman("run", "-d", "--name", name, "--network", "host", *env, image("SERVICE"), "--port", str(port))
        try:
            base = f"http://127.0.0.1:{port}"
            seconds = wait_ready(base, alive=name)
            print(f"\ncontainer start to ready: {seconds:.2f} s")
            yield base, name
        finally:
            podman("rm", "-f", "-t", "5", name, check=False)


@pytest.mark.timeout(240)
def test_the_image_runs_as_a_non_root_user_with_a_health_check() -> None:
    config = podman("image", "inspect", image("SERVICE"), "--format", "{{.Config.User}} {{.Config.Healthcheck.Test}}")
    user, _, check = config.stdout.strip().partition(" ")
    assert user.split(":")[0] not in ("", "0", "root"), user
    assert "/readyz" in check, check


@pytest.mark.timeout(240)
def test_health_and_an_execution_through_a_key_made_inside_the_container(served: tuple[str, str]) -> None:
    base, name = served
    assert httpx.get(f"{base}/healthz", timeout=5).json() == {"status": "ok"}
    key = podman("exec", name, "tushare-typed", "api-key", "create", "--owner", "alice").stdout.strip()
    headers = {"X-MCP-Token": key}
    assert httpx.post(f"{base}/mcp/execute", json=EXECUTE, timeout=30).status_code == 401  # no key, no call
    stored = httpx.post(f"{base}/auth/token", json={"token": DEFAULT_TOKEN}, headers=headers, timeout=30)
    assert stored.status_code in (200, 201, 204), stored.text
    reply = httpx.post(f"{base}/mcp/execute", json=EXECUTE, headers=headers, timeout=60)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    # The container has no TUSHARE_TOKEN and the emulator accepts only its own: the call went with the stored one.
    assert body["status"] == "PARTIAL", body  # 50 rows of more: the limit was reached
    assert len(body["data"]["items"]) == 50


@pytest.mark.timeout(240)
def test_an_unreachable_database_stops_the_start_with_one_clear_line() -> None:
    code, log = _refusal("TUSHARE_TYPED_SERVICE_DB=postgresql://svc:hunter2secret@127.0.0.1:9/nowhere")
    assert code != 0
    assert "cannot reach the service database postgresql://svc:***@127.0.0.1:9/nowhere" in log, log
    assert "hunter2secret" not in log
    assert "Traceback" not in log


@pytest.mark.timeout(240)
def test_an_unreachable_redis_stops_the_start_with_one_clear_line() -> None:
    code, log = _refusal(
        "TUSHARE_TYPED_SERVICE_LIMITER=tushare_typed.service.redis_limiter:limiter",
        "TUSHARE_TYPED_SERVICE_REDIS_URL=redis://:hunter2secret@127.0.0.1:9/0",
    )
    assert code != 0
    assert "cannot reach the limiter's Redis at 127.0.0.1:9/0" in log, log
    assert "hunter2secret" not in log
    assert "Traceback" not in log


@pytest.mark.timeout(240)
def test_a_missing_secret_file_stops_the_start_naming_it() -> None:
    code, log = _refusal("TUSHARE_TYPED_KEY_FILE=/run/secrets/absent")
    assert code != 0
    assert "TUSHARE_TYPED_KEY_FILE='/run/secrets/absent' cannot be read" in log, log
    assert "Traceback" not in log


@pytest.mark.timeout(240)
def test_a_missing_store_key_is_one_log_line_and_auth_token_refuses() -> None:
    port, name = free_port(), _name()
    podman("run", "-d", "--name", name, "--network", "host", image("SERVICE"), "--port", str(port))
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, alive=name)
        key = podman("exec", name, "tushare-typed", "api-key", "create", "--owner", "bob").stdout.strip()
        refused = httpx.post(f"{base}/auth/token", json={"token": "t" * 32}, headers={"X-MCP-Token": key}, timeout=30)
        log = podman("logs", name).stdout + podman("logs", name).stderr
    finally:
        podman("rm", "-f", "-t", "5", name, check=False)
    assert [line for line in log.splitlines() if "TUSHARE_TYPED_KEY is not set" in line], log
    assert refused.status_code == 401, refused.text
    assert refused.json()["code"] == "AUTH-012"

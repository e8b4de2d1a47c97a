"""Figures of the deployment: image size, container start to ready, and a short load test on ``/mcp/execute``
inside the compose stack vs the bare process, in the same run.

    bash scripts/deploy_tier.sh                       # builds the images (and tests them)
    python scripts/bench_deploy.py [--clients 20] [--seconds 15] [--starts 3]

The stack is deploy/compose.yaml under podman-compose (PostgreSQL, the Redis limiter, the emulator as tushare in
the api's network namespace), reached through its published port; the bare process is ``tushare-typed serve`` with
the same two workers on the host, against an emulator on the host and, when the suite's services run
(``TSGEN_TEST_POSTGRES_URL``, ``TSGEN_TEST_REDIS_URL``), the same kind of database and limiter.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from bench_emulator import emulator_process
from bench_service import _cli, _load, _reset_postgres

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("CONTAINERS_CONF", str(REPO / ".cache" / "deploy" / "containers.conf"))
os.environ.setdefault("TSGEN_DEPLOY_IMAGE", "localhost/tushare-typed:test")
os.environ.setdefault("TSGEN_DEPLOY_POSTGRES_IMAGE", "localhost/tsgen-postgres:local")
os.environ.setdefault("TSGEN_DEPLOY_REDIS_IMAGE", "localhost/tsgen-redis:local")
os.environ.setdefault("TSGEN_DEPLOY_COMPOSE", str(Path(sys.executable).parent / "podman-compose"))

from tests.deploy._compose import compose_stack  # noqa: E402
from tests.deploy._podman import DEFAULT_TOKEN, free_port, image, podman, wait_ready  # noqa: E402


def _percentiles(latencies: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(latencies, n=100)
    return {"p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1), "requests": len(latencies)}


def _measure(base: str, key: str, clients: int, seconds: float) -> dict[str, Any]:
    stored = httpx.post(f"{base}/auth/token", json={"token": DEFAULT_TOKEN}, headers={"X-MCP-Token": key}, timeout=30)
    stored.raise_for_status()
    latencies, failures = asyncio.run(_load(base, key, clients, seconds))
    return {**_percentiles(latencies), "errors": sum(failures.values())}


def _start_to_ready(starts: int) -> list[float]:
    """Seconds from `podman run` to a 200 on /readyz (SQLite in the container, the host's network)."""
    seconds = []
    for _ in range(starts):
        port, name = free_port(), f"tsgen-bench-{os.getpid()}"
        started = time.perf_counter()
        podman("run", "-d", "--name", name, "--network", "host", image("SERVICE"), "--port", str(port))
        try:
            wait_ready(f"http://127.0.0.1:{port}", alive=name)
            seconds.append(round(time.perf_counter() - started, 2))
        finally:
            podman("rm", "-f", "-t", "5", name, check=False)
    return seconds


def _bare(clients: int, seconds: float) -> dict[str, Any]:
    db, redis = os.environ.get("TSGEN_TEST_POSTGRES_URL"), os.environ.get("TSGEN_TEST_REDIS_URL")
    with tempfile.TemporaryDirectory() as tmp, emulator_process(package_catalog=True) as upstream:
        db = db or str(Path(tmp) / "service.sqlite3")
        if db.startswith("postgres"):
            _reset_postgres(db)
        env = {**os.environ, "TUSHARE_API_URL": upstream, "TUSHARE_TYPED_SERVICE_DATA": tmp}
        env["TUSHARE_TYPED_KEY"] = "uTgWQxJ0wZ4Z4BA6ALbTSeJb0zJ6XiVCjvA3Nyk0Q5E="
        if redis:
            env["TUSHARE_TYPED_SERVICE_LIMITER"] = "tushare_typed.service.redis_limiter:limiter"
            env["TUSHARE_TYPED_SERVICE_REDIS_URL"] = redis
        key = (_cli("api-key", "create", "--owner", "bench", "--db", db, env=env).communicate(timeout=60)[0]).strip()
        port = free_port()
        server = _cli("serve", "--port", str(port), "--db", db, "--workers", "2", env=env)
        try:
            wait_ready(f"http://127.0.0.1:{port}")
            figures = _measure(f"http://127.0.0.1:{port}", key, clients, seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {**figures, "database": "postgresql" if db.startswith("postgres") else "sqlite", "redis": bool(redis)}


def _stack(clients: int, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, compose_stack(Path(tmp)) as up:
        key = up.exec("api", "tushare-typed", "api-key", "create", "--owner", "bench")
        return {**_measure(up.base, key, clients, seconds), "compose_up_to_ready_s": round(up.ready_seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()
    size = int(podman("image", "inspect", image("SERVICE"), "--format", "{{.Size}}").stdout.strip())
    result = {
        "image": image("SERVICE"),
        "image_mb": round(size / 1e6, 1),
        "start_to_ready_s": _start_to_ready(args.starts),
        "compose": _stack(args.clients, args.seconds),
        "bare": _bare(args.clients, args.seconds),
        "load_average_1min": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()

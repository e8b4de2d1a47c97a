"""Load test of the REST service: CLIENTS concurrent clients on ``POST /mcp/execute`` for SECONDS, on 127.0.0.1.

    python scripts/bench_service.py [--db URL] [--workers 2] [--clients 50] [--seconds 30] [--quota N --window S]

Starts the emulator (its own process) and ``tushare-typed serve`` (WORKERS processes) on an SQLite file, or on the
PostgreSQL server at ``--db`` (its tables are dropped first), then measures:

- cold start: from launching ``tushare-typed serve`` (all 223 interfaces, typed gateway included) to the first
  served ``/mcp/execute``;
- each server process's CPU during the load, in % of one core (Linux): whether the workers share the work;
- latency P50 / P95 / P99 of the load (target: P95 < 1.5 s), errors (any reply but 200), and the emulator's
  quota rejections (40203; target 0). With ``--quota`` the emulator enforces QUOTA calls per WINDOW seconds and
  every worker's limiter holds the same quota through one shared SQLite file, so demand above the quota waits
  instead of being rejected.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from bench_emulator import emulator_process, emulator_stats

from tushare_typed.ratelimit import Limiter, RateLimit, RateLimiter, SQLiteBackend
from tushare_typed.service._executor import metered_async_sleep, metered_sleep
from tushare_typed.testing import DEFAULT_TOKEN

QUOTA_ENV = "BENCH_SERVICE_QUOTA"
WINDOW_ENV = "BENCH_SERVICE_WINDOW"
BODY = {"commandId": "daily", "params": {"ts_code": "000001.SZ"}, "pagination": {"limit": 100}}


def limiter(key: str) -> Limiter:
    """The service's limiter factory in this benchmark (``TUSHARE_TYPED_SERVICE_LIMITER=bench_service:limiter``)."""
    data = Path(os.environ["TUSHARE_TYPED_SERVICE_DATA"])
    quota = RateLimit(int(os.environ[QUOTA_ENV]), float(os.environ[WINDOW_ENV]))
    return RateLimiter(
        quota,
        key=key,
        backend=SQLiteBackend(data / "ratelimit.sqlite3"),
        sleep=metered_sleep,
        async_sleep=metered_async_sleep,
    )


def _cli(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", "from tushare_typed.cli import main; main()", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    from tushare_typed.service._db import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


async def _load(base: str, key: str, clients: int, seconds: float) -> tuple[list[float], Counter[str]]:
    """Latencies of every request, and the failures by kind (HTTP status and error code, or the exception)."""
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        # One connection per client, as 50 independent clients have: one shared pool would charge the load
        # generator a scan of every pooled connection per request (httpcore), which is not the service's latency.
        async with httpx.AsyncClient(base_url=base, headers={"X-MCP-Token": key}, timeout=60) as http:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    reply = await http.post("/mcp/execute", json=BODY)
                    body = reply.json()
                    if reply.status_code != 200 or body["status"] not in ("SUCCESS", "PARTIAL"):
                        error = body.get("error") or body
                        failures[f"{reply.status_code} {error.get('code')}"] += 1
                except httpx.HTTPError as error:
                    failures[type(error).__name__] += 1
                latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, failures


def _descendants(pid: int) -> list[int]:
    """The processes under ``pid`` (Linux /proc; none elsewhere): the service's workers, and multiprocessing's
    resource tracker, which spends no CPU."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            found += [int(child), *_descendants(int(child))]
    return found


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process still running (/proc/PID/stat, in clock ticks)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime: fields 14 and 15 of stat
    return seconds


def _wait_first_execute(base: str, key: str, started: float, timeout: float = 120.0) -> float:
    while time.perf_counter() - started < timeout:
        try:
            if httpx.post(f"{base}/mcp/execute", json=BODY, headers={"X-MCP-Token": key}).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise SystemExit("the service did not serve /mcp/execute within 120 s")


def run(args: argparse.Namespace) -> dict[str, Any]:
    upstream_emulator = emulator_process(quota=args.quota, window=args.window, package_catalog=True)
    with tempfile.TemporaryDirectory() as tmp, upstream_emulator as upstream:
        data = Path(tmp)
        db = args.db or str(data / "service.sqlite3")
        if db.startswith("postgres"):
            _reset_postgres(db)
        env = {
            **os.environ,
            "TUSHARE_API_URL": upstream,
            "TUSHARE_TOKEN": DEFAULT_TOKEN,
            "TUSHARE_TYPED_SERVICE_DATA": str(data),
            "TUSHARE_TYPED_SERVICE_LIMITER": "bench_service:limiter",
            QUOTA_ENV: str(args.quota or 10**9),
            WINDOW_ENV: str(args.window),
            "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]),
        }
        creating = _cli("api-key", "create", "--owner", "bench", "--db", db, env=env)
        key = (creating.communicate(timeout=60)[0] or "").strip()
        base = f"http://127.0.0.1:{args.port}"
        started = time.perf_counter()
        server = _cli("serve", "--port", str(args.port), "--db", db, "--workers", str(args.workers), env=env)
        try:
            cold_start = _wait_first_execute(base, key, started)
            workers = _cpu_seconds(_descendants(server.pid))
            latencies, failures = asyncio.run(_load(base, key, args.clients, args.seconds))
            worker_cpu = [
                round((seconds - workers[pid]) / args.seconds * 100)
                for pid, seconds in _cpu_seconds(list(workers)).items()
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)
        outcomes = emulator_stats(upstream)["outcomes"]
    cuts = statistics.quantiles(latencies, n=100)
    load = os.getloadavg()[0]
    return {
        "database": "postgresql" if db.startswith("postgres") else "sqlite",
        "workers": args.workers,
        "clients": args.clients,
        "seconds": args.seconds,
        "quota": f"{args.quota} per {args.window:g} s" if args.quota else None,
        "cold_start_s": round(cold_start, 2),
        "requests": len(latencies),
        "throughput_rps": round(len(latencies) / args.seconds, 1),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
        "worker_cpu_percent": sorted(worker_cpu, reverse=True),
        "errors": sum(failures.values()),
        "error_kinds": dict(failures),
        "upstream_calls": sum(outcomes.values()),
        "upstream_rejections": outcomes.get("rate_limited", 0),
        "load_average_1min": round(load, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: an SQLite file in a temporary folder)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--quota", type=int, help="upstream calls per window per token (default: no quota)")
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--port", type=int, default=8765)
    print(json.dumps(run(parser.parse_args()), ensure_ascii=False))


if __name__ == "__main__":
    main()

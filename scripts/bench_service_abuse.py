"""The REST service under abuse: how fast a capped interface answers 429, how `/healthz` fares while a 100 MB body is
refused, and the server's peak memory serving the largest `/v1` reply allowed.

    python scripts/bench_service_abuse.py [--rounds 5]

The service runs in its own process (uvicorn, one worker, the service's HTTP settings) on an SQLite file; the
emulator runs in this one. Figures:

- time to 429: ``daily`` capped at 1 call per day by the limiter; after the one call, the next request's wall time
  to its 429 RATE-201 (goal < 1 s; before the bound it waited out the day);
- ``/healthz`` latency (P50 / max) while another connection sends a 100 MB body, with and without an API key
  (goal < 100 ms): the body is refused (413 / 401) before it is read;
- the server process's peak RSS (VmHWM) before and after ``POST /v1/daily`` with ``max_rows`` at the cap
  (200 000 rows), and the reply's size.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from tushare_typed.catalog import Catalog, load_catalog
from tushare_typed.ratelimit import Limiter, RateLimit, RateLimiter
from tushare_typed.service.config import MAX_ROWS_CAP
from tushare_typed.testing import DEFAULT_TOKEN, TushareEmulator

BODY_BYTES = 100 * 1024 * 1024


def _daily_cap(key: str) -> Limiter:
    return RateLimiter(RateLimit(1, 86_400.0), key=key)


def _serve(port: int, upstream: str, folder: Path, capped: bool) -> None:
    import uvicorn

    from tushare_typed.service.app import create_app
    from tushare_typed.service.config import ServiceConfig
    from tushare_typed.service.server import _UVICORN_OPTIONS

    config = ServiceConfig(
        database_url=str(folder / "service.sqlite3"),
        data_dir=folder,
        upstream_url=upstream,
        catalog=_catalog(),
        limiter_factory=_daily_cap if capped else None,
        token_key=None,
    )
    options = {k: v for k, v in _UVICORN_OPTIONS.items() if k != "factory"}
    uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port, **options)).run()


def _catalog() -> Catalog:
    full = load_catalog()
    return Catalog({"daily": full.get("daily")})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(upstream: str, folder: Path, capped: bool) -> tuple[subprocess.Popen[bytes], str, str]:
    from tushare_typed.service._db import Database
    from tushare_typed.service._keys import create_key

    db = Database.open(str(folder / "service.sqlite3"))
    key = create_key(db, "bench", "bench").key
    db.close()
    port = _free_port()
    args = [sys.executable, __file__, "--serve", str(port), upstream, str(folder), "1" if capped else "0"]
    process = subprocess.Popen(args, env={**os.environ, "TUSHARE_TOKEN": DEFAULT_TOKEN})
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url, key
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the service did not start")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)


def time_to_429(upstream: str, rounds: int) -> list[float]:
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        process, url, key = _start(upstream, Path(folder), capped=True)
        try:
            headers = {"X-MCP-Token": key}
            body = {"commandId": "daily", "params": {"ts_code": "000001.SZ"}}
            first = httpx.post(f"{url}/mcp/execute", json=body, headers=headers, timeout=60)
            assert first.status_code == 200, first.text
            for _ in range(rounds):
                started = time.perf_counter()
                reply = httpx.post(f"{url}/mcp/execute", json=body, headers=headers, timeout=120)
                timings.append(time.perf_counter() - started)
                assert reply.status_code == 429, reply.text
                print(f"  429 in {timings[-1] * 1000:.1f} ms, Retry-After {reply.headers['retry-after']} s")
        finally:
            _stop(process)
    return timings


def _send_huge(url: str, key: str | None, done: threading.Event) -> str:
    host, port = url.removeprefix("http://").split(":")
    lines = ["POST /mcp/execute HTTP/1.1", f"Host: {host}", f"Content-Length: {BODY_BYTES}"]
    lines += ["Content-Type: application/json"] + ([f"X-MCP-Token: {key}"] if key else [])
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        chunk = b"x" * 65_536
        sent = 0
        try:
            while sent < BODY_BYTES and not done.is_set():
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        sock.settimeout(5)
        try:
            return sock.recv(200).decode(errors="replace").split("\r\n", 1)[0] + f" after {sent >> 20} MiB sent"
        except OSError as error:
            return f"{type(error).__name__} after {sent >> 20} MiB sent"


def healthz_during_huge_body(url: str, key: str | None) -> tuple[list[float], str]:
    done = threading.Event()
    outcome: list[str] = []
    sender = threading.Thread(target=lambda: outcome.append(_send_huge(url, key, done)))
    sender.start()
    latencies = []
    with httpx.Client() as client:
        for _ in range(50):
            started = time.perf_counter()
            client.get(f"{url}/healthz")
            latencies.append(time.perf_counter() - started)
            time.sleep(0.01)
    done.set()
    sender.join()
    return latencies, outcome[0]


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--serve", nargs=4, metavar=("PORT", "UPSTREAM", "FOLDER", "CAPPED"))
    arguments = parser.parse_args()
    if arguments.serve:
        port, upstream, folder, capped = arguments.serve
        _serve(int(port), upstream, Path(folder), capped == "1")
        return
    rows = {"daily": MAX_ROWS_CAP}
    with TushareEmulator(_catalog(), tokens=None, total_rows=rows) as emulator:
        print("time to 429 (daily capped at 1 call per day):")
        timings = time_to_429(emulator.url, arguments.rounds)
        print(f"  median {statistics.median(timings) * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms")
        with tempfile.TemporaryDirectory() as folder:
            process, url, key = _start(emulator.url, Path(folder), capped=False)
            try:
                for who, header in (("with an API key", key), ("without one", None)):
                    latencies, outcome = healthz_during_huge_body(url, header)
                    print(
                        f"/healthz while a 100 MB body is refused, {who}: P50 "
                        f"{statistics.median(latencies) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms "
                        f"({outcome})"
                    )
                before = _peak_rss_mib(process.pid)
                started = time.perf_counter()
                reply = httpx.post(
                    f"{url}/v1/daily", json={"max_rows": MAX_ROWS_CAP}, headers={"X-MCP-Token": key}, timeout=120
                )
                elapsed = time.perf_counter() - started
                rows_served = len(reply.json()["rows"])
                print(
                    f"/v1/daily max_rows={MAX_ROWS_CAP}: HTTP {reply.status_code}, {rows_served} rows, "
                    f"{len(reply.content) / 2**20:.1f} MiB in {elapsed:.1f} s; server peak RSS {before:.0f} MiB "
                    f"before, {_peak_rss_mib(process.pid):.0f} MiB after"
                )
            finally:
                _stop(process)


if __name__ == "__main__":
    main()

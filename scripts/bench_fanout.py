"""Figures of the service's stream fan-out: RATE records/s from one upstream to CLIENTS SSE clients, one stalled.

    python scripts/bench_fanout.py [--rate 2000] [--clients 100] [--processes 4] [--seconds 10]

The service (uvicorn, one worker, SQLite) runs in a subprocess with a synthetic ``bench`` topic: records of ~120
bytes stamped with the wall clock (``time.time()``, one clock for every process of the machine) when the upstream
yields them, RATE a second in 5 ms batches. CLIENTS - 1 clients read ``GET /v1/stream/bench`` (httpx), spread over
PROCESSES reader processes so that no one event loop parses every record of every client; on a machine of two or
more cores the service is pinned to the first and the readers to the others. One more client opens the same stream
on a socket with a 4 KiB receive buffer and never reads. Reported: delivery latency (client receipt − upstream stamp)
over every record every reading client got (p50, p99, max), records per client, and the service's resident memory
before the clients, at the peak and at the end (the stalled client's share is bounded by its buffer, 1024 records,
and its socket).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
_STAMP = re.compile(rb'"t":([0-9.]+)')


def serve(port: int, rate: int, folder: str) -> None:
    import uvicorn

    from tushare_typed.service._fanout import Hub
    from tushare_typed.service._keys import create_key
    from tushare_typed.service._stream_routes import encoded
    from tushare_typed.service.app import create_app
    from tushare_typed.service.config import ServiceConfig
    from tushare_typed.token import TokenStore

    def bench(codes: tuple[str, ...]) -> Any:
        async def records() -> Any:
            n, batch = 0, max(1, rate // 200)
            start = time.monotonic()
            while True:
                for _ in range(batch):
                    yield {"n": n, "t": time.time(), "code": codes[0], "price": 10.0 + n % 100 / 100}
                    n += 1
                await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))

        return records()

    config = ServiceConfig(
        database_url=str(Path(folder) / "service.sqlite3"),
        data_dir=Path(folder) / "data",
        upstream_url="http://127.0.0.1:9",
        token_key=TokenStore.generate_key(),
    )
    app = create_app(config, hub=Hub({"bench": bench}, encode=encoded))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    print(create_key(app.state.service.db, "bench", "bench").key, flush=True)
    thread.join()


def rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def reader(url: str, key: str, until: float, latencies: list[float]) -> int:
    import httpx

    got = 0
    async with (
        httpx.AsyncClient(timeout=60) as http,
        http.stream("GET", f"{url}/v1/stream/bench?codes=A", headers={"X-MCP-Token": key}) as reply,
    ):
        buffer = b""
        async for chunk in reply.aiter_raw():
            now = time.time()
            buffer += chunk
            cut = buffer.rfind(b"\n\n") + 2
            stamps = _STAMP.findall(buffer[:cut])
            buffer = buffer[cut:]
            latencies.extend(now - float(s) for s in stamps)
            got += len(stamps)
            if now > until:
                break
    return got


def read_many(url: str, key: str, clients: int, until: float, out: str) -> None:
    """One reader process: ``clients`` readers on one event loop; their latencies (s) and counts go to ``out``."""
    latencies: list[float] = []

    async def run() -> list[int]:
        return list(await asyncio.gather(*(reader(url, key, until, latencies) for _ in range(clients))))

    counts = asyncio.run(run())
    with open(out, "wb") as file:
        array("q", [len(counts), *counts]).tofile(file)
        array("d", latencies).tofile(file)


def load(path: str) -> tuple[list[int], array[float]]:
    data = Path(path).read_bytes()
    header = array("q", data[:8])
    size = 8 * (1 + header[0])
    counts = array("q", data[:size])[1:]
    latencies = array("d", data[size:])
    return list(counts), latencies


def pin(pid: int, cpus: set[int]) -> None:
    if cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(pid, cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--processes", type=int, default=4, help="reader processes the clients are spread over")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--read", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.rate, args.serve[1])
        return
    if args.read:
        url, key, clients, until, out = args.read
        read_many(url, key, int(clients), float(until), out)
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    server_cpus, reader_cpus = ({cpus[0]}, set(cpus[1:])) if len(cpus) > 1 else (set(), set())
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'generated_client'}:{ROOT}"}
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(
            [sys.executable, __file__, "--rate", str(args.rate), "--serve", str(port), folder],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        pin(server.pid, server_cpus)
        readers: list[subprocess.Popen[bytes]] = []
        try:
            assert server.stdout is not None
            key = server.stdout.readline().strip()
            url = f"http://127.0.0.1:{port}"
            time.sleep(0.5)
            idle = rss(server.pid)
            stalled = socket.socket()
            stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            stalled.connect(("127.0.0.1", port))
            stalled.sendall(f"GET /v1/stream/bench?codes=A HTTP/1.1\r\nHost: x\r\nX-MCP-Token: {key}\r\n\r\n".encode())
            until = time.time() + 1.0 + args.seconds
            shares = [len(part) for part in _split(args.clients - 1, args.processes)]
            outputs = [str(Path(folder) / f"reader{k}.bin") for k in range(len(shares))]
            for share, out in zip(shares, outputs, strict=True):
                command = [sys.executable, __file__, "--read", url, key, str(share), repr(until), out]
                readers.append(subprocess.Popen(command, env=env))
                pin(readers[-1].pid, reader_cpus)
            peak = idle
            while any(process.poll() is None for process in readers):
                peak = max(peak, rss(server.pid))
                time.sleep(0.25)
            end = rss(server.pid)
            stalled.close()
            results = [load(out) for out in outputs]
        finally:
            for process in readers:
                if process.poll() is None:
                    process.terminate()
            server.terminate()
            server.wait(10)
    counts = [count for part, _ in results for count in part]
    ms = sorted(1000 * value for _, part in results for value in part)
    where = f"server on CPU {sorted(server_cpus)}, readers on {sorted(reader_cpus)}" if server_cpus else "unpinned"
    print(
        f"rate {args.rate} records/s, {args.clients} SSE clients (1 stalled) in {len(shares)} reader processes"
        f" ({where}), {args.seconds:g} s"
    )
    print(f"records per reading client: median {statistics.median(counts):.0f}, min {min(counts)}")
    print(
        f"delivery latency ms: p50 {ms[len(ms) // 2]:.1f}, p99 {ms[int(len(ms) * 0.99)]:.1f}, max {ms[-1]:.1f}"
        f" over {len(ms)} deliveries"
    )
    print(f"service RSS MiB: idle {idle:.0f}, peak {peak:.0f}, end {end:.0f}")


def _split(total: int, parts: int) -> list[range]:
    parts = max(1, min(parts, total))
    return [range(k, total, parts) for k in range(parts)]


if __name__ == "__main__":
    main()

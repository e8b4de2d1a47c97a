"""Request latency of the REST service with OpenTelemetry on vs off (goal: at most 5 % overhead).

    python scripts/bench_telemetry.py [--rounds 10] [--requests 100]

Starts the emulator (its own process), a discarding OTLP/HTTP receiver on 127.0.0.1 (in this process), and two
``tushare-typed serve`` processes on one SQLite file: one without ``OTEL_*`` variables (telemetry off: the client's
hooks are no-ops) and one with ``OTEL_EXPORTER_OTLP_ENDPOINT`` set (every request traced and sampled — server,
client and httpx spans — and metrics exported by OTLP, besides Prometheus). Rounds alternate between the two (the
order flipping each round) so machine noise hits both alike; each round sends REQUESTS sequential
``POST /mcp/execute`` calls (one upstream call each). Prints the median latency of each, their ratio, the median of
the per-round ratios, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from bench_emulator import emulator_process
from bench_service import BODY, QUOTA_ENV, WINDOW_ENV, _cli, _wait_first_execute

from tushare_typed.testing import DEFAULT_TOKEN

GOAL = 0.05


@contextmanager
def _receiver() -> Iterator[tuple[str, list[int]]]:
    """An OTLP/HTTP endpoint that accepts and discards every export; yields its URL and the bytes received."""
    received: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(len(self.rfile.read(int(self.headers.get("Content-Length", "0")))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def _round(http: httpx.Client, requests: int) -> list[float]:
    latencies = []
    for _ in range(requests):
        started = time.perf_counter()
        reply = http.post("/mcp/execute", json=BODY)
        latencies.append(time.perf_counter() - started)
        if reply.status_code != 200:
            raise SystemExit(f"the service answered {reply.status_code}: {reply.text[:300]}")
    return latencies


def run(args: argparse.Namespace) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory() as tmp,
        emulator_process(package_catalog=True) as upstream,
        _receiver() as (endpoint, exports),
    ):
        db = str(Path(tmp) / "service.sqlite3")
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        base_env |= {
            "TUSHARE_API_URL": upstream,
            "TUSHARE_TOKEN": DEFAULT_TOKEN,
            "TUSHARE_TYPED_SERVICE_DATA": tmp,
            # bench_service's limiter without a quota: the figure is the request path, not quota waits.
            "TUSHARE_TYPED_SERVICE_LIMITER": "bench_service:limiter",
            QUOTA_ENV: str(10**9),
            WINDOW_ENV: "60",
            "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]),
        }
        creating = _cli("api-key", "create", "--owner", "bench", "--db", db, env=base_env)
        key = creating.communicate(timeout=60)[0].strip()
        modes = {
            "off": base_env,
            "on": base_env | {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_SERVICE_NAME": "bench-telemetry"},
        }
        servers = {}
        try:
            for index, (mode, env) in enumerate(modes.items()):
                port = args.port + index
                servers[mode] = (_cli("serve", "--port", str(port), "--db", db, "--workers", "1", env=env), port)
            clients = {}
            for mode, (_, port) in servers.items():
                base = f"http://127.0.0.1:{port}"
                _wait_first_execute(base, key, time.perf_counter())
                clients[mode] = httpx.Client(base_url=base, headers={"X-MCP-Token": key}, timeout=60)
            for http in clients.values():
                _round(http, args.requests // 4)  # warm-up, not counted
            latencies: dict[str, list[float]] = {"off": [], "on": []}
            ratios = []
            for number in range(args.rounds):
                order = ["off", "on"] if number % 2 == 0 else ["on", "off"]
                medians = {}
                for mode in order:
                    measured = _round(clients[mode], args.requests)
                    latencies[mode] += measured
                    medians[mode] = statistics.median(measured)
                ratios.append(medians["on"] / medians["off"])
            for http in clients.values():
                http.close()
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(timeout=30)
        off, on = statistics.median(latencies["off"]), statistics.median(latencies["on"])
    return {
        "rounds": args.rounds,
        "requests_per_round": args.requests,
        "median_off_ms": round(off * 1000, 2),
        "median_on_ms": round(on * 1000, 2),
        "overhead": f"{(on / off - 1) * 100:+.1f} %",
        "median_round_overhead": f"{(statistics.median(ratios) - 1) * 100:+.1f} %",
        "goal": f"<= {GOAL * 100:.0f} %",
        "otlp_exports_received": len(exports),
        "otlp_bytes_received": sum(exports),
        "load_average_1min": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--port", type=int, default=8775, help="the first of the two ports the servers listen on")
    print(json.dumps(run(parser.parse_args()), ensure_ascii=False))


if __name__ == "__main__":
    main()

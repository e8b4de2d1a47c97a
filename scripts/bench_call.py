"""A whole 6000-row `daily` call over HTTP, the server's body cached so the server costs the same for both: the
tushare SDK (`pro.daily(...)`: requests, json.loads, DataFrame) against the typed client (`client.daily(...)`, every
check on) and against the typed client with `.to_pandas()`, in the same run, on the same server process.

    python scripts/bench_call.py [--runs N] [--profile]

The server is a separate process answering every POST with the same bytes (6000 rows, `has_more: false`), so the
client side is what is measured. Ratios are medians of interleaved rounds; the load average is printed with them.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_decode import ROWS, daily_reply

_SERVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

body = open(sys.argv[1], "rb").read()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
"""


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--profile", action="store_true", help="profile the typed call and print the top entries")
    args = parser.parse_args()

    import tushare as ts  # type: ignore[import-untyped]

    from tushare_typed import TushareClient

    scratch = tempfile.TemporaryDirectory()
    body = Path(scratch.name) / "daily.json"
    body.write_bytes(daily_reply(ROWS))
    server = subprocess.Popen([sys.executable, "-c", _SERVER, str(body)], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    url = server.stdout.readline().strip()
    try:
        pro = ts.pro_api("bench-token")
        pro._DataApi__http_url = url  # the SDK keeps its URL in a private attribute; noqa-free: plain assignment
        client = TushareClient(token="bench-token", base_url=url)  # noqa: S106 - a bench token
        calls: dict[str, Callable[[], object]] = {
            "SDK pro.daily": lambda: pro.daily(ts_code="000001.SZ"),
            "typed client.daily": lambda: client.daily(ts_code="000001.SZ"),
            "typed + to_pandas": lambda: client.daily(ts_code="000001.SZ").to_pandas(),
        }
        frame = calls["SDK pro.daily"]()
        typed = client.daily(ts_code="000001.SZ")
        if len(frame) != ROWS or len(typed) != ROWS or not typed.completed:  # type: ignore[arg-type]
            raise SystemExit(f"rows: SDK {len(frame)}, typed {len(typed)} (expected {ROWS})")  # type: ignore[arg-type]
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(lambda: [calls["typed client.daily"]() for _ in range(20)])
            pstats.Stats(profile).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(30)
            return
        for call in calls.values():
            call()  # warm: pools, imports, caches
        samples: dict[str, list[float]] = {name: [] for name in calls}
        load_before = os.getloadavg()[0]
        for _ in range(args.runs):
            for name, call in calls.items():
                samples[name].append(timed(call))
        load_after = os.getloadavg()[0]
        client.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        scratch.cleanup()
    sdk = statistics.median(samples["SDK pro.daily"])
    print(f"{ROWS} rows per call, median of {args.runs} interleaved rounds; load {load_before:.1f} -> {load_after:.1f}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:20} {median * 1000:8.2f} ms (best {min(values) * 1000:.2f})  ratio {median / sdk:.2f}")
    print("targets: typed <= 0.50 of the SDK; with to_pandas <= 1.00")


if __name__ == "__main__":
    main()

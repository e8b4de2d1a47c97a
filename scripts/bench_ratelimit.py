"""Sustained throughput of RateLimiter against the emulator's quota, with zero rejections as the bar.

    python scripts/bench_ratelimit.py [--quota 50] [--window 3] [--windows 5] [--threads 8] [--tasks 16]

Four runs, each against a fresh emulator process enforcing QUOTA calls per WINDOW seconds (a sliding window) for
one token: one process with THREADS threads sharing an in-memory limiter; one event loop with TASKS asyncio tasks;
two processes of THREADS threads sharing the token through the SQLite backend; and the threads again with a forced,
mismatched 40203 halfway (the message says 50 per minute while the configured quota is the real one), after which
the calls granted in the next window must be back to >= 0.9 of the quota. Each prints the sustained calls per window
achieved divided by the quota (target >= 0.95) and the emulator's rejections (target 0). Every worker tells the
limiter when its call went out (``mark_sent``), as the client's transport does. Sustained means in steady state,
after the first window's free burst: the window
divided by the median time between a call and the call `quota` places later. The limiters use their default
safety margin (2% of the window, at least 0.1 s), which alone caps the ratio at 1/1.033 = 0.97 for a 3 s window.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from bench_emulator import emulator_process, emulator_stats, request_body

from tushare_typed.ratelimit import MemoryBackend, RateLimit, RateLimiter, SQLiteBackend, WindowBackend
from tushare_typed.testing import DEFAULT_TOKEN


def hammer(
    url: str, limiter: RateLimiter, threads: int, deadline: float, force_at: float | None = None
) -> list[tuple[float, int]]:
    """Call as fast as the limiter allows until the wall-clock deadline; return (grant time, reply code) pairs.

    ``force_at``: at that time one worker reports a 40203 stating 50 calls per minute (a mismatched message)."""
    calls: list[tuple[float, int]] = []
    lock = threading.Lock()
    forced = threading.Event()

    def worker() -> None:
        with httpx.Client(timeout=30) as client:
            while True:
                limiter.acquire("daily")
                granted = time.time()
                if granted >= deadline:
                    return
                code = client.post(url, json=request_body("daily")).json()["code"]
                limiter.mark_sent("daily")
                if force_at is not None and granted >= force_at and not forced.is_set():
                    forced.set()
                    time.sleep(limiter.on_rate_limited("daily", 50, 60.0) or 1.0)  # what the transport does
                with lock:
                    calls.append((granted, code))

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return calls


def make_limiter(quota: int, window: float, backend: WindowBackend) -> RateLimiter:
    return RateLimiter(RateLimit(quota, window), key=DEFAULT_TOKEN, backend=backend)


def sustained_ratio(grants: list[float], quota: int, window: float) -> float:
    """Calls per window achieved over the quota: the window over the median time `quota` calls took."""
    grants = sorted(grants)
    spans = sorted(grants[i + quota] - grants[i] for i in range(len(grants) - quota))
    return window / spans[len(spans) // 2] if spans else 0.0


def busiest_window(grants: list[float], window: float) -> int:
    """The most calls granted within any `window` seconds (client clocks): must not exceed the quota."""
    grants = sorted(grants)
    most, start = 0, 0
    for end, t in enumerate(grants):
        while grants[start] <= t - window:
            start += 1
        most = max(most, end - start + 1)
    return most


def report(label: str, calls: list[tuple[float, int]], url: str, quota: int, window: float) -> None:
    grants = [t for t, code in calls if code == 0]
    stats = emulator_stats(url)
    rejections = stats["outcomes"].get("rate_limited", 0)
    print(
        f"{label}: {len(calls)} calls, sustained {sustained_ratio(grants, quota, window):.3f} x quota, "
        f"busiest {window:g}s window {busiest_window(grants, window)}/{quota}, emulator rejections {rejections}"
    )


async def hammer_tasks(url: str, limiter: RateLimiter, tasks: int, deadline: float) -> list[tuple[float, int]]:
    calls: list[tuple[float, int]] = []

    async def worker(client: httpx.AsyncClient) -> None:
        while True:
            await limiter.aacquire("daily")
            granted = time.time()
            if granted >= deadline:
                return
            code = (await client.post(url, json=request_body("daily"))).json()["code"]
            limiter.mark_sent("daily")
            calls.append((granted, code))

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(tasks)))
    return calls


def asyncio_tasks(url: str, args: argparse.Namespace) -> None:
    limiter = make_limiter(args.quota, args.window, MemoryBackend())
    calls = asyncio.run(hammer_tasks(url, limiter, args.tasks, time.time() + args.windows * args.window))
    report(f"1 event loop x {args.tasks} asyncio tasks (memory)", calls, url, args.quota, args.window)


def forced_rejection(url: str, args: argparse.Namespace) -> None:
    limiter = make_limiter(args.quota, args.window, MemoryBackend())
    start = time.time()
    force_at = start + (args.windows // 2) * args.window
    calls = hammer(url, limiter, args.threads, start + args.windows * args.window, force_at)
    report(f"1 process x {args.threads} threads, forced 40203 '50/min'", calls, url, args.quota, args.window)
    grants = sorted(t for t, code in calls if code == 0)
    forced = next(t for t in grants if t >= force_at)
    after = sum(1 for t in grants if forced + args.window <= t < forced + 2 * args.window)
    during = sum(1 for t in grants if forced <= t < forced + args.window)
    print(
        f"  calls granted in the window after the forced rejection: {during / args.quota:.3f} x quota; "
        f"in the window after that: {after / args.quota:.3f} x quota"
    )


def one_process(url: str, args: argparse.Namespace) -> None:
    limiter = make_limiter(args.quota, args.window, MemoryBackend())
    calls = hammer(url, limiter, args.threads, time.time() + args.windows * args.window)
    report(f"1 process x {args.threads} threads (memory)", calls, url, args.quota, args.window)


def two_processes(url: str, args: argparse.Namespace) -> None:
    deadline = time.time() + 1.0 + args.windows * args.window  # a second for the workers to start
    with tempfile.TemporaryDirectory() as tmp:
        database = str(Path(tmp) / "ratelimit.sqlite3")
        command = [sys.executable, __file__, "--worker", url, database, str(deadline)]
        command += ["--quota", str(args.quota), "--window", str(args.window), "--threads", str(args.threads)]
        workers = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
        calls = [(float(t), int(code)) for worker in workers for t, code in json.loads(worker.communicate()[0])]
    report(f"2 processes x {args.threads} threads (SQLite)", calls, url, args.quota, args.window)


def worker_main(url: str, database: str, deadline: float, args: argparse.Namespace) -> None:
    limiter = make_limiter(args.quota, args.window, SQLiteBackend(database))
    time.sleep(max(0.0, deadline - args.windows * args.window - time.time()))  # start together
    print(json.dumps(hammer(url, limiter, args.threads, deadline)))


def main() -> None:
    # Every limiter wait over 1 s is a WARNING by design; here thousands of them are the point, not news.
    logging.getLogger("tushare_typed").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quota", type=int, default=50)
    parser.add_argument("--window", type=float, default=3.0)
    parser.add_argument("--windows", type=int, default=5, help="windows to run each configuration for")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--tasks", type=int, default=16)
    parser.add_argument("--worker", nargs=3, metavar=("URL", "DATABASE", "DEADLINE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args.worker[0], args.worker[1], float(args.worker[2]), args)
        return
    print(f"quota {args.quota} calls per {args.window:g} s window, {args.windows} windows per run")
    with emulator_process(quota=args.quota, window=args.window, total_rows=1) as url:
        one_process(url, args)
    with emulator_process(quota=args.quota, window=args.window, total_rows=1) as url:
        asyncio_tasks(url, args)
    with emulator_process(quota=args.quota, window=args.window, total_rows=1) as url:
        two_processes(url, args)
    with emulator_process(quota=args.quota, window=args.window, total_rows=1) as url:
        forced_rejection(url, args)


if __name__ == "__main__":
    main()

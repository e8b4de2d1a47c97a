"""Figures of the local store: a 1,000,000-row `daily` sync through the emulator with a quota, read back, re-run.

    python scripts/bench_store.py [--days 200] [--rows-per-day 5000] [--concurrency 4] [--rounds 2] [--pin]

The emulator (its own process, quota 500 calls/min as tushare's `daily`) serves DAYS trade days of ROWS_PER_DAY
rows each. ROUNDS times, alternated so that a drift in machine load touches both alike:
- fetch only: the same slices fetched through the client (same concurrency and limiter) without storing them;
- sync: the same into a fresh store, with the summed time of its slice writes (Arrow batch + DuckDB transaction)
  and the peak RSS growth (DuckDB's memory included).
Then, from the medians: the store's overhead (the sync's wall time over fetch only: the figure), and its extra CPU
over fetch only (this process, every thread), which is what storing costs even where it overlaps the fetching.
Last: `Store.read("daily")` of every row into pandas / Arrow (best of 3), and a re-run with nothing new (the calls it
made; the look-back is one slice). The load average before and after: compare runs made under the same load only.

On a 2-core machine the emulator, which makes its rows in Python, competes with the client for CPU, so whatever the
client spends slows the upstream too; ``--pin`` gives each a core of its own, as a remote server would have.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_emulator import emulator_process, emulator_stats

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.store import Store
from tushare_typed.testing import DEFAULT_TOKEN

QUOTA = 500


def calls(url: str) -> int:
    return int(emulator_stats(url)["calls"])


def weekdays(start: dt.date, count: int) -> list[str]:
    out: list[str] = []
    day = start
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day.strftime("%Y%m%d"))
        day += dt.timedelta(days=1)
    return out


async def fetch_only(url: str, days: list[str], concurrency: int) -> int:
    """Every slice fetched as the sync does, rows dropped: the baseline the store's overhead is measured on."""
    queue = iter(days)
    rows = 0

    async def worker(client: AsyncTushareClient) -> None:
        nonlocal rows
        for day in queue:
            result = await client.query("daily", None, trade_date=day)
            rows += len(result)

    async with AsyncTushareClient(DEFAULT_TOKEN, base_url=url, rate_limit=(QUOTA, 60)) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return rows


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User and system CPU of this process, every thread (DuckDB's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


@dataclass
class Timed:
    wall: float
    cpu: float


def timed(run: Callable[[], Any]) -> tuple[Any, Timed]:
    began, cpu = time.perf_counter(), cpu_seconds()
    result = run()
    return result, Timed(time.perf_counter() - began, cpu_seconds() - cpu)


def read_back(store: Store) -> None:
    readers: list[tuple[str, Callable[[], Any]]] = [
        ("Store.read('daily').to_pandas()", lambda: store.read("daily").to_pandas()),
        ("Store.read('daily').to_arrow()", lambda: store.read("daily").to_arrow()),
        ("Store.sql('SELECT * FROM daily').to_pandas()", lambda: store.sql("SELECT * FROM daily").to_pandas()),
    ]
    for label, read in readers:
        best = float("inf")
        for _ in range(3):
            began = time.perf_counter()
            rows = len(read())
            best = min(best, time.perf_counter() - began)
        print(f"read back {rows} rows, {label}: {best:.3f} s (best of 3)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=200)
    parser.add_argument("--rows-per-day", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2, help="fetch-only and sync runs, alternated")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="the emulator on CPU 0 and this process on CPU 1, as a remote server would not share the client's CPU",
    )
    args = parser.parse_args()
    print(f"load average (1, 5, 15 min): {load_average()}")
    emulator_cpus = None
    if args.pin:
        emulator_cpus = frozenset({0})
        os.sched_setaffinity(0, {1})  # threads started later (DuckDB's, the writer's) inherit it
        print("pinned: the emulator on CPU 0, this process on CPU 1")
    days = weekdays(dt.date(2023, 1, 2), args.days)
    start, end = days[0], days[-1]
    with (
        tempfile.TemporaryDirectory() as tmp,
        emulator_process(quota=QUOTA, total_rows=args.rows_per_day, package_catalog=True, cpus=emulator_cpus) as url,
        TushareClient(DEFAULT_TOKEN, base_url=url, rate_limit=(QUOTA, 60)) as client,
    ):
        with Store(Path(tmp) / "warm.duckdb") as warm:  # imports, connections, first queries
            client.sync("daily", start=days[0], end=days[1], store=warm)
        fetches: list[Timed] = []
        syncs: list[Timed] = []
        for round_ in range(args.rounds):
            fetched, fetch = timed(lambda: asyncio.run(fetch_only(url, days, args.concurrency)))
            fetches.append(fetch)
            print(f"fetch only: {fetched} rows in {fetch.wall:.2f} s, client CPU {fetch.cpu:.2f} s")
            rss_before = peak_rss_mib()
            with Store(Path(tmp) / f"store{round_}.duckdb") as store:
                report, sync = timed(
                    functools.partial(
                        client.sync, "daily", start=start, end=end, store=store, concurrency=args.concurrency
                    )
                )
            syncs.append(sync)
            daily = report.interfaces["daily"]
            print(
                f"sync: {daily.rows_added} rows, {daily.slices_done} slices, {report.calls} calls in {sync.wall:.2f} s,"
                f" client CPU {sync.cpu:.2f} s; store writes (Arrow batch + DuckDB transaction, summed) "
                f"{daily.write_seconds:.2f} s; peak RSS growth {peak_rss_mib() - rss_before:.1f} MiB "
                f"(peak {peak_rss_mib():.0f})"
            )
        fetch_wall = statistics.median(t.wall for t in fetches)
        sync_wall = statistics.median(t.wall for t in syncs)
        extra_cpu = statistics.median(t.cpu for t in syncs) - statistics.median(t.cpu for t in fetches)
        print(
            f"medians of {args.rounds}: fetch only {fetch_wall:.2f} s, sync {sync_wall:.2f} s; the store's overhead "
            f"(wall time over fetch only) {(sync_wall - fetch_wall) / fetch_wall:+.1%}; the store's extra CPU "
            f"{extra_cpu:.2f} s = {extra_cpu / fetch_wall:.1%} of the fetch-only time"
        )
        with Store(Path(tmp) / f"store{args.rounds - 1}.duckdb") as store:
            read_back(store)
            before = calls(url)
            again = client.sync("daily", start=start, end=end, store=store)
            print(
                f"re-run with nothing new: {calls(url) - before} calls "
                f"({again.interfaces['daily'].slices_skipped} slices skipped, look-back 1)"
            )
    print(f"load average (1, 5, 15 min): {load_average()}")


if __name__ == "__main__":
    main()

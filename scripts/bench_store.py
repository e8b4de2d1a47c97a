"""Figures of the local store: a 1,000,000-row `daily` sync through the emulator with a quota, read back, re-run.

    python scripts/bench_store.py [--days 200] [--rows-per-day 5000] [--concurrency 4]

The emulator (its own process, quota 500 calls/min as tushare's `daily`) serves DAYS trade days of ROWS_PER_DAY
rows each. Printed:
- fetch only: the same slices fetched through the client (same concurrency and limiter) without storing them;
- sync: the same into a fresh store; the store's overhead is the extra wall time over fetch only, and the DuckDB
  write time (summed per slice) as a share of the fetch wall time;
- peak memory: the process's peak RSS growth during the sync (DuckDB's own memory included);
- read back: `Store.read("daily").to_pandas()` of every row, best of 3;
- re-run with nothing new: the calls it made (the look-back is one slice);
- the load average before and after: on a shared machine, compare runs made under the same load only.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import httpx

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.catalog import Catalog
from tushare_typed.store import Store
from tushare_typed.testing import DEFAULT_TOKEN

QUOTA = 500


def bench_catalog() -> dict[str, object]:
    """The package's `daily` and `trade_cal`, with the keys and sync plan the store needs."""
    data = json.loads(resources.files("tushare_typed").joinpath("catalog.json").read_text(encoding="utf-8"))
    interfaces = {name: data["interfaces"][name] for name in ("daily", "trade_cal")}
    interfaces["daily"]["keys"] = ["ts_code", "trade_date"]
    interfaces["daily"]["sync"] = {"shape": "trade_day", "param": "trade_date", "date_column": "trade_date"}
    return {"version": 1, "interfaces": interfaces}


@contextmanager
def emulator(catalog_path: Path, rows_per_day: int) -> Iterator[str]:
    command = [sys.executable, "-m", "tushare_typed.testing", "--catalog", str(catalog_path)]
    command += ["--quota", str(QUOTA), "--window", "60", "--total-rows", str(rows_per_day)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdin is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.stdin.close()
        process.wait(timeout=10)


def calls(url: str) -> int:
    return int(httpx.get(url + "/_emulator/stats").json()["calls"])


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


def load_average() -> str:
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=200)
    parser.add_argument("--rows-per-day", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    print(f"load average (1, 5, 15 min): {load_average()}")
    raw = bench_catalog()
    catalog = Catalog.from_dict(raw)
    days = weekdays(dt.date(2023, 1, 2), args.days)
    start, end = days[0], days[-1]
    with tempfile.TemporaryDirectory() as tmp:
        catalog_path = Path(tmp) / "catalog.json"
        catalog_path.write_text(json.dumps(raw), encoding="utf-8")
        with emulator(catalog_path, args.rows_per_day) as url:
            client = TushareClient(DEFAULT_TOKEN, base_url=url, rate_limit=(QUOTA, 60))
            with Store(Path(tmp) / "warm.duckdb", catalog=catalog) as warm:  # imports, connections, first queries
                client.sync("daily", start=days[0], end=days[1], store=warm)

            began = time.perf_counter()
            fetched = asyncio.run(fetch_only(url, days, args.concurrency))
            fetch_wall = time.perf_counter() - began
            print(f"fetch only: {fetched} rows in {fetch_wall:.2f} s ({fetched / fetch_wall:,.0f} rows/s)")

            rss_before = peak_rss_mib()
            with Store(Path(tmp) / "store.duckdb", catalog=catalog) as store:
                began = time.perf_counter()
                report = client.sync("daily", start=start, end=end, store=store, concurrency=args.concurrency)
                sync_wall = time.perf_counter() - began
                daily = report.interfaces["daily"]
                print(
                    f"sync: {daily.rows_added} rows, {daily.slices_done} slices, {report.calls} calls in "
                    f"{sync_wall:.2f} s; wall time over fetch only {(sync_wall - fetch_wall) / fetch_wall:+.1%}; "
                    f"store writes (Arrow batch + DuckDB transaction, one at a time) {daily.write_seconds:.2f} s = "
                    f"{daily.write_seconds / fetch_wall:.1%} of the fetch-only time"
                )
                print(f"peak RSS growth during sync: {peak_rss_mib() - rss_before:.1f} MiB (peak {peak_rss_mib():.0f})")

                readers: list[tuple[str, Callable[[], Any]]] = [
                    ("Store.read('daily').to_pandas()", lambda: store.read("daily").to_pandas()),
                    ("Store.read('daily').to_arrow()", lambda: store.read("daily").to_arrow()),
                    (
                        "Store.sql('SELECT * FROM daily').to_pandas()",
                        lambda: store.sql("SELECT * FROM daily").to_pandas(),
                    ),
                ]
                for label, read in readers:
                    best = float("inf")
                    for _ in range(3):
                        began = time.perf_counter()
                        rows = len(read())
                        best = min(best, time.perf_counter() - began)
                    print(f"read back {rows} rows, {label}: {best:.3f} s (best of 3)")

                before = calls(url)
                again = client.sync("daily", start=start, end=end, store=store)
                print(
                    f"re-run with nothing new: {calls(url) - before} calls "
                    f"({again.interfaces['daily'].slices_skipped} slices skipped, look-back 1)"
                )
            client.close()
    print(f"load average (1, 5, 15 min): {load_average()}")


if __name__ == "__main__":
    main()

"""Rows per second and peak memory of a paginated fetch through the emulator, collected and streamed.

    python scripts/bench_paging.py [--rows 100000] [--runs 3]

The emulator (its own process) serves ROWS rows of an 8-column daily-like interface in pages of 6000; the
paginator fetches them with a plain httpx fetch function. Speed is the best of RUNS untraced runs (it includes the
emulator generating and encoding the rows); peak memory is one run under tracemalloc (this process only), for
``paginate`` (all rows collected into one result) and for ``iter_pages`` (rows counted and dropped page by page).
A last line times the paginator alone over recorded pages.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable

import httpx
from bench_emulator import ROW_LIMIT, Fetch, emulator_process

from tushare_typed._internal.paginator import SimplePage, iter_pages, paginate


def collected(fetch: Fetch) -> int:
    result = paginate(fetch, ROW_LIMIT)
    assert result.completed
    return len(result.items)


def streamed(fetch: Fetch) -> int:
    return sum(len(chunk.items) for chunk in iter_pages(fetch, ROW_LIMIT))


class Replay:
    """Serves pages recorded from the emulator, to time the paginator without HTTP or row generation."""

    def __init__(self, fetch: Fetch, rows: int) -> None:
        self.pages = {offset: fetch(offset, ROW_LIMIT) for offset in range(0, rows + 1, ROW_LIMIT)}

    def __call__(self, offset: int, limit: int) -> SimplePage:
        return self.pages[offset]


def best_time(run: Callable[[Fetch], int], fetch: Fetch, runs: int, rows: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert run(fetch) == rows
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mib(run: Callable[[Fetch], int], fetch: Fetch) -> float:
    tracemalloc.start()
    try:
        run(fetch)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with emulator_process(total_rows=args.rows) as url, httpx.Client(timeout=60) as client:
        fetch = Fetch(client, url, "daily")
        collected(fetch)  # warm up the connection and the emulator's code paths
        pages = -(-args.rows // ROW_LIMIT)
        print(f"{args.rows} rows x 8 columns in {pages} pages of {ROW_LIMIT}")
        for label, run in (("collected (paginate)", collected), ("streamed (iter_pages)", streamed)):
            seconds = best_time(run, fetch, args.runs, args.rows)
            print(
                f"{label}: {args.rows / seconds:,.0f} rows/s ({seconds:.2f} s), "
                f"peak traced memory {peak_mib(run, fetch):.1f} MiB"
            )
        replay = Replay(fetch, args.rows)
        seconds = best_time(collected, replay, args.runs, args.rows)  # type: ignore[arg-type]
        print(f"paginator alone (recorded pages, dedupe on): {args.rows / seconds:,.0f} rows/s ({seconds:.3f} s)")


if __name__ == "__main__":
    main()

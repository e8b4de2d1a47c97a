"""Rows per second and peak memory of a paginated fetch through the emulator, collected and streamed.

    python scripts/bench_paging.py [--rows 100000] [--runs 3]

The emulator (its own process) serves ROWS rows of an 8-column daily-like interface in pages of 6000. Two layers
are measured: the paginator over a plain httpx fetch function (``paginate`` collects every row into one result,
``iter_pages`` counts and drops them page by page), and the typed client over its real transport (``client.daily``
collects one typed response; ``client.pages.daily`` yields a typed response per page). Speed is the best of RUNS
untraced runs (it includes the emulator generating and encoding the rows); peak memory is one run under
tracemalloc (this process only). A last line times the paginator alone over recorded pages.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable

import httpx
from bench_emulator import CATALOG, ROW_LIMIT, Fetch, emulator_process

from tushare_typed import TushareClient
from tushare_typed._internal.paginator import SimplePage, iter_pages, paginate
from tushare_typed.testing import DEFAULT_TOKEN

#: The bench interface's columns, asked for by name so the typed client decodes exactly what the emulator sends.
COLUMNS = [field["name"] for field in CATALOG["interfaces"]["daily"]["fields"]]

Run = Callable[[], int]


def collected(fetch: Fetch) -> int:
    result = paginate(fetch, ROW_LIMIT)
    assert result.completed
    return len(result.items)


def streamed(fetch: Fetch) -> int:
    return sum(len(chunk.items) for chunk in iter_pages(fetch, ROW_LIMIT))


def typed_collected(client: TushareClient) -> int:
    response = client.daily(fields=COLUMNS)
    assert response.completed
    return len(response)


def typed_streamed(client: TushareClient) -> int:
    rows = 0
    for page in client.pages.daily(fields=COLUMNS):
        rows += len(page)
    assert page.completed
    return rows


class Replay:
    """Serves pages recorded from the emulator, to time the paginator without HTTP or row generation."""

    def __init__(self, fetch: Fetch, rows: int) -> None:
        self.pages = {offset: fetch(offset, ROW_LIMIT) for offset in range(0, rows + 1, ROW_LIMIT)}

    def __call__(self, offset: int, limit: int) -> SimplePage:
        return self.pages[offset]


def best_time(run: Run, runs: int, rows: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert run() == rows
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mib(run: Run) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with (
        emulator_process(total_rows=args.rows) as url,
        httpx.Client(timeout=60) as http,
        TushareClient(token=DEFAULT_TOKEN, base_url=url, timeout=60) as client,
    ):
        fetch = Fetch(http, url, "daily")
        runs: dict[str, Run] = {
            "collected (paginate)": lambda: collected(fetch),
            "streamed (iter_pages)": lambda: streamed(fetch),
            "typed, collected (client.daily)": lambda: typed_collected(client),
            "typed, streamed (client.pages.daily)": lambda: typed_streamed(client),
        }
        for run in runs.values():
            run()  # warm up the connections, the emulator's code paths and the typed decoder
        pages = -(-args.rows // ROW_LIMIT)
        print(f"{args.rows} rows x 8 columns in {pages} pages of {ROW_LIMIT}")
        for label, run in runs.items():
            seconds = best_time(run, args.runs, args.rows)
            peak = peak_mib(run)
            print(f"{label}: {args.rows / seconds:,.0f} rows/s ({seconds:.2f} s), peak traced memory {peak:.1f} MiB")
        replay = Replay(fetch, args.rows)
        seconds = best_time(lambda: collected(replay), args.runs, args.rows)  # type: ignore[arg-type]
        print(f"paginator alone (recorded pages, dedupe on): {args.rows / seconds:,.0f} rows/s ({seconds:.3f} s)")


if __name__ == "__main__":
    main()

"""Figures of the whole catalog in the store: keys coverage, and a one-month sync of every syncable interface.

    python scripts/bench_sync_all.py [--start 20240101] [--end 20240131] [--concurrency 4]

Keys coverage: interfaces whose rows have an identity and are keyed, over all of them (the rest state why their
rows have none). Then every interface with a sync plan (the realtime snapshots have none) is synced over one month
into a fresh store through the emulator, in one process beside it; each query serves the rows it selects in the
emulator's universe (10 codes; one row a day for market-wide series). Printed: wall time, calls (slices and the
calendar/code lists), rows stored, and per sync shape the interfaces, calls and rows; interfaces that failed, with
the error.
"""

from __future__ import annotations

import argparse
import collections
import tempfile
import time
from pathlib import Path

from tushare_typed import TushareClient
from tushare_typed.catalog import load_catalog
from tushare_typed.store import Store, SyncError
from tushare_typed.testing import TushareEmulator


def coverage() -> tuple[int, int, int]:
    """(keyed, with identity, all) over the HTTP interfaces."""
    specs = list(load_catalog())
    keyed = sum(1 for spec in specs if spec.keys)
    without = sum(1 for spec in specs if not spec.keys and spec.keys_absent_reason)
    return keyed, len(specs) - without, len(specs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", default="20240101")
    parser.add_argument("--end", default="20240131")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    keyed, identified, total = coverage()
    print(
        f"keys: {keyed} of {identified} interfaces with an identity keyed ({keyed / identified:.0%}); "
        f"{total - identified} state why their rows have none; {total} HTTP interfaces"
    )
    catalog = load_catalog()
    names = [spec.api_name for spec in catalog if spec.sync is not None]
    print(f"syncing {len(names)} interfaces over {args.start}..{args.end} ({total - len(names)} have no sync plan)")

    shapes: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    failed: list[str] = []
    calls = support = stored = 0
    with tempfile.TemporaryDirectory() as tmp, TushareEmulator(catalog) as emulator:
        began = time.perf_counter()
        with TushareClient(emulator.token, base_url=emulator.url) as client, Store(Path(tmp) / "s.duckdb") as store:
            for name in names:  # one by one, so that one failure names its interface and the rest go on
                try:
                    report = client.sync(
                        name, store=store, start=args.start, end=args.end, concurrency=args.concurrency
                    )
                except SyncError as error:
                    failed.append(f"{name}: {error.message}")
                    report = error.report
                one = report.interfaces.get(name)
                support += report.support_calls
                if one is not None:
                    calls += one.calls
                    stored += one.rows_added
                    tally = shapes[catalog.get(name).sync.shape]  # type: ignore[union-attr]
                    tally[0], tally[1], tally[2] = tally[0] + 1, tally[1] + one.calls, tally[2] + one.rows_added
            (rows_in_store,) = store.db.one(
                "SELECT sum(estimated_size) FROM duckdb_tables() WHERE table_name NOT LIKE '\\_tushare%' ESCAPE '\\'"
            )
        seconds = time.perf_counter() - began
    print(
        f"wall {seconds:.1f} s; calls {calls} for slices + {support} for calendars and code lists; "
        f"rows stored {stored} (tables hold ~{rows_in_store}); {len(names) - len(failed)} of {len(names)} synced"
    )
    for shape, (count, shape_calls, shape_rows) in sorted(shapes.items()):
        print(f"  {shape:10} {count:4} interfaces {shape_calls:7} calls {shape_rows:9} rows")
    for line in failed:
        print(f"FAILED {line}")


if __name__ == "__main__":
    main()

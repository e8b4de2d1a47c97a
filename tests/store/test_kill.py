"""A sync killed mid-way (SIGKILL: no cleanup at all) loses nothing committed, and the next run completes it with
every row exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tushare_typed.catalog import Catalog
from tushare_typed.store import Store
from tushare_typed.testing import TushareEmulator

from .helpers import ROWS_PER_DAY

START, END = "20240101", "20240329"  # 65 weekdays
DAYS = 65
KILL_AFTER = 8

CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from tests.store.helpers import store_catalog
    from tushare_typed import AsyncTushareClient
    from tushare_typed.store import Store, SyncRequest, run_sync

    url, token, path = sys.argv[1:4]

    def committed(report):
        print("committed", report.slices_done, flush=True)

    async def main():
        catalog = store_catalog()
        # Slow enough (20 calls a second) for the parent to kill it mid-way.
        async with AsyncTushareClient(token, base_url=url, rate_limit=(10, 0.5)) as client:
            with Store(path, catalog=catalog) as store:
                request = SyncRequest.of("daily", start=sys.argv[4], end=sys.argv[5], concurrency=3)
                await run_sync(client, store.db, catalog, request, on_slice=committed)
        print("finished", flush=True)

    asyncio.run(main())
    """
)


@pytest.mark.timeout(60)
def test_killed_sync_resumes_with_every_row_once(emulator: TushareEmulator, catalog: Catalog, store_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    child = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", CHILD, emulator.url, emulator.token, str(store_path), START, END],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        deadline = time.monotonic() + 40
        seen = 0
        while seen < KILL_AFTER and time.monotonic() < deadline:
            line = child.stdout.readline()
            assert line, f"the sync ended early: {child.stderr.read() if child.stderr else ''}"
            seen = int(line.split()[1]) if line.startswith("committed") else seen
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()
        if child.stderr is not None:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    with Store(store_path, catalog=catalog) as store:
        committed = len(store.db.covered("daily"))
        rows_before = store.sql("SELECT count(*) AS n FROM daily").column("n")[0].as_py()
    assert KILL_AFTER <= committed < DAYS
    assert rows_before == committed * ROWS_PER_DAY  # no half-written slice

    emulator.reset_stats()
    from tushare_typed import TushareClient

    with TushareClient(emulator.token, base_url=emulator.url) as client, Store(store_path, catalog=catalog) as store:
        report = client.sync("daily", start=START, end=END, store=store, lookback=0)
        total, distinct = (
            store.sql("SELECT count(*) AS n, count(DISTINCT (ts_code, trade_date)) AS d FROM daily")
            .to_pylist()[0]
            .values()
        )
    assert report.interfaces["daily"].slices_done == DAYS - committed
    assert emulator.calls("daily") == DAYS - committed  # only what the killed run had not committed
    assert total == distinct == DAYS * ROWS_PER_DAY

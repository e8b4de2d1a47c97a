"""Figures of `tushare_typed.sources` through the look-alikes (no internet).

    python scripts/bench_sources.py [--codes 300] [--rounds 15]

1. `compare` over CODES A-share codes × the year 2024 between tushare (the emulator), akshare (the Eastmoney
   look-alike), yahoo and alphavantage (the Yahoo and Alpha Vantage look-alikes): wall time, HTTP calls per source,
   findings (0 expected: the look-alikes serve the emulator's bars). The look-alikes have no quota, so each source's
   quota is raised to 100,000 a minute here; at the documented ones (Alpha Vantage 5 a minute) the quota is the time.
   No local store (every bar fetched).
2. One code's year through our adapter ÷ the same through the source's own library against the same look-alike
   (akshare's `stock_zh_a_hist`, yfinance's `Ticker.history`), median of ROUNDS alternated runs. The goal is ≤ 1.0.
   The look-alike renders each distinct request once (a repeat is served from its cache), so both sides are timed
   on reading the same bytes, not on the server generating rows.
   tushare and Alpha Vantage have no library run here (the tushare SDK and `alpha-vantage` are not pointed at it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("YF_DISABLE_CURL_CFFI", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.sources.official import akshare_at, yfinance_ticker
from tushare_typed.ratelimit import RateLimit
from tushare_typed.sources import Sources, SourceSettings, compare
from tushare_typed.sources._symbols import SourceName
from tushare_typed.testing import TushareEmulator
from tushare_typed.testing._data import stock_code
from tushare_typed.testing._sources import ALPHAVANTAGE_KEY, SourceLookalikes

SOURCES: list[SourceName] = ["tushare", "akshare", "yahoo", "alphavantage"]


def hub_for(emulator: TushareEmulator, lookalikes: SourceLookalikes) -> Sources:
    fast = (RateLimit.per_minute(100_000),)
    settings = SourceSettings.resolve(
        urls={"tushare": emulator.url, **dict.fromkeys(SOURCES[1:], lookalikes.url)},
        alphavantage_key=ALPHAVANTAGE_KEY,
        tushare_token=emulator.token,
        quotas={"akshare": fast, "yahoo": fast, "alphavantage": fast},
        environ={},
    )
    return Sources(settings, store=False)


def bench_compare(emulator: TushareEmulator, lookalikes: SourceLookalikes, codes: int) -> None:
    symbols = [stock_code(k) for k in range(codes)]
    with hub_for(emulator, lookalikes) as hub:
        started = time.perf_counter()
        report = compare(symbols, SOURCES, "20240101", "20241231", hub=hub)
        wall = time.perf_counter() - started
    rows = sum(sum(per.values()) for per in report.rows.values())
    print(
        f"compare {codes} codes x 2024 x {len(SOURCES)} sources: {wall:.1f} s, {rows} bars, "
        f"{len(report.findings)} findings, calls {report.calls}"
    )


def yahoo_history(url: str) -> object:
    """yfinance's history of one code's 2024, fetched: yfinance keeps past ranges in an in-process LRU cache, which
    would answer a repeat without a request."""
    import yfinance.data

    yfinance.data.YfData.cache_get.cache_clear()
    return yfinance_ticker("600000.SS", url).history(start="2024-01-01", end="2025-01-01", auto_adjust=False)


def timed(call: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_ratio(emulator: TushareEmulator, lookalikes: SourceLookalikes, rounds: int) -> None:
    with hub_for(emulator, lookalikes) as hub, akshare_at(lookalikes.url) as akshare:
        pairs: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
            "akshare": (
                lambda: hub.get_bars("600000.SH", source="akshare", start="20240101", end="20241231"),
                lambda: akshare.stock_zh_a_hist("600000", start_date="20240101", end_date="20241231"),
            ),
            "yahoo": (
                lambda: hub.get_bars("600000.SH", source="yahoo", start="20240101", end="20241231"),
                lambda: yahoo_history(lookalikes.url),
            ),
        }
        for name, (ours, theirs) in pairs.items():
            ours(), theirs()  # warm: connections, the crumb, imports, and the look-alike's rendered answer
            mine_runs, other_runs = [], []
            for _ in range(rounds):  # alternated, so a burst of load on the shared machine hits both sides
                mine_runs.append(timed(ours, 1))
                other_runs.append(timed(theirs, 1))
            mine, other = statistics.median(mine_runs), statistics.median(other_runs)
            print(
                f"{name}: one code x 2024, ours {mine * 1000:.1f} ms, library {other * 1000:.1f} ms, "
                f"ratio {mine / other:.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--codes", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with TushareEmulator() as emulator, SourceLookalikes(emulator) as lookalikes:
        bench_compare(emulator, lookalikes, args.codes)
        bench_ratio(emulator, lookalikes, args.rounds)
        print(f"look-alike requests: {dict(lookalikes.calls)}; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""Decoding a 6000-row `daily` reply (raw bytes) into a typed response, and `to_pandas()` on it, against what the
tushare SDK does with the same bytes (`json.loads` + `pd.DataFrame(items, columns=fields)`).

    python scripts/bench_decode.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from typing import Any

import pandas as pd

from tushare_typed._internal.paginator import PageResult
from tushare_typed.models.daily import ENDPOINT

ROWS = 6000


def daily_reply(rows: int) -> bytes:
    """A reply shaped like the real one: default columns, newest first, prices with two decimals."""
    rng = random.Random(6000)
    fields = list(ENDPOINT.response.wire_names)
    items = []
    for day in range(rows):
        close = round(rng.uniform(5, 50), 2)
        items.append(
            [
                "000001.SZ",
                str(20240101 - day),
                close,
                close + 0.3,
                close - 0.3,
                close,
                close - 0.1,
                0.1,
                0.5,
                round(rng.uniform(1e4, 1e6), 2),
                round(rng.uniform(1e4, 1e6), 3),
            ]
        )
    data = {"fields": fields, "items": items, "has_more": False, "count": rows}
    return json.dumps({"request_id": "bench", "code": 0, "msg": "", "data": data}).encode()


def sdk_decode(raw: bytes) -> pd.DataFrame:
    result = json.loads(raw)
    data = result["data"]
    return pd.DataFrame(data["items"], columns=data["fields"])


def typed_decode(raw: bytes) -> Any:
    page = ENDPOINT.decoder.decode(raw, "daily", "bench", ENDPOINT.default_fields)
    result = PageResult(fields=page.fields, items=page.items, completed=True, next_offset=None, pages=1)
    return ENDPOINT.response_from(result)


def best(function: Callable[[], object], runs: int) -> float:
    function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return min(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    raw = daily_reply(ROWS)
    response = typed_decode(raw)
    if len(response) != ROWS:
        raise SystemExit(f"decoded {len(response)} rows, expected {ROWS}")
    sdk = best(lambda: sdk_decode(raw), runs)
    ours = best(lambda: typed_decode(raw), runs)
    frame = best(response.to_pandas, runs)
    print(f"reply: {ROWS} rows, {len(raw) / 1e6:.2f} MB; best of {runs} runs")
    print(f"SDK json.loads + DataFrame:   {sdk * 1000:7.2f} ms")
    print(f"typed decode into response:   {ours * 1000:7.2f} ms  ratio {ours / sdk:.2f} (target <= 0.50)")
    print(f"response.to_pandas():         {frame * 1000:7.2f} ms  ratio {frame / sdk:.2f} (target <= 1.50)")


if __name__ == "__main__":
    main()

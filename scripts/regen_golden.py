"""Regenerate the golden snapshots under tests/golden/ from the current generator.

Run after an intended change to ingest or rendering, then review the diff like any other code change:
    python scripts/regen_golden.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tsgen.ingest.run import ingest
from tsgen.ingest.sources import docs_corpus, sdk_package
from tsgen.ingest.writer import metadata_files

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
# Representative pages: market data, financial statements and their vip variant, reference data, calendars,
# enumerations (ft_mins freq, index_basic market, daily_info codes), funds, macro, Hong Kong minutes, a page
# documenting two interfaces (rt_fut_min + rt_fut_min_daily) and non-identifier columns (shibor's 1w).
GOLDEN_INTERFACES = (
    "cn_gdp",
    "daily",
    "daily_info",
    "fina_indicator",
    "ft_mins",
    "fund_nav",
    "hk_mins",
    "income",
    "income_vip",
    "index_basic",
    "rt_fut_min",
    "rt_fut_min_daily",
    "shibor",
    "stock_basic",
    "trade_cal",
)


def regenerate_metadata() -> None:
    result = ingest(docs_corpus(), sdk_package(), ROOT / "metadata" / "overrides.toml")
    files = metadata_files(result)
    target = GOLDEN / "metadata"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in GOLDEN_INTERFACES:
        (target / f"{name}.json").write_text(files[f"interfaces/{name}.json"], encoding="utf-8", newline="\n")
    (target / "sdk.json").write_text(files["sdk.json"], encoding="utf-8", newline="\n")


if __name__ == "__main__":
    regenerate_metadata()
    print(f"golden metadata written to {GOLDEN / 'metadata'}")

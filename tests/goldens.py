"""What the golden snapshots pin, and how to produce them; used by the golden tests and scripts/regen_golden.py."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tsgen.ingest.run import ingest
from tsgen.ingest.sources import docs_corpus, sdk_package
from tsgen.ingest.writer import metadata_files
from tsgen.model import Index
from tsgen.render.metadata import load_metadata
from tsgen.render.tree import PACKAGE, render_tree

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"

# Representative pages: market data, financial statements and their vip variant, reference data, calendars,
# enumerations (ft_mins freq, index_basic market, daily_info codes), funds, macro, Hong Kong minutes, a page
# documenting two interfaces (rt_fut_min + rt_fut_min_daily), non-identifier columns (shibor's 1w), a parameter
# group (daily_basic), merged pages (trade_cal, index_daily) and conflicting row caps (us_fina_indicator).
GOLDEN_INTERFACES = (
    "bo_weekly",
    "cn_gdp",
    "cyq_chips",
    "daily",
    "daily_basic",
    "daily_info",
    "fina_indicator",
    "ft_mins",
    "fund_nav",
    "hk_mins",
    "income",
    "income_vip",
    "index_basic",
    "margin_detail",
    "news",
    "index_daily",
    "rt_fut_min",
    "rt_fut_min_daily",
    "shibor",
    "stock_basic",
    "top10_holders",
    "trade_cal",
    "us_fina_indicator",
)
# The small metadata the build tests render: dates and multi-codes, enum params, non-identifier columns, a vip
# variant with no required params, a column named like a tuple method (`count`) and a parameter group (daily_basic).
FIXTURE_INTERFACES = ("daily", "daily_basic", "ft_mins", "income_vip", "shibor", "sz_daily_info")
# The client modules those interfaces' docs categories map to (tests/render/test_composition.py keeps this complete).
FIXTURE_CATEGORY_MODULES = ("futures", "index", "macro", "stock_financials", "stock_quotes")
GOLDEN_CODE = (
    f"{PACKAGE}/_version.py",
    f"{PACKAGE}/_client.py",
    f"{PACKAGE}/push/_records.py",
    f"{PACKAGE}/_api/__init__.py",
    *(f"{PACKAGE}/_api/{slug}.py" for slug in FIXTURE_CATEGORY_MODULES),
    f"{PACKAGE}/models/__init__.py",
    *(f"{PACKAGE}/models/{name}.py" for name in FIXTURE_INTERFACES),
)


def write_fixture_metadata(target: Path) -> Path:
    source = ROOT / "metadata"
    (target / "interfaces").mkdir(parents=True, exist_ok=True)
    index = Index.model_validate_json((source / "index.json").read_text(encoding="utf-8"))
    entries = [entry for entry in index.interfaces if entry.api_name in FIXTURE_INTERFACES]
    (target / "index.json").write_text(index.model_copy(update={"interfaces": entries}).model_dump_json())
    for name in FIXTURE_INTERFACES:
        shutil.copy(source / "interfaces" / f"{name}.json", target / "interfaces" / f"{name}.json")
    shutil.copy(source / "sdk.json", target / "sdk.json")
    shutil.copy(source / "push.json", target / "push.json")
    return target


def fixture_tree() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as scratch:
        return render_tree(load_metadata(write_fixture_metadata(Path(scratch))))


def regenerate() -> None:
    result = ingest(docs_corpus(), sdk_package(), ROOT / "metadata" / "overrides.toml")
    files = metadata_files(result)
    shutil.rmtree(GOLDEN, ignore_errors=True)
    (GOLDEN / "metadata").mkdir(parents=True)
    for name in GOLDEN_INTERFACES:
        (GOLDEN / "metadata" / f"{name}.json").write_text(files[f"interfaces/{name}.json"], "utf-8", newline="\n")
    for name in ("sdk.json", "push.json"):
        (GOLDEN / "metadata" / name).write_text(files[name], encoding="utf-8", newline="\n")
    tree = fixture_tree()
    for relative in GOLDEN_CODE:
        path = GOLDEN / "code" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(tree[relative])

"""`list` and `describe`: the catalog from the command line."""

from __future__ import annotations

import json

from tushare_typed import __version__
from tushare_typed.catalog import load_catalog

from .conftest import assert_clean_failure, run


def test_version_and_help() -> None:
    assert run("--version").stdout == f"tushare-typed, version {__version__}\n"
    help_text = run("--help").stdout
    for command in ("list", "describe", "exec", "token", "mcp"):
        assert f"  {command} " in help_text


def test_list_shows_every_interface() -> None:
    result = run("list")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert lines[0].split() == ["api_name", "points", "category", "title"]
    assert len(lines) == 2 + len(load_catalog())
    assert result.stderr == f"{len(load_catalog())} interfaces\n"


def test_list_filters_by_category_and_search() -> None:
    futures = run("list", "--category", "期货").stdout.splitlines()[2:]
    expected = [spec.api_name for spec in load_catalog() if any("期货" in part for part in spec.category)]
    assert [line.split()[0] for line in futures] == expected
    daily_lines = run("list", "--search", "DAILY", "-c", "行情").stdout.splitlines()[2:]
    assert "daily" in [line.split()[0] for line in daily_lines]


def test_list_without_matches_fails() -> None:
    assert_clean_failure(run("list", "--search", "qqqzzz-xyzzy"), 1)


def test_describe_shows_params_fields_points_limits_and_examples() -> None:
    result = run("describe", "daily")
    text = result.stdout
    assert result.exit_code == 0
    assert text.startswith("daily — A股日线行情\n")
    assert "Points required: not documented" in text
    assert "Permission: every account (base tier)" in text
    assert "Rows: 6000 per call; pages automatically with limit/offset" in text
    assert "Quota: 500 calls per minute" in text
    assert "  trade_date  YYYYMMDD" in text
    assert "  pct_chg     float  yes" in text
    assert "  tushare-typed exec daily -p ts_code=000001.SZ --fields ts_code,trade_date,open" in text
    assert "  client.daily(ts_code='000001.SZ', fields=['ts_code', 'trade_date', 'open'])" in text


def test_describe_an_enum_parameter_lists_its_values_and_uses_one_in_the_example() -> None:
    text = run("describe", "ft_mins").stdout
    assert "[one of: 1min, 5min, 15min, 30min, 60min]" in text
    assert "-p freq=1min" in text


def test_describe_tiered_and_daily_quotas() -> None:
    catalog = load_catalog()
    tiered = next(spec for spec in catalog if any(r.min_points is not None for r in spec.rate_limits))
    daily = next(spec for spec in catalog if any(r.period == 86400 for r in spec.rate_limits))
    assert " points)" in run("describe", tiered.api_name).stdout
    assert "calls per day" in run("describe", daily.api_name).stdout


def test_describe_json_is_the_catalog_entry() -> None:
    entry = json.loads(run("describe", "shibor", "--json").stdout)
    assert entry["api_name"] == "shibor"
    assert [field["name"] for field in entry["fields"]] == list(load_catalog().get("shibor").field_names)


def test_describe_an_unknown_interface_suggests_close_ones() -> None:
    result = run("describe", "daly")
    assert_clean_failure(result, 2)
    assert "unknown tushare interface 'daly'; did you mean 'daily'" in result.stderr
    assert "hint: find interfaces with `tushare-typed list --search TEXT`" in result.stderr

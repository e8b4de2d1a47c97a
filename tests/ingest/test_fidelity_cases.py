"""Every case issue 11 names, pinned against the real corpus: groups, caps, permissions, merges, enums, flags."""

import pytest

from tsgen.ingest.run import IngestResult
from tsgen.model import Interface


def _param(interface: Interface, name: str) -> object:
    return next(p for p in interface.params if p.name == name)


def test_daily_basic_has_a_group_and_no_required_code(corpus: IngestResult) -> None:
    daily_basic = corpus.interfaces["daily_basic"]
    assert [g.params for g in daily_basic.param_groups] == [["ts_code", "trade_date"]]
    assert not any(p.required for p in daily_basic.params)


@pytest.mark.parametrize(
    ("api_name", "members"),
    [
        ("weekly", ["ts_code", "trade_date"]),
        ("fut_holding", ["trade_date", "symbol"]),
        ("moneyflow", ["ts_code", "trade_date", "start_date", "end_date"]),
        ("dividend", ["ts_code", "ann_date", "record_date", "ex_date", "imp_ann_date"]),
        ("index_dailybasic", ["trade_date", "ts_code"]),
        ("cb_share", ["ts_code", "ann_date"]),
    ],
)
def test_groups_from_every_phrasing(corpus: IngestResult, api_name: str, members: list[str]) -> None:
    assert [g.params for g in corpus.interfaces[api_name].param_groups] == [members]


def test_a_full_market_variant_has_no_group(corpus: IngestResult) -> None:
    assert corpus.interfaces["forecast_vip"].param_groups == []


@pytest.mark.parametrize(
    ("api_name", "cap"),
    [
        ("fina_indicator", 100),
        ("fina_indicator_vip", 100),
        ("index_daily", 8000),
        ("moneyflow_hsgt", 300),
        ("stock_company", 4500),
    ],
)
def test_caps_in_the_description_line(corpus: IngestResult, api_name: str, cap: int) -> None:
    assert corpus.interfaces[api_name].row_limit == cap


@pytest.mark.parametrize("api_name", ["us_fina_indicator", "hk_fina_indicator"])
def test_conflicting_caps_keep_the_smaller_and_the_conflict(corpus: IngestResult, api_name: str) -> None:
    interface = corpus.interfaces[api_name]
    assert interface.row_limit == 200
    assert interface.row_limit_conflict is not None
    assert interface.row_limit_conflict.stated == [200, 10000]
    assert any(api_name in str(issue) and "200 and 10000" in issue.reason for issue in corpus.issues)


@pytest.mark.parametrize("api_name", ["ft_mins", "hk_mins", "opt_mins", "us_daily", "hk_daily_adj", "us_daily_adj"])
def test_trial_tiers_are_not_points(corpus: IngestResult, api_name: str) -> None:
    interface = corpus.interfaces[api_name]
    assert interface.points is None
    assert interface.permission is not None
    assert interface.permission.separate and interface.permission.trial_points == 120


@pytest.mark.parametrize(("api_name", "points"), [("ccass_hold", 5000), ("cyq_chips", 5000), ("cyq_perf", 5000)])
def test_trial_tier_is_ignored_for_points(corpus: IngestResult, api_name: str, points: int) -> None:
    interface = corpus.interfaces[api_name]
    assert interface.points == points
    assert interface.permission is not None and interface.permission.trial_points == 120


def test_points_written_without_ji(corpus: IngestResult) -> None:
    assert corpus.interfaces["share_float"].points == 120


def test_daily_base_tier_is_not_a_page_figure(corpus: IngestResult) -> None:
    daily = corpus.interfaces["daily"]
    assert daily.points is None
    assert daily.permission is not None and daily.permission.base_tier and not daily.permission.separate


@pytest.mark.parametrize("api_name", ["rt_min", "rt_min_daily", "stk_auction_c", "stk_auction_o"])
def test_stated_permissions_are_recorded(corpus: IngestResult, api_name: str) -> None:
    permission = corpus.interfaces[api_name].permission
    assert permission is not None and permission.separate


def test_duplicate_pages_are_merged_with_conflicts_listed(corpus: IngestResult) -> None:
    merged = {i.api_name: [s.path for s in i.merged_from] for i in corpus.interfaces.values() if i.merged_from}
    assert merged == {
        "index_daily": ["05_期货数据/11_南华期货指数行情.md"],
        "stk_mins": ["02_ETF专题/03_ETF分钟行情.md"],
        "trade_cal": ["05_期货数据/02_交易日历.md"],
    }
    assert "trade_cal: conflict: column is_open: type str vs int; kept str" in corpus.merges
    ts_code = corpus.interfaces["index_daily"].params[0]
    assert ts_code.name == "ts_code" and ts_code.enum_open and ts_code.enum
    assert "CU.NH" in [value.value for value in ts_code.enum]


def test_enumerations_named_in_the_issue(corpus: IngestResult) -> None:
    src = _param(corpus.interfaces["realtime_quote"], "src")
    assert [value.value for value in src.enum or []] == ["sina", "dc"]  # type: ignore[attr-defined]
    item = _param(corpus.interfaces["tmt_twincome"], "item")
    assert len(item.enum or []) == 65  # type: ignore[attr-defined]


def test_flags_named_in_the_issue(corpus: IngestResult) -> None:
    assert not _param(corpus.interfaces["rt_min_daily"], "ts_code").multi  # type: ignore[attr-defined]
    assert _param(corpus.interfaces["rt_min"], "ts_code").multi  # type: ignore[attr-defined]
    assert _param(corpus.interfaces["ggt_daily"], "trade_date").multi  # type: ignore[attr-defined]


def test_keys_and_sync_plans(corpus: IngestResult) -> None:
    interfaces = corpus.interfaces
    assert interfaces["daily"].keys == ["ts_code", "trade_date"]
    assert interfaces["stk_mins"].keys == ["ts_code", "trade_time"]
    assert interfaces["trade_cal"].keys == ["exchange", "cal_date"]
    assert interfaces["stock_basic"].keys == ["ts_code"]
    assert interfaces["income"].keys[:2] == ["ts_code", "end_date"]
    # One row per price level: the reviewed override keys it by price too, never by (code, day) alone.
    assert interfaces["cyq_chips"].keys == ["ts_code", "trade_date", "price"]
    # Every HTTP interface is decided: keyed, or its rows' lack of identity is stated.
    undecided = [i.api_name for i in interfaces.values() if i.kind == "http" and not (i.keys or i.keys_absent_reason)]
    assert undecided == []
    assert interfaces["news"].keys == [] and "news text" in (interfaces["news"].keys_absent_reason or "")
    # Every interface but the realtime snapshots has a sync plan; those say why not.
    unsynced = sorted(i.api_name for i in interfaces.values() if i.sync is None)
    assert all(name.startswith(("rt_", "realtime_")) for name in unsynced), unsynced
    assert all(interfaces[name].sync_absent_reason for name in unsynced)
    for interface in interfaces.values():
        assert set(interface.keys) <= {f.name for f in interface.fields}, interface.api_name
    daily_sync = interfaces["daily"].sync
    assert daily_sync is not None and (daily_sync.shape, daily_sync.param) == ("trade_day", "trade_date")
    income_sync = interfaces["income"].sync
    assert income_sync is not None and (income_sync.shape, income_sync.param) == ("period", "period")
    mins_sync = interfaces["stk_mins"].sync
    assert mins_sync is not None and (mins_sync.shape, mins_sync.codes_from) == ("code", "stock_basic")
    basic_sync = interfaces["stock_basic"].sync
    assert basic_sync is not None and basic_sync.shape == "snapshot"
    assert interfaces["rt_k"].sync is None

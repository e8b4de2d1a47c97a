"""Unit tests of the group reader, the page merge, and the key/sync rules, on small hand-made interfaces."""

from hypothesis import given
from hypothesis import strategies as st

from tsgen.ingest.groups import example_calls, read_groups
from tsgen.ingest.keys import derive_keys, keys_absent_reason
from tsgen.ingest.merge import merge_pages
from tsgen.ingest.sync import derive_sync
from tsgen.model import EnumValue, Interface, OutputField, Param, SourceRef


def _param(name: str, description: str = "", *, required: bool = False, python_type: str = "str") -> Param:
    return Param.model_validate(
        {"name": name, "type": "str", "python_type": python_type, "required": required, "description": description}
    )


def _field(name: str, type_: str = "str") -> OutputField:
    python_type = "int" if type_ == "int" else "str"
    return OutputField(name=name, attr=name, type=type_, python_type=python_type, default=True, description="")


def _interface(api_name: str, params: list[Param], fields: list[str], path: str = "a.md", **extra: object) -> Interface:
    values: dict[str, object] = {
        "api_name": api_name,
        "title": api_name,
        "category": ["股票数据", "行情数据"],
        "description": "",
        "source": SourceRef(path=path, line=3),
        "points": None,
        "row_limit": None,
        "rate_limits": [],
        "paging": False,
        "params": params,
        "fields": [_field(name) for name in fields],
        "examples": [],
        "sample": None,
        "notes": [],
    }
    values.update(extra)
    return Interface.model_validate(values)


def test_pair_markers_form_one_group_and_relax_required() -> None:
    params = [_param("ts_code", "股票代码（二选一）", required=True), _param("trade_date", "交易日期（二选一）")]
    relaxed, groups = read_groups("x", params, [], [])
    assert [g.params for g in groups] == [["ts_code", "trade_date"]]
    assert not any(p.required for p in relaxed)


def test_named_members_and_a_note_for_all_params() -> None:
    params = [_param("trade_date", "交易日期 （trade_date/symbol至少输入一个参数）"), _param("symbol"), _param("x")]
    assert [g.params for g in read_groups("x", params, [], [])[1]] == [["trade_date", "symbol"]]
    params = [_param("a"), _param("b")]
    assert [g.params for g in read_groups("x", params, ["以上参数至少有一个不能为空"], [])[1]] == [["a", "b"]]


def test_an_example_omitting_a_required_param_makes_a_group() -> None:
    params = [_param("ts_code", required=True), _param("ann_date", required=True), _param("end_date")]
    examples = ["pro = ts.pro_api()\ndf = pro.x(ts_code='1', fields='a')"]
    assert example_calls("x", examples) == ["ts_code='1', fields='a'"]
    assert [g.params for g in read_groups("x", params, [], examples)[1]] == [["ts_code", "ann_date"]]


def test_no_marker_no_group() -> None:
    params = [_param("ts_code", "代码", required=True), _param("trade_date", "日期")]
    relaxed, groups = read_groups("x", params, ["注：日期都填YYYYMMDD格式"], ["pro.x(ts_code='1')"])
    assert groups == [] and relaxed == params


@given(st.lists(st.sampled_from(["二选一", "至少输入一个参数", "代码", "日期", "ts_code", "以上参数"]), max_size=6))
def test_groups_only_name_parameters(words: list[str]) -> None:
    params = [_param("ts_code", "".join(words)), _param("trade_date", "".join(reversed(words))), _param("end_date")]
    relaxed, groups = read_groups("x", params, ["".join(words)], [])
    names = {p.name for p in params}
    assert all(set(g.params) <= names and len(g.params) >= 2 for g in groups)
    assert [p.name for p in relaxed] == [p.name for p in params]


def test_merge_adds_params_fields_and_reports_conflicts() -> None:
    first = _interface("cal", [_param("exchange", required=True)], ["cal_date", "is_open"])
    second_params = [
        _param("exchange").model_copy(update={"enum": [EnumValue(value="SHFE")]}),
        _param("is_open", required=True),
    ]
    second = _interface("cal", second_params, ["cal_date"], path="b.md")
    second = second.model_copy(update={"fields": [_field("cal_date"), _field("is_open", "int")]})
    merge = merge_pages(first, second)
    params = {p.name: p for p in merge.interface.params}
    assert not params["exchange"].required and params["exchange"].enum_open
    assert not params["is_open"].required
    assert [s.path for s in merge.interface.merged_from] == ["b.md"]
    assert "param exchange: required on one page only; optional" in merge.conflicts
    assert any("column is_open" in c for c in merge.conflicts)
    assert merge.summary("b.md")[0] == "cal: merged b.md into a.md"


def test_keys_by_shape() -> None:
    bars = ["ts_code", "trade_date", "open", "high", "low", "close"]
    assert derive_keys(_interface("daily", [], bars)) == ["ts_code", "trade_date"]
    assert derive_keys(_interface("mins", [], ["ts_code", "trade_time", "open", "high", "low", "close"])) == [
        "ts_code",
        "trade_time",
    ]
    assert derive_keys(_interface("cal", [], ["exchange", "cal_date", "is_open"])) == ["exchange", "cal_date"]
    assert derive_keys(_interface("stock_basic", [], ["ts_code", "name"])) == ["ts_code"]
    assert derive_keys(_interface("top_inst", [], ["trade_date", "ts_code", "side", "buy"])) == []


def _numbers(interface: Interface, *names: str) -> Interface:
    """``interface`` with the columns ``names`` numeric (the helper makes text columns)."""
    fields = [_field(f.name, "int") if f.name in names else f for f in interface.fields]
    return interface.model_copy(update={"fields": fields})


def test_keys_of_daily_tables_and_statements() -> None:
    day_params = [_param("ts_code"), _param("trade_date", python_type="date")]
    numeric = ["ts_code", "trade_date", "name", "rzye", "rqye"]
    margin = _numbers(_interface("margin_detail", day_params, numeric), "rzye", "rqye")
    assert derive_keys(margin) == ["ts_code", "trade_date"]
    # Selected on code and day but a row per price level (a price column): no rule decides, an override does.
    chips = _numbers(
        _interface("cyq_chips", day_params, ["ts_code", "trade_date", "price", "percent"]), "price", "percent"
    )
    assert derive_keys(chips) == []
    # A text column beside the code and day (a buyer, a seat) is a dimension the rule cannot rule out.
    trades = _numbers(_interface("block_trade", day_params, ["ts_code", "trade_date", "vol", "buyer"]), "vol")
    assert derive_keys(trades) == []
    # The page does not select on the day: a list, not a daily table.
    assert derive_keys(_numbers(_interface("listing", [_param("ts_code")], numeric), "rzye", "rqye")) == []
    statement = _interface("forecast", [], ["ts_code", "ann_date", "end_date", "type", "p_change_min"])
    statement = statement.model_copy(update={"category": ["股票数据", "财务数据"]})
    assert derive_keys(statement) == ["ts_code", "end_date", "ann_date", "type"]
    realtime = _interface("rt_k", [_param("ts_code", required=True)], ["ts_code", "close"])
    assert keys_absent_reason(realtime) is not None and keys_absent_reason(margin) is None


def test_sync_by_shape() -> None:
    span = [_param("start_date", python_type="date"), _param("end_date", python_type="date")]
    trade_date = _param("trade_date", python_type="date")
    daily = _interface("daily", [_param("ts_code"), trade_date, *span], ["ts_code", "trade_date"])
    plan = derive_sync(daily)
    assert plan is not None and (plan.shape, plan.param, plan.start_param) == ("trade_day", "trade_date", "start_date")
    mins = _interface("mins", [_param("ts_code", required=True), *span], ["ts_code", "trade_time"])
    plan = derive_sync(mins)
    # trade_time is a date-time: kept whole, never as the DATE a date column is stored as (that would merge minutes).
    assert plan is not None and (plan.shape, plan.codes_from, plan.date_column) == ("code", "stock_basic", None)
    assert derive_sync(_interface("stock_basic", [_param("exchange")], ["ts_code"])) == derive_sync(
        _interface("other_basic", [], ["ts_code"])
    )
    assert derive_sync(_interface("rt_k", [_param("ts_code", required=True)], ["ts_code"])) is None

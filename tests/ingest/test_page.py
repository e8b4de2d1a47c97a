from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tsgen.ingest.page import PageResult, parse_page

PAGE = """## 期货分钟

接口：demo_mins

描述：分钟数据

限量：单次最大8000行数据

积分：5000积分每分钟可以请求30次，8000积分以上每分钟500次

提示：如果需要获取全部数据，请使用demo_mins_vip接口（参数一致），需积攒8000积分。

输入参数

| 名称 | 类型 | 必选 | 描述 |
| --- | --- | --- | --- |
| ts_code | str | Y | 代码（支持多个，逗号分隔） |
| freq | str | Y | 频度 |
| report_type | str | N | 报告类型，参考文档最下方说明 |
| start_date | datetime | N | 开始时间 格式：2023-08-25 09:00:00 |
| trade_date | str | N | 交易日期（YYYYMMDD） |
| fields | str | N | 指定字段 |
| limit | int | N | 每页行数 |

freq参数说明

| freq | 说明 |
| --- | --- |
| 1min | 1分钟 |
| 5min | 5分钟 |

输出参数

| 名称 | 类型 | 默认显示 | 描述 |
| --- | --- | --- | --- |
| ts_code | str | Y | 代码 |
| 1w | float | N | 一周 |
| time | None | Y | 时间 |

接口示例

```python
df = pro.demo_mins(ts_code='CU2310.SHF', freq='1min')
```

数据样例

```python
ts_code  1w
0  CU2310.SHF  1.0
```

报表类型说明

| 代码 | 类型 | 说明 |
| --- | --- | --- |
| 1 | 合并报表 | 最新报表 |
| 2 | 单季合并 | 单一季度 |
"""


def _parse(text: str = PAGE) -> PageResult:
    return parse_page(text, "01_期货/01_分钟.md", ["期货"])


def test_reads_the_declared_interface_and_its_prose() -> None:
    main = _parse().interfaces[0]
    assert main.api_name == "demo_mins"
    assert main.title == "期货分钟"
    assert main.description == "分钟数据"
    assert main.row_limit == 8000
    assert main.paging is True
    assert main.points == 5000
    assert [(r.calls, r.min_points) for r in main.rate_limits] == [(30, 5000), (500, 8000)]
    assert main.source.line == 3


def test_params_are_typed_and_envelope_keys_dropped() -> None:
    params = {p.name: p for p in _parse().interfaces[0].params}
    assert list(params) == ["ts_code", "freq", "report_type", "start_date", "trade_date"]
    assert params["ts_code"].required and params["ts_code"].multi
    assert params["start_date"].python_type == "datetime"
    assert params["start_date"].format == "YYYY-MM-DD HH:MM:SS"
    assert params["trade_date"].python_type == "date"


def test_enumeration_tables_become_allowed_values_not_params() -> None:
    params = {p.name: p for p in _parse().interfaces[0].params}
    assert [e.value for e in params["freq"].enum or []] == ["1min", "5min"]
    assert [e.value for e in params["report_type"].enum or []] == ["1", "2"]
    assert (params["report_type"].enum or [])[0].description == "合并报表 — 最新报表"


def test_fields_keep_wire_names_and_get_identifiers() -> None:
    fields = _parse().interfaces[0].fields
    assert [(f.name, f.attr, f.default) for f in fields] == [
        ("ts_code", "ts_code", True),
        ("1w", "f_1w", False),
        ("time", "time", True),
    ]


def test_examples_and_sample_are_kept_apart() -> None:
    main = _parse().interfaces[0]
    assert main.examples == ["df = pro.demo_mins(ts_code='CU2310.SHF', freq='1min')"]
    assert main.sample is not None and main.sample.startswith("ts_code")


def test_unknown_column_type_is_reported() -> None:
    issues = [str(issue) for issue in _parse().issues]
    assert "01_期货/01_分钟.md:38: partial: column 'time' has type 'None'; read as str" in issues


def test_same_params_variant_is_its_own_interface() -> None:
    result = _parse()
    variant = result.interfaces[1]
    assert variant.api_name == "demo_mins_vip"
    assert variant.variant_of == "demo_mins"
    assert variant.points == 8000
    assert [p.name for p in variant.params] == [p.name for p in result.interfaces[0].params]
    assert not any(p.required for p in variant.params), "a 全部 variant needs no filter"


def test_page_without_api_line_is_skipped() -> None:
    result = _parse("## 数据索引\n\n一些文字\n")
    assert result.interfaces == []
    assert [issue.severity for issue in result.issues] == ["skipped"]


def test_invalid_interface_is_reported_not_raised() -> None:
    result = parse_page("接口：x\n", "a.md", ["c"])
    assert [i.api_name for i in result.interfaces] == ["x"]
    assert any("no output-field table" in issue.reason for issue in result.issues)


def test_broken_table_rows_are_reported_with_their_line() -> None:
    text = (
        "接口：x\n\n输入参数\n\n| 名称 | 类型 | 必选 | 描述 |\n| --- | --- | --- | --- |\n| 中文 | str | N | 年份 |\n"
    )
    result = parse_page(text, "a.md", ["c"])
    assert "a.md:7: partial: input row skipped: '中文' is not a name" in [str(i) for i in result.issues]


def test_per_interface_param_tables_on_one_page() -> None:
    text = (
        "接口：rt_x\n\n限量：单次最大10行\n\n注：接口名：rt_x_daily，只支持一个\n\n"
        "rt_x输入参数\n\n| 名称 | 类型 | 必选 | 描述 |\n| --- | --- | --- | --- |\n| ts_code | str | Y | 代码 |\n\n"
        "rt_x_daily输入参数\n\n| 名称 | 类型 | 必选 | 描述 |\n| --- | --- | --- | --- |\n"
        "| date_str | str | N | 日期 |\n"
    )
    result = parse_page(text, "a.md", ["c"])
    assert {i.api_name: [p.name for p in i.params] for i in result.interfaces} == {
        "rt_x": ["ts_code"],
        "rt_x_daily": ["date_str"],
    }


page_fragments = st.sampled_from(
    [
        "接口：demo\n",
        "接口：\n",
        "| 名称 | 类型 | 必选 | 描述 |\n",
        "| 名称 | 类型 | 默认显示 | 描述 |\n",
        "| --- | --- |\n",
        "| a | str | Y | x |\n",
        "| 1MIN |\n",
        "输入参数\n",
        "输出参数\n",
        "freq参数说明\n",
        "```python\n",
        "限量：单次最大6000条\n",
        "积分：5000积分每分钟可以请求30次\n",
        "请使用demo_vip接口（参数一致）\n",
        "接口名：demo_daily\n",
        "数据样例\n",
    ]
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(page_fragments | st.text(), max_size=30))
def test_any_page_yields_metadata_or_issues_never_an_exception(parts: list[str]) -> None:
    result = parse_page("".join(parts), "fuzz.md", ["c"])
    for interface in result.interfaces:
        assert interface.api_name
    for issue in result.issues:
        assert issue.reason

"""The reference generator's parts: example arguments, units, quotas, categories, escaping, the nav hook, and
`tsgen docs --check` on the committed reference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.exceptions import PluginError

from tsgen.cli import main
from tsgen.docs import facts
from tsgen.docs.arguments import docs_arguments, example_arguments, fitting_value, synthesized_value
from tsgen.docs.examples import examples
from tsgen.docs.mkdocs_hook import SEGMENT_LOOP, SEGMENT_LOOP_FIXED, patch_search_worker, splice
from tsgen.docs.site import markdown_text, render_docs, table_cell
from tsgen.model import EnumValue, Interface, OutputField, Param, RateLimitRule, SourceRef
from tsgen.render.metadata import Metadata, load_metadata
from tsgen.render.tree import RenderError

ROOT = Path(__file__).resolve().parents[2]


def param(name: str, python_type: Any = "str", **extra: Any) -> Param:
    return Param(name=name, type="str", python_type=python_type, required=False, description="", **extra)


def column(name: str, description: str, python_type: Any = "float", default: bool = True) -> OutputField:
    return OutputField(
        name=name, attr=name, type="float", python_type=python_type, default=default, description=description
    )


def interface(api_name: str = "demo", **changes: Any) -> Interface:
    base: dict[str, Any] = {
        "api_name": api_name,
        "title": "演示",
        "category": ["股票数据", "行情数据"],
        "description": "",
        "source": SourceRef(path="01_股票数据/02_行情数据/01_演示.md", line=3),
        "points": 2000,
        "row_limit": 100,
        "rate_limits": [],
        "paging": True,
        "params": [param("ts_code", multi=True), param("start_date", "date", format="YYYYMMDD")],
        "fields": [column("ts_code", "代码", "str"), column("close", "收盘价")],
        "examples": [],
        "sample": None,
        "notes": [],
    }
    return Interface(**{**base, **changes})


@pytest.fixture(scope="module")
def metadata() -> Metadata:
    return load_metadata(ROOT / "metadata")


# --- arguments ---------------------------------------------------------------------------------------------------


def test_docs_arguments_come_from_the_docs_example_and_drop_what_does_not_fit() -> None:
    source = "pro = ts.pro_api()\ndf = pro.demo(ts_code='000001.SZ,600000.SH', start_date='2018-07-01', nope=1, x='')"
    assert docs_arguments(interface(examples=[source])) == {"ts_code": "000001.SZ,600000.SH"}
    query = "df = pro.query('demo', start_date='20180701')"
    assert docs_arguments(interface(examples=["this is not python(", query])) == {"start_date": "20180701"}


def test_a_variant_uses_the_example_of_the_interface_it_shares_parameters_with() -> None:
    variant = interface("demo_vip", variant_of="demo", examples=["pro.demo(ts_code='600000.SH')"])
    assert docs_arguments(variant) == {"ts_code": "600000.SH"}


def test_required_parameters_are_always_passed_and_a_bare_interface_gets_a_typical_filter() -> None:
    required = param("freq", enum=[EnumValue(value="1min"), EnumValue(value="5min")]).model_copy(
        update={"required": True}
    )
    assert example_arguments(interface(params=[required, param("ts_code")])) == {"freq": "1min"}
    assert example_arguments(interface()) == {"ts_code": "000001.SZ"}
    end = param("end_date", "date", format="YYYYMMDD")
    assert example_arguments(interface(params=[param("start_date", "date"), end])) == {
        "start_date": "20240102",
        "end_date": "20240131",
    }


@given(st.one_of(st.text(max_size=12), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none()))
def test_a_fitting_value_is_always_valid_for_its_parameter(value: object) -> None:
    for candidate in (
        param("d", "date", format="YYYYMMDD"),
        param("m", format="YYYYMM"),
        param("t", "datetime", format="YYYY-MM-DD HH:MM:SS"),
        param("n", "int"),
        param("e", enum=[EnumValue(value="a")]),
        param("s"),
    ):
        fitted = fitting_value(candidate, value)
        if fitted is None:
            continue
        assert fitting_value(candidate, fitted) == fitted  # a kept value is stable
        assert fitting_value(candidate, synthesized_value(candidate)) is not None
        if candidate.name == "e":
            assert fitted == "a"
        if candidate.name == "d":
            assert isinstance(fitted, str) and len(fitted) == 8 and fitted.isdigit()


def test_every_real_interface_gets_arguments_its_parameters_accept(metadata: Metadata) -> None:
    for i in metadata.http_interfaces:
        params = {p.name: p for p in i.params}
        arguments = example_arguments(i)
        assert {p.name for p in i.params if p.required} <= set(arguments), i.api_name
        for name, value in arguments.items():
            assert fitting_value(params[name], value) == value, (i.api_name, name, value)


# --- examples ----------------------------------------------------------------------------------------------------


def test_examples_pass_the_same_arguments_everywhere() -> None:
    sync, async_, compatible, cli, mcp = examples(interface(examples=["pro.demo(ts_code='600000.SH')"]))
    assert 'client.demo(ts_code="600000.SH", max_rows=5)' in sync.code
    assert "print(row.ts_code, row.close)" in sync.code
    assert 'await client.demo(ts_code="600000.SH", max_rows=5)' in async_.code
    assert 'frame = pro.demo(ts_code="600000.SH", limit=5)' in compatible.code
    assert cli.code == "tushare-typed exec demo -p ts_code=600000.SH --fields ts_code,close --max-rows 5"
    request = json.loads(mcp.code)
    assert request["params"] == {
        "name": "call_interface",
        "arguments": {"api_name": "demo", "params": {"ts_code": "600000.SH"}, "max_rows": 5},
    }


def test_a_long_call_puts_one_argument_on_a_line() -> None:
    long_value = "x" * 80
    sync = examples(interface(examples=[f"pro.demo(ts_code='{long_value}')"]))[0]
    assert f'        ts_code="{long_value}",\n        max_rows=5,\n    )' in sync.code


# --- facts -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("成交额 （千元）", "千元"),
        ("涨跌幅(%)", "%"),
        ("持股数量（上海，万户）", "万户"),
        ("单位：万元，下同", "万元"),
        ("数量（股,份,手）", "股/份/手"),
        ("收盘价", None),
        ("利润（扣除非经常损益）", None),
        ("日期（YYYYMMDD）", None),
    ],
)
def test_unit_reads_the_unit_a_description_states(description: str, expected: str | None) -> None:
    assert facts.unit(column("c", description)) == expected


def test_quota_sentences() -> None:
    per_minute = RateLimitRule(calls=500, period="minute", period_seconds=60, min_points=None, text="")
    unlimited = RateLimitRule(calls=None, period="day", period_seconds=86400, min_points=15000, text="")
    assert facts.quota(per_minute) == "500 calls per minute"
    assert facts.quota(unlimited) == "unlimited per day from 15000 points"


def test_categories_follow_the_docs_order_not_the_names() -> None:
    later = interface("a_first_by_name", source=SourceRef(path="02_ETF专题/01_x.md", line=1), category=["ETF专题"])
    earlier = interface("z_last_by_name")
    (stock, etf) = facts.categories([later, earlier])
    assert (stock.slug, stock.name, list(stock.sections)) == ("01", "股票数据", ["行情数据"])
    assert (etf.slug, list(etf.sections), etf.interfaces) == ("02", [""], [later])


# --- rendering ---------------------------------------------------------------------------------------------------


def test_text_is_escaped_for_markdown_and_tables() -> None:
    assert markdown_text("a_b *c* <d> [e]") == r"a\_b \*c\* &lt;d\> \[e\]"
    assert table_cell("one | two\n\nthree") == r"one \| two<br>three"


def test_a_reserved_page_name_is_a_render_error(metadata: Metadata) -> None:
    clash = interface("points")
    with pytest.raises(RenderError, match="points"):
        render_docs(Metadata(index=metadata.index, interfaces=[clash], sdk=metadata.sdk, push=metadata.push))


def test_every_interface_page_states_its_facts(metadata: Metadata) -> None:
    tree = render_docs(metadata)
    daily = tree["daily.md"].decode()
    assert "| Points | not stated by the docs |" in daily  # 120 is the base tier, not a figure on the page
    assert "| Access | every account (base tier)" in daily
    assert "| Quota | 500 calls per minute |" in daily
    assert "| `amount` | float | 千元 | default |" in daily
    ft_mins = tree["ft_mins.md"].decode()
    assert "### `freq` values" in ft_mins and "| `1min` |" in ft_mins
    nav = json.loads(tree[".nav.json"])
    pages = json.dumps(nav, ensure_ascii=False)
    assert all(f'"reference/{i.api_name}.md"' in pages for i in metadata.http_interfaces)


def test_the_committed_reference_is_what_tsgen_docs_renders() -> None:
    result = CliRunner().invoke(main, ["docs", "--check"])
    assert result.exit_code == 0, result.output


def test_docs_check_lists_drift_and_docs_repairs_it(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "reference"
    assert runner.invoke(main, ["docs", "--out", str(out)]).exit_code == 0
    (out / "daily.md").write_text("stale", encoding="utf-8")
    (out / "extra.md").write_text("left over", encoding="utf-8")
    check = runner.invoke(main, ["docs", "--check", "--out", str(out)])
    assert check.exit_code == 1
    assert "stale: daily.md" in check.output and "not generated: extra.md" in check.output
    assert runner.invoke(main, ["docs", "--out", str(out)]).exit_code == 0
    assert runner.invoke(main, ["docs", "--check", "--out", str(out)]).exit_code == 0


# --- the mkdocs hook ---------------------------------------------------------------------------------------------


def test_splice_replaces_the_reference_placeholder_at_any_depth() -> None:
    nav = [{"Home": "index.md"}, {"Docs": [{"Reference": "reference/index.md"}, "other.md"]}]
    assert splice(nav, ["r.md"]) == [{"Home": "index.md"}, {"Docs": [{"Reference": ["r.md"]}, "other.md"]}]


def test_the_search_worker_patch_applies_once_or_fails_loudly() -> None:
    assert patch_search_worker(f"a;{SEGMENT_LOOP};b") == f"a;{SEGMENT_LOOP_FIXED};b"
    with pytest.raises(PluginError, match="segmentation"):
        patch_search_worker("code of another material version")

"""toolset.py: tools.json is loaded once, and every bad argument is reported by name with its fix."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tushare_typed.mcp.bounds import MAX_ARGUMENT_CHARS, MAX_NAME_CHARS
from tushare_typed.mcp.toolset import ArgumentProblem, ToolSet, UnknownToolError, load_toolset, oversized_arguments


@pytest.fixture(scope="module")
def toolset() -> ToolSet:
    return load_toolset()


def problems(toolset: ToolSet, name: str, arguments: dict[str, Any]) -> dict[str, ArgumentProblem]:
    return {problem.argument: problem for problem in toolset.problems(name, arguments)}


def test_the_toolset_is_read_once_and_matches_tools_json(toolset: ToolSet, tools_document: dict[str, Any]) -> None:
    assert load_toolset() is toolset
    groups = ("discovery", "interfaces", "composites")
    assert list(toolset.names()) == [tool["name"] for group in groups for tool in tools_document[group]]
    assert [dict(tool) for tool in toolset.group("interfaces")] == tools_document["interfaces"]
    assert toolset.groups["discovery"] == ("search_interfaces", "describe_interface", "call_interface")


def test_valid_arguments_have_no_problems(toolset: ToolSet) -> None:
    arguments = {"ts_code": "CU2310.SHF", "freq": "5min", "start_date": "2024-01-02 09:30:00", "max_rows": 5}
    assert toolset.problems("ft_mins", {**arguments, "fields": ["open", "close"], "offset": 0}) == []


def test_an_unknown_tool_suggests_close_names(toolset: ToolSet) -> None:
    with pytest.raises(UnknownToolError) as info:
        toolset.get("daly")
    assert "daily" in info.value.suggestions
    assert "did you mean 'daily'" in str(info.value)


def test_a_missing_required_argument_is_named_with_its_description(toolset: ToolSet) -> None:
    found = problems(toolset, "ft_mins", {"freq": "5min"})
    assert list(found) == ["ts_code"]
    assert found["ts_code"].message == "this required argument is missing"
    assert found["ts_code"].fix.startswith("pass ts_code (")


def test_an_unknown_argument_suggests_the_close_one(toolset: ToolSet) -> None:
    found = problems(toolset, "daily", {"ts_cod": "000001.SZ", "colour": "red"})
    assert found["ts_cod"].fix.startswith("use 'ts_code' instead")
    assert found["colour"].fix.startswith("remove it; the arguments are ")


def test_a_wrong_type_names_the_expected_type(toolset: ToolSet) -> None:
    found = problems(toolset, "daily", {"offset": "10", "max_rows": 2.5})
    assert found["offset"].message == 'must be an integer, got string "10"'
    assert found["max_rows"].message == "must be an integer, got number 2.5"


def test_a_value_outside_an_enum_lists_the_allowed_values(toolset: ToolSet) -> None:
    found = problems(toolset, "ft_mins", {"ts_code": "CU2310.SHF", "freq": "2min"})
    assert str(found["freq"]) == (
        'freq: "2min" is not an allowed value. Fix: use one of 1min, 5min, 15min, 30min, 60min.'
    )


def test_an_unknown_column_in_fields_lists_the_columns(toolset: ToolSet) -> None:
    found = problems(toolset, "ft_mins", {"ts_code": "X", "freq": "1min", "fields": ["open", "opne"]})
    assert found["fields[1]"].message == '"opne" is not a column of ft_mins'
    assert found["fields[1]"].fix.startswith("use ts_code, trade_time, open")


@pytest.mark.parametrize(
    ("name", "arguments", "argument", "hint"),
    [
        ("daily", {"trade_date": "2024-01-02"}, "trade_date", "a date as YYYYMMDD"),
        ("ft_mins", {"ts_code": "X", "freq": "1min", "end_date": "20240102"}, "end_date", "'YYYY-MM-DD HH:MM:SS'"),
    ],
)
def test_a_badly_formatted_date_names_the_format(
    toolset: ToolSet, name: str, arguments: dict[str, Any], argument: str, hint: str
) -> None:
    found = problems(toolset, name, arguments)
    assert list(found) == [argument]
    assert hint in found[argument].fix


def test_bounds_and_duplicates_are_reported(toolset: ToolSet) -> None:
    found = problems(toolset, "daily", {"offset": -1, "max_rows": 0, "fields": ["open", "open"]})
    assert found["offset"].fix == "pass at least 0"
    assert found["max_rows"].fix == "pass at least 1"
    assert found["fields"].fix == "list each value once"


def test_problems_come_whole_call_first_then_by_argument(toolset: ToolSet) -> None:
    arguments = {"freq": "9min", "fields": ["x"], "bogus": 1}
    order = [problem.argument for problem in toolset.problems("ft_mins", arguments)]
    assert order == ["bogus", "ts_code", "fields[0]", "freq"]


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(["daily", "ft_mins", "shibor", "stock_basic"]),
    arguments=st.dictionaries(
        st.sampled_from(["ts_code", "freq", "trade_date", "fields", "offset", "max_rows", "zzz"]), _JSON_VALUES
    ),
)
def test_every_problem_names_an_argument_of_the_call_or_a_required_one(
    toolset: ToolSet, name: str, arguments: dict[str, Any]
) -> None:
    required = set(toolset.get(name)["inputSchema"].get("required", []))
    for problem in toolset.problems(name, arguments):
        top = problem.argument.split("[", 1)[0]
        assert top in arguments or top in required
        assert problem.message and problem.fix


@pytest.mark.timeout(30)
def test_arguments_are_bounded_before_the_schema_sees_them() -> None:
    fits = {"ts_code": "0" * MAX_ARGUMENT_CHARS, "fields": ["a" * 2000, "b" * 2096], "params": {"x": "1" * 4000}}
    assert oversized_arguments(fits) == []
    found = oversized_arguments(
        {
            "ts_code": "0" * (MAX_ARGUMENT_CHARS + 1),
            "fields": ["a" * 2000, "b" * 2097],
            "params": {"ts_code": "1" * 5000, "n" * (MAX_NAME_CHARS + 1): 1, "nested": {"k" * 4000: "v" * 97}},
            "x" * 1_000_000: 1,
        }
    )
    assert [problem.argument for problem in found] == [
        "ts_code",
        "fields",
        "params.ts_code",
        f"params.{'n' * 40!r}... ({MAX_NAME_CHARS + 1} characters)",
        "params.nested",
        f"{'x' * 40!r}... (1000000 characters)",
    ]
    assert found[0].message == "holds 4097 characters of text, more than the 4096 an argument may hold"
    assert all(len(str(problem)) < 300 for problem in found)


def test_an_unknown_tool_repeats_only_the_start_of_its_name() -> None:
    assert str(UnknownToolError("q" * 10_000, [])) == f"unknown tool {'q' * 40!r}... (10000 characters)"

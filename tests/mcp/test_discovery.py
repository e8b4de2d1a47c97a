"""Discovery mode, result budgets and narrowing: search, describe and call_interface over the catalog, pro_bar,
the byte budget that cuts a result with a way to continue, and --tools/--categories/--max-points."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tushare_typed.catalog import load_catalog
from tushare_typed.mcp.selection import Selection, SelectionError, split_list
from tushare_typed.mcp.service import MAX_ROWS_LIMIT, ToolService
from tushare_typed.mcp.toolset import UnknownToolError, load_toolset
from tushare_typed.search import search, terms
from tushare_typed.testing import TushareEmulator

from .conftest import DENIED, emulator_client
from .tool_names import DISCOVERY_TOOLS


def result_size(text: str, structured: dict[str, Any] | None) -> int:
    return len(text.encode()) + len(json.dumps(structured, ensure_ascii=False).encode())


def test_discovery_lists_its_tools_before_reading_the_catalog_or_tools_json(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []

    def recording(name: str, load: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            read.append(" ".join([name, *args]))
            return load(*args)

        return wrapper

    monkeypatch.setattr("tushare_typed.mcp.service.load_catalog", recording("catalog", load_catalog))
    monkeypatch.setattr("tushare_typed.mcp.service.load_toolset", recording("toolset", load_toolset))
    service = ToolService()
    assert [tool["name"] for tool in service.served_tools()] == DISCOVERY_TOOLS
    assert read == ["toolset discovery_tools.json"]
    assert "daily" in service.interfaces and service.tools.get("daily")["name"] == "daily"
    assert read[1:] == ["catalog", "toolset"]
    read.clear()
    ToolService(selection=Selection(tools=("daily",)))  # narrowing is checked against the catalog at once
    assert read == ["catalog"]


def test_discovery_serves_a_few_tools_in_under_20_kb(discovery: ToolService) -> None:
    served = discovery.served_tools()
    assert [tool["name"] for tool in served] == DISCOVERY_TOOLS
    assert len(json.dumps({"tools": served}, ensure_ascii=False).encode()) <= 20_000


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("daily", "daily"),
        ("日线行情", "daily"),
        ("dividend", "dividend"),
        ("分红送股", "dividend"),
        ("balance sheet", "balancesheet"),
        ("资金流向", "moneyflow"),
        ("trade calendar", "trade_cal"),
        ("涨跌停", "stk_limit"),
    ],
)
def test_search_ranks_the_interface_meant_first_or_near(query: str, best: str) -> None:
    hits, total = search(load_catalog(), query, limit=5)
    assert best in [hit.spec.api_name for hit in hits], [hit.spec.api_name for hit in hits]
    assert total >= len(hits) > 0
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_search_matches_column_names() -> None:
    hits, _ = search(load_catalog(), "turnover_rate_f", limit=50)
    assert "daily_basic" in [hit.spec.api_name for hit in hits]
    assert "columns" in next(hit for hit in hits if hit.spec.api_name == "daily_basic").matched


def test_query_terms_split_chinese_runs_and_words() -> None:
    assert terms("A股 日线,Daily daily") == ["a股", "日线", "daily"]
    assert terms("美国股票行情 of P/E") == ["美国", "股票", "行情", "pe"]


async def test_search_tool_returns_ranked_results_and_text(discovery: ToolService) -> None:
    result = await discovery.call("search_interfaces", {"query": "日线行情", "limit": 3})
    assert not result.is_error and result.structured is not None
    assert len(result.structured["results"]) == 3
    assert result.structured["results"][0]["api_name"] == "daily"
    assert result.text.splitlines()[1].startswith("- daily: ")
    nothing = await discovery.call("search_interfaces", {"query": "zzzzqqq"})
    assert nothing.structured == {"results": [], "total": 0}
    assert "tushare://categories" in nothing.text


async def test_describe_tool_gives_params_columns_points_and_an_example(discovery: ToolService) -> None:
    result = await discovery.call("describe_interface", {"api_name": "daily"})
    assert result.structured is not None
    document = result.structured
    assert document["points"] == load_catalog().get("daily").points
    assert [p["name"] for p in document["params"]] == [p.name for p in load_catalog().get("daily").params]
    assert {"ts_code", "close"} <= {f["name"] for f in document["fields"]}
    assert document["example"]["api_name"] == "daily"
    assert "## Parameters" in result.text and "| trade_date | YYYYMMDD |" in result.text
    missing = await discovery.call("describe_interface", {"api_name": "dayly"})
    assert missing.is_error and "did you mean daily" in missing.text


async def test_call_interface_fetches_rows(discovery: ToolService, emulator: TushareEmulator) -> None:
    arguments = {"api_name": "daily", "params": {"ts_code": "000001.SZ"}, "fields": ["trade_date", "close"]}
    result = await discovery.call("call_interface", {**arguments, "max_rows": 5})
    assert not result.is_error and result.structured is not None
    assert result.structured["api_name"] == "daily"
    assert result.structured["fields"] == ["trade_date", "close"]
    assert (result.structured["row_count"], result.structured["next_offset"]) == (5, 5)
    assert emulator.calls("daily") == 1


async def test_call_interface_names_every_bad_argument_at_once(
    discovery: ToolService, emulator: TushareEmulator
) -> None:
    arguments = {
        "api_name": "daily",
        "params": {"ts_code": 1, "start": "20240101", "trade_date": "2024-02-30"},  # 2024-01-01 would pass
        "fields": ["close", "closing"],
        "max_rows": MAX_ROWS_LIMIT + 1,
    }
    result = await discovery.call("call_interface", arguments)
    assert result.is_error and result.structured is None
    named = sorted(line.split(":")[0].removeprefix("- ") for line in result.text.splitlines()[1:])
    assert named == ["fields[1]", "max_rows", "params.start", "params.trade_date", "params.ts_code"]
    assert "use 'start_date' instead" in result.text
    assert emulator.calls() == 0


async def test_call_interface_reports_a_denial_as_text(discovery: ToolService) -> None:
    result = await discovery.call(
        "call_interface", {"api_name": DENIED, "params": {"ts_code": "000001.SZ", "freq": "1min"}}
    )
    assert result.is_error and result.structured is None
    assert result.text.startswith("Error AUTH-003 (AUTH): ")


async def test_discovery_mode_does_not_serve_interface_tools(discovery: ToolService) -> None:
    with pytest.raises(UnknownToolError, match="did you mean 'call_interface'"):
        await discovery.call("daily", {})


async def test_a_result_over_the_byte_budget_is_cut_with_a_way_on(emulator: TushareEmulator) -> None:
    client = emulator_client(emulator)
    async with ToolService(mode="full", max_bytes=8192, client_factory=client) as service:
        result = await service.call("daily", {"ts_code": "000001.SZ", "max_rows": 200})
        assert result.structured is not None
        shown = result.structured["row_count"]
        assert 0 < shown < 200
        assert result_size(result.text, result.structured) <= 8192
        assert (result.structured["completed"], result.structured["next_offset"]) == (False, shown)
        assert f"offset={shown}" in result.text.splitlines()[-1] and "fewer `fields`" in result.text
        rest = await service.call("daily", {"ts_code": "000001.SZ", "max_rows": 200, "offset": shown})
    assert rest.structured is not None
    first_rest = rest.structured["rows"][0]
    fields, items = emulator.rows("daily", {"ts_code": "000001.SZ"})
    assert first_rest == dict(zip(fields, items[shown], strict=True))


async def test_the_default_budget_bounds_a_wide_result(emulator: TushareEmulator) -> None:
    async with ToolService(mode="full", client_factory=emulator_client(emulator)) as service:
        result = await service.call("stk_factor_pro", {"ts_code": "000001.SZ", "max_rows": MAX_ROWS_LIMIT})
    assert result.structured is not None
    assert result_size(result.text, result.structured) <= service.max_bytes
    assert result.structured["completed"] is False


async def test_pro_bar_returns_bars_and_pages_by_offset(discovery: ToolService) -> None:
    arguments = {"ts_code": "000001.SZ", "adj": "qfq", "ma": [5], "fields": ["trade_date", "close", "ma5"]}
    first = await discovery.call("pro_bar", {**arguments, "max_rows": 10})
    assert not first.is_error and first.structured is not None
    assert first.structured["fields"] == ["trade_date", "close", "ma5"]
    assert (first.structured["row_count"], first.structured["next_offset"]) == (10, 10)
    second = await discovery.call("pro_bar", {**arguments, "max_rows": 10, "offset": 10})
    assert second.structured is not None
    dates = [row["trade_date"] for row in first.structured["rows"] + second.structured["rows"]]
    assert len(set(dates)) == 20
    bad = await discovery.call("pro_bar", {"ts_code": "000001.SZ", "fields": ["nope"], "freq": "2h"})
    assert bad.is_error and "- freq: " in bad.text


def test_selection_narrows_by_tools_categories_and_points() -> None:
    catalog = load_catalog()
    assert [s.api_name for s in Selection(tools=("daily", "pro_bar")).interfaces(catalog)] == ["daily"]
    by_category = Selection(categories=("期货",)).interfaces(catalog)
    assert by_category and all(any("期货" in part for part in s.category) for s in by_category)
    cheap = Selection(max_points=120).interfaces(catalog)
    assert all(s.points is None or s.points <= 120 for s in cheap)
    assert len(cheap) < len(catalog)
    assert split_list(" a, ,b,") == ("a", "b")


def test_selection_rejects_what_does_not_exist() -> None:
    with pytest.raises(SelectionError, match="did you mean daily"):
        Selection(tools=("dayly",)).interfaces(load_catalog())
    with pytest.raises(SelectionError, match="no category contains 火星"):
        Selection(categories=("火星",)).interfaces(load_catalog())


async def test_full_mode_serves_the_selected_interfaces_and_pro_bar(emulator: TushareEmulator) -> None:
    selection = Selection(tools=("daily", "adj_factor", "pro_bar"))
    async with ToolService(mode="full", selection=selection, client_factory=emulator_client(emulator)) as service:
        assert [tool["name"] for tool in service.served_tools()] == ["adj_factor", "daily", "pro_bar"]
        with pytest.raises(UnknownToolError):
            await service.call("weekly", {})
    narrowed = ToolService(selection=Selection(tools=("daily",)))
    assert [tool["name"] for tool in narrowed.served_tools()] == DISCOVERY_TOOLS[:3]
    result = await narrowed.call("call_interface", {"api_name": "weekly"})
    assert result.is_error and "this server was started without it" in result.text

"""The ``bars`` and ``compare_sources`` tools through the real server (the SDK client checks every result against
the tool's outputSchema): standard bars with the serving source, failover stated, bounded rows and findings, and
typed errors as tool errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import mcp.types as types
import pytest
from mcp import Client

from tushare_typed.mcp.server import build_server
from tushare_typed.mcp.service import ToolService
from tushare_typed.testing import TushareEmulator
from tushare_typed.testing._sources import ALPHAVANTAGE_KEY, SourceLookalikes

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[TushareEmulator, SourceLookalikes]]:
    with TushareEmulator() as emulator, SourceLookalikes(emulator) as lookalikes:
        yield emulator, lookalikes


@pytest.fixture
async def tools(
    servers: tuple[TushareEmulator, SourceLookalikes], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[ToolService, SourceLookalikes]]:
    emulator, lookalikes = servers
    lookalikes.mode.clear()
    lookalikes.shift.clear()
    for variable in ("TUSHARE_TYPED_EASTMONEY_URL", "TUSHARE_TYPED_YAHOO_URL", "TUSHARE_TYPED_ALPHAVANTAGE_URL"):
        monkeypatch.setenv(variable, lookalikes.url)
    monkeypatch.setenv("TUSHARE_API_URL", emulator.url)
    monkeypatch.setenv("TUSHARE_TOKEN", emulator.token)
    monkeypatch.setenv("ALPHAVANTAGE_API_KEY", ALPHAVANTAGE_KEY)
    async with ToolService(max_rows=20, max_bytes=32768) as service:
        yield service, lookalikes
    lookalikes.mode.clear()
    lookalikes.shift.clear()


def structured(result: types.CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def text(result: types.CallToolResult) -> str:
    (content,) = result.content
    assert isinstance(content, types.TextContent)
    return content.text


async def test_bars_come_from_the_named_source_bounded_and_resumable(tools: tuple[ToolService, Any]) -> None:
    service, _ = tools
    async with Client(build_server(service)) as client:
        await _bars(client)


async def _bars(client: Client) -> None:
    arguments = {"symbol": "600000.SH", "source": "akshare", "start_date": "2024-01-01", "end_date": "20240331"}
    first = structured(await client.call_tool("bars", {**arguments, "max_rows": 5}))
    assert first["source"] == "akshare" and first["row_count"] == 5 and first["completed"] is False
    assert first["rows"][0]["date"] >= "20240101" and first["rows"][0]["volume"] > 0
    rest = structured(await client.call_tool("bars", {**arguments, "offset": first["next_offset"], "max_rows": 100}))
    assert rest["rows"][0]["date"] > first["rows"][-1]["date"] and rest["completed"] is True
    assert rest["row_count"] == 60  # 65 sessions in the quarter, 5 already shown
    year = {**arguments, "end_date": "20241231", "max_rows": 5000}
    whole = structured(await client.call_tool("bars", year))
    assert whole["completed"] is False and 0 < whole["row_count"] < 240  # the 32 KB budget cut it, and says so
    assert "bytes" in whole["note"]


async def test_auto_states_its_failover(tools: tuple[ToolService, SourceLookalikes]) -> None:
    service, lookalikes = tools
    async with Client(build_server(service)) as client:
        await _failover(client, lookalikes)


async def _failover(client: Client, lookalikes: SourceLookalikes) -> None:
    result = structured(await client.call_tool("bars", {"symbol": "AAPL", "adjust": "qfq", "max_rows": 2}))
    assert result["source"] == "yahoo"
    assert [(f["source"], f["reason"]) for f in result["failovers"]] == [("tushare", "not-covered")]
    lookalikes.mode["yahoo"] = "outage"
    failed = await client.call_tool("bars", {"symbol": "AAPL", "adjust": "qfq"})
    assert failed.is_error and text(failed).startswith("Error SERVICE-320")
    assert "tushare: [PARAM-123]" in text(failed) and "yahoo: [SERVICE-301]" in text(failed)


async def test_faults_and_bad_input_are_tool_errors(tools: tuple[ToolService, SourceLookalikes]) -> None:
    service, lookalikes = tools
    async with Client(build_server(service)) as client:
        await _faults(client, lookalikes)


async def _faults(client: Client, lookalikes: SourceLookalikes) -> None:
    lookalikes.mode["akshare"] = "html"
    html = await client.call_tool("bars", {"symbol": "600000.SH", "source": "akshare", "start_date": "20240101"})
    assert html.is_error and text(html).startswith("Error SERVICE-") and "akshare" in text(html)
    span = await client.call_tool("bars", {"symbol": "600000.SH", "start_date": "20000101", "end_date": "20240101"})
    assert span.is_error and "the limit is 1830" in text(span)
    sources = await client.call_tool("compare_sources", {"symbols": ["600000.SH"], "sources": ["tushare"]})
    assert sources.is_error and "sources" in text(sources)
    unknown = await client.call_tool("bars", {"symbol": "not a symbol"})
    assert unknown.is_error and text(unknown).startswith("Error PARAM-121")


async def test_compare_names_the_difference_and_bounds_findings(tools: tuple[ToolService, SourceLookalikes]) -> None:
    service, lookalikes = tools
    async with Client(build_server(service)) as client:
        await _compare(client, lookalikes)


async def _compare(client: Client, lookalikes: SourceLookalikes) -> None:
    arguments = {
        "symbols": ["600000.SH", "000001.SZ"],
        "sources": ["tushare", "akshare"],
        "start_date": "20240101",
        "end_date": "20240331",
    }
    agreeing = structured(await client.call_tool("compare_sources", arguments))
    assert agreeing["agree"] is True and agreeing["completed"] is True
    for day in ("20240311", "20240312", "20240313"):
        lookalikes.shift[("akshare", "000001.SZ", day)] = 0.05
    report = structured(await client.call_tool("compare_sources", {**arguments, "max_rows": 2}))
    assert report["agree"] is False and report["findings_total"] == 3 and report["completed"] is False
    assert [(f["symbol"], f["date"], f["field"]) for f in report["findings"]] == [
        ("000001.SZ", "20240311", "close"),
        ("000001.SZ", "20240312", "close"),
    ]

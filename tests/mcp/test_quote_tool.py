"""The ``latest_quote`` tool through the real server (the SDK client checks every result against the tool's
outputSchema) over the realtime look-alikes: the serving source stated, failover named, bounded rows, and typed
errors and bad codes as tool errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import mcp.types as types
import pytest
from mcp import Client

from tushare_typed.mcp.server import build_server
from tushare_typed.mcp.service import ToolService
from tushare_typed.testing._realtime import RealtimeLookalikes

pytestmark = pytest.mark.timeout(60)
CODES = ["000001.SZ", "600000.SH", "600519.SH", "000002.SZ", "300750.SZ"]


@pytest.fixture(scope="module")
def lookalikes() -> Iterator[RealtimeLookalikes]:
    with RealtimeLookalikes(seed=3) as running:
        yield running


@pytest.fixture
async def service(lookalikes: RealtimeLookalikes, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ToolService]:
    lookalikes.mode.clear()
    for variable in ("TUSHARE_TYPED_SINA_URL", "TUSHARE_TYPED_EASTMONEY_PUSH_URL", "TUSHARE_TYPED_TENCENT_URL"):
        monkeypatch.setenv(variable, lookalikes.url)
    async with ToolService(max_rows=20, max_bytes=32768) as running:
        yield running
    lookalikes.mode.clear()


def structured(result: types.CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def text(result: types.CallToolResult) -> str:
    (content,) = result.content
    assert isinstance(content, types.TextContent)
    return content.text


async def test_quotes_name_their_source(service: ToolService, lookalikes: RealtimeLookalikes) -> None:
    async with Client(build_server(service)) as client:
        await _quotes_name_their_source(client, lookalikes)


async def _quotes_name_their_source(client: Client, lookalikes: RealtimeLookalikes) -> None:
    served = structured(await client.call_tool("latest_quote", {"codes": CODES[:2]}))
    assert served["source"] == "sina" and served["failovers"] == [] and served["completed"] is True
    rows = {row["TS_CODE"]: row for row in served["rows"]}
    assert set(rows) == {"000001.SZ", "600000.SH"} and all(row["PRICE"] > 0 for row in rows.values())
    dc = await client.call_tool("latest_quote", {"codes": ["600000.SH"], "src": "dc"})
    assert structured(dc)["source"] == "dc" and text(dc).startswith("Served by dc.")
    assert lookalikes.calls["sina"] >= 1 and lookalikes.calls["dc"] >= 1


async def test_failover_is_stated_and_rows_are_bounded(service: ToolService, lookalikes: RealtimeLookalikes) -> None:
    async with Client(build_server(service)) as client:
        await _failover_is_stated_and_rows_are_bounded(client, lookalikes)


async def _failover_is_stated_and_rows_are_bounded(client: Client, lookalikes: RealtimeLookalikes) -> None:
    lookalikes.mode["sina"] = "outage"
    first = structured(await client.call_tool("latest_quote", {"codes": CODES, "max_rows": 2}))
    assert first["source"] == "dc" and [f["source"] for f in first["failovers"]] == ["sina"]
    assert first["row_count"] == 2 and first["completed"] is False and first["next_offset"] == 2
    rest = structured(await client.call_tool("latest_quote", {"codes": CODES, "offset": 2}))
    assert rest["row_count"] == 3 and rest["completed"] is True
    shown = [row["TS_CODE"] for row in first["rows"] + rest["rows"]]
    assert sorted(shown) == sorted(CODES)


async def test_every_source_down_is_a_typed_tool_error(service: ToolService, lookalikes: RealtimeLookalikes) -> None:
    async with Client(build_server(service)) as client:
        await _every_source_down_is_a_typed_tool_error(client, lookalikes)


async def _every_source_down_is_a_typed_tool_error(client: Client, lookalikes: RealtimeLookalikes) -> None:
    lookalikes.mode.update(sina="garbage", dc="outage")
    failed = await client.call_tool("latest_quote", {"codes": ["000001.SZ"]})
    assert failed.is_error and text(failed).startswith("Error SERVICE-320")
    assert "sina" in text(failed) and "dc" in text(failed)


async def test_bad_codes_are_refused_before_any_request(service: ToolService, lookalikes: RealtimeLookalikes) -> None:
    async with Client(build_server(service)) as client:
        await _bad_codes_are_refused_before_any_request(client, lookalikes)


async def _bad_codes_are_refused_before_any_request(client: Client, lookalikes: RealtimeLookalikes) -> None:
    before = sum(lookalikes.calls.values())
    bad = await client.call_tool("latest_quote", {"codes": ["000001", "600000.SH"]})
    assert bad.is_error and "codes[0]" in text(bad) and "tushare form" in text(bad)
    many = await client.call_tool("latest_quote", {"codes": [f"{n:06d}.SZ" for n in range(51)]})
    assert many.is_error and "at most 50" in text(many)
    source = await client.call_tool("latest_quote", {"codes": ["000001.SZ"], "src": "tx"})
    assert source.is_error and "src" in text(source)
    assert sum(lookalikes.calls.values()) == before

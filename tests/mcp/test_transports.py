"""End to end: `python -m tushare_typed.mcp` in its own process, driven by the official SDK client over stdio and
over streamable HTTP, calling a tushare emulator run by the test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TextIO

import anyio
import httpx
import httpx2
import mcp.types as types
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from tushare_typed.catalog import load_catalog
from tushare_typed.testing import TushareEmulator

from .conftest import DENIED
from .raw_stdio import INITIALIZE
from .tool_names import DISCOVERY_TOOLS

SESSION_TIMEOUT = 30  # seconds; a hung server fails the test instead of the run


def server_env(emulator: TushareEmulator, tmp_path: Path, token: str | None = None) -> dict[str, str]:
    return {
        "TUSHARE_API_URL": emulator.url,
        "TUSHARE_TOKEN": token or emulator.token,
        "XDG_CONFIG_HOME": str(tmp_path),  # never a developer's own token store
    }


@asynccontextmanager
async def stdio_session(env: dict[str, str], errlog: TextIO, *args: str) -> AsyncIterator[ClientSession]:
    parameters = StdioServerParameters(command=sys.executable, args=["-m", "tushare_typed.mcp", *args], env=env)
    async with stdio_client(parameters, errlog=errlog) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def text(result: types.CallToolResult) -> str:
    (content,) = result.content
    assert isinstance(content, types.TextContent)
    return content.text


def structured(result: types.CallToolResult) -> dict[str, Any]:
    assert isinstance(result.structured_content, dict)
    return result.structured_content


@pytest.fixture
def errlog(tmp_path: Path) -> Iterator[TextIO]:
    with (tmp_path / "server.log").open("w") as log:
        yield log


async def test_stdio_server_lists_every_tool_and_calls_them(tmp_path: Path, errlog: TextIO) -> None:
    with TushareEmulator(total_rows=120) as emulator:
        with anyio.fail_after(SESSION_TIMEOUT):
            args = ("--mode", "full", "--max-rows", "50")
            async with stdio_session(server_env(emulator, tmp_path), errlog, *args) as session:
                listed = await session.list_tools()
                daily = await session.call_tool("daily", {"ts_code": "000001.SZ", "end_date": "20240628"})
                minutes = await session.call_tool("ft_mins", {"ts_code": "CU2310.SHF", "freq": "15min", "max_rows": 4})
        daily_fields, daily_items = emulator.rows("daily", {"ts_code": "000001.SZ", "end_date": "20240628"})
    assert [tool.name for tool in listed.tools] == [
        *load_catalog().names(),
        "pro_bar",
        "bars",
        "compare_sources",
        "latest_quote",
    ]
    rows = structured(daily)["rows"]
    assert len(rows) == 50  # the server's --max-rows
    assert rows == [dict(zip(daily_fields, item, strict=True)) for item in daily_items[:50]]
    assert rows[0]["trade_date"] == "20240628"
    assert (structured(daily)["completed"], structured(daily)["next_offset"]) == (False, 50)
    assert [row["ts_code"] for row in structured(minutes)["rows"]] == ["CU2310.SHF"] * 4
    assert emulator.records[-1].params["freq"] == "15min"


async def test_stdio_server_answers_bad_calls_with_error_results(tmp_path: Path, errlog: TextIO) -> None:
    bad_calls = {
        "wrong type": ("daily", {"ts_code": "000001.SZ", "offset": "ten"}),
        "unknown enum value": ("ft_mins", {"ts_code": "CU2310.SHF", "freq": "2min"}),
        "unknown argument": ("daily", {"ts_code": "000001.SZ", "start": "20240101"}),
    }
    with TushareEmulator(denied=[DENIED]) as emulator:
        with anyio.fail_after(SESSION_TIMEOUT):
            async with stdio_session(server_env(emulator, tmp_path), errlog, "--mode", "full") as session:
                results = {case: await session.call_tool(name, args) for case, (name, args) in bad_calls.items()}
                denied = await session.call_tool(DENIED, {"ts_code": "000001.SZ", "freq": "1min"})
                still_serving = await session.call_tool("daily", {"max_rows": 1})
        assert emulator.calls(DENIED) == 1
        assert emulator.calls() == 2  # the bad calls never reached tushare
    for case, result in results.items():
        assert result.is_error and result.structured_content is None, case
        assert text(result).startswith("Error PARAM-101 (PARAMETER): "), case
    assert "Fix: use 'start_date' instead" in text(results["unknown argument"])
    assert denied.is_error and text(denied).startswith("Error AUTH-003 (AUTH): ")
    assert not still_serving.is_error


async def test_stdio_server_reports_a_wrong_token_with_its_code(tmp_path: Path, errlog: TextIO) -> None:
    with TushareEmulator() as emulator:
        env = server_env(emulator, tmp_path, token="not-the-emulator-token")
        with anyio.fail_after(SESSION_TIMEOUT):
            async with stdio_session(env, errlog) as session:
                result = await session.call_tool("call_interface", {"api_name": "daily", "max_rows": 1})
    assert result.is_error and result.structured_content is None
    assert text(result).startswith("Error AUTH-001 (AUTH): tushare rejected the token")
    assert "tushare code: 40101" in text(result)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = SESSION_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


BEARER = "test-bearer-token"


@pytest.fixture
def http_server(tmp_path: Path, errlog: TextIO) -> Iterator[tuple[str, TushareEmulator]]:
    """The server over streamable HTTP on 127.0.0.1, requiring a bearer token."""
    port = free_port()
    command = [sys.executable, "-m", "tushare_typed.mcp", "--transport", "streamable-http", "--port", str(port)]
    with TushareEmulator() as emulator:
        env = {**os.environ, **server_env(emulator, tmp_path), "TUSHARE_MCP_BEARER_TOKEN": BEARER}
        process = subprocess.Popen(command, env=env, stdout=errlog, stderr=errlog)  # noqa: S603
        try:
            wait_for_port(port, process)
            yield f"http://127.0.0.1:{port}/mcp", emulator
        finally:
            process.terminate()
            process.wait(timeout=10)


async def test_streamable_http_server_serves_discovery_behind_the_bearer_token(
    http_server: tuple[str, TushareEmulator],
) -> None:
    url, emulator = http_server
    headers = {"Authorization": f"Bearer {BEARER}"}
    with anyio.fail_after(SESSION_TIMEOUT):
        async with (
            httpx2.AsyncClient(headers=headers) as http,
            streamable_http_client(url, http_client=http) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            listed = await session.list_tools()
            result = await session.call_tool("call_interface", {"api_name": "daily", "max_rows": 2})
        refused = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, timeout=SESSION_TIMEOUT)
    assert [tool.name for tool in listed.tools] == DISCOVERY_TOOLS
    assert structured(result)["row_count"] == 2
    assert emulator.calls("daily") == 1
    assert refused.status_code == 401


async def test_streamable_http_refuses_a_body_over_the_limit_and_keeps_serving(
    http_server: tuple[str, TushareEmulator],
) -> None:
    url, emulator = http_server
    headers = {"Authorization": f"Bearer {BEARER}", "Accept": "application/json, text/event-stream"}
    huge = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "x", "arguments": {"a": "b" * 2**21}}}
    initialize = {"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": INITIALIZE}
    with httpx.Client(headers=headers, timeout=SESSION_TIMEOUT) as http:
        refused = http.post(url, json=huge)
        served = http.post(url, json=initialize)
    assert refused.status_code == 413  # the default --max-request-bytes is 1 MiB
    assert served.status_code == 200 and "serverInfo" in served.text
    assert emulator.calls() == 0

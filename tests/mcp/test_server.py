"""server.py over the SDK, in process: tools/list serves tools.json, tools/call returns structured rows that the
SDK client checks against each tool's outputSchema, and errors come back as results or protocol errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import mcp.types as types
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from tushare_typed.catalog import load_catalog
from tushare_typed.mcp.server import SERVER_NAME, build_server, main
from tushare_typed.mcp.service import ToolService

from .conftest import DENIED, GENERATED, read_json
from .tool_names import DISCOVERY_TOOLS


def structured(result: types.CallToolResult) -> dict[str, Any]:
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def text(result: types.CallToolResult) -> str:
    (content,) = result.content
    assert isinstance(content, types.TextContent)
    return content.text


async def test_tools_list_in_full_mode_is_every_interface_and_the_composites(
    service: ToolService, tools_document: dict[str, Any]
) -> None:
    async with Client(build_server(service)) as client:
        listed = await client.list_tools()
        assert client.server_info is not None and client.server_info.name == SERVER_NAME
    dumped = [tool.model_dump(by_alias=True, exclude_none=True) for tool in listed.tools]
    assert len(dumped) == len(load_catalog()) + 4
    assert dumped == tools_document["interfaces"] + tools_document["composites"]


async def test_discovery_mode_lists_six_tools_and_serves_the_docs_as_resources(discovery: ToolService) -> None:
    async with Client(build_server(discovery)) as client:
        listed = await client.list_tools()
        resources = await client.list_resources()
        templates = await client.list_resource_templates()
        daily = await client.read_resource("tushare://interfaces/daily")
        index = await client.read_resource("tushare://categories")
        found = await client.call_tool("search_interfaces", {"query": "daily"})
        described = await client.call_tool("describe_interface", {"api_name": "daily"})
        with pytest.raises(MCPError, match="no resource"):
            await client.read_resource("tushare://interfaces/nope")
    assert [tool.name for tool in listed.tools] == DISCOVERY_TOOLS
    assert len(resources.resources) == len(load_catalog()) + 1
    assert templates.resource_templates[0].uri_template == "tushare://interfaces/{api_name}"
    (page,) = daily.contents
    assert isinstance(page, types.TextResourceContents) and page.text.startswith("# daily — ")
    (categories,) = index.contents
    assert isinstance(categories, types.TextResourceContents) and "`daily`" in categories.text
    assert not found.is_error and structured(found)["results"][0]["api_name"] == "daily"
    assert not described.is_error and structured(described)["api_name"] == "daily"


async def test_tools_call_returns_rows_valid_under_the_output_schema(service: ToolService) -> None:
    async with Client(build_server(service)) as client:
        result = await client.call_tool("daily", {"ts_code": "000001.SZ", "max_rows": 3})
    assert not result.is_error
    assert structured(result)["row_count"] == 3
    assert text(result).startswith("daily: 3 rows from offset 0")


async def test_bad_arguments_are_an_error_result(service: ToolService) -> None:
    async with Client(build_server(service)) as client:
        result = await client.call_tool("ft_mins", {"ts_code": "X", "freq": "7min"})
    assert result.is_error and result.structured_content is None
    assert text(result).splitlines()[1].startswith("- freq: ")
    assert "Fix: use one of 1min" in text(result)


async def test_a_tushare_error_is_an_error_result_with_its_code(service: ToolService) -> None:
    async with Client(build_server(service)) as client:
        result = await client.call_tool(DENIED, {"ts_code": "000001.SZ", "freq": "1min"})
    assert result.is_error and result.structured_content is None
    assert text(result).startswith("Error AUTH-003 (AUTH): ")


async def test_an_unknown_tool_is_a_protocol_error_naming_close_tools(service: ToolService) -> None:
    async with Client(build_server(service)) as client:
        with pytest.raises(MCPError, match="did you mean 'daily'") as info:
            await client.call_tool("daly", {})
    assert info.value.code == types.INVALID_PARAMS


def test_the_command_line_rejects_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--max-rows", "0"])
    assert info.value.code == 2
    assert "--max-rows: must be between 1 and 5000, got 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--max-rows", "many"])
    assert "--max-rows: expected a whole number, got 'many'" in capsys.readouterr().err


def test_the_command_line_rejects_an_unknown_interface_and_an_open_bind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--tools", "dayly"]) == 2
    assert "--tools: no interface 'dayly' (did you mean daily" in capsys.readouterr().err
    assert main(["--transport", "streamable-http", "--host", "0.0.0.0", "--bearer-token-env", "NO_SUCH_VAR"]) == 2  # noqa: S104
    assert "set NO_SUCH_VAR to a secret token" in capsys.readouterr().err


def test_the_bundle_entry_point_runs_as_a_plain_file(tmp_path: Path) -> None:
    entry_point = GENERATED / read_json(GENERATED / "manifest.json")["server"]["entry_point"]
    command = [sys.executable, str(entry_point), "--help"]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=tmp_path)  # noqa: S603
    assert done.stdout.startswith("usage: python -m tushare_typed.mcp")


def test_neither_the_package_nor_the_cli_imports_the_mcp_sdk() -> None:
    code = (
        "import sys, tushare_typed, tushare_typed.cli, tushare_typed.mcp\n"
        "from tushare_typed import TushareClient\n"
        "print(sorted(m for m in ('mcp', 'mcp_types', 'jsonschema', 'uvicorn') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert done.stdout.strip() == "[]"

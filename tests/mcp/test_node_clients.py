"""Clients nobody here wrote: the official TypeScript MCP SDK client lists the tools and calls them (good and bad
arguments, a permission denial, a cut result) and every message arrives intact; `mcpb validate` accepts the
bundle manifest. Both are pinned in tests/node/package-lock.json (scripts/setup_node_clients.sh installs them)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tushare_typed.testing import TushareEmulator

from .conftest import DENIED, GENERATED
from .node_clients import mcpb, run_typescript_client
from .tool_names import DISCOVERY_TOOLS

pytestmark = pytest.mark.timeout(120)


def server(emulator: TushareEmulator, tmp_path: Path, *options: str) -> tuple[str, list[str], dict[str, str]]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TUSHARE_API_URL": emulator.url,
        "TUSHARE_TOKEN": emulator.token,
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    return sys.executable, ["-m", "tushare_typed.mcp", *options], env


def test_the_typescript_client_reads_results_and_every_error_in_discovery_mode(tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = [
        {"name": "search_interfaces", "arguments": {"query": "日线行情"}},
        {"name": "call_interface", "arguments": {"api_name": "daily", "fields": ["close"], "max_rows": 50}},
        {"name": "call_interface", "arguments": {"api_name": "daily", "params": {"trade_date": "2024-02-30"}}},
        {"name": "call_interface", "arguments": {"api_name": "daily", "params": {"tscode": "000001.SZ"}}},
        {"name": "call_interface", "arguments": {"api_name": "daily", "max_rows": 0}},
        {"name": "describe_interface", "arguments": {}},
        {
            "name": "call_interface",
            "arguments": {"api_name": DENIED, "params": {"ts_code": "000001.SZ", "freq": "1min"}},
        },
        {"name": "call_interface", "arguments": {"api_name": "daily", "max_rows": 5000}},
        {"name": "pro_bar", "arguments": {"ts_code": "000001.SZ", "adj": "qfq", "max_rows": 3}},
    ]
    with TushareEmulator(total_rows=3000, denied=[DENIED]) as emulator:
        seen = run_typescript_client(*server(emulator, tmp_path, "--max-bytes", "16384"), calls)
    assert seen["tools"] == DISCOVERY_TOOLS
    assert seen["toolsBytes"] <= 20_000
    found, rows, bad_date, misspelled, zero_rows, missing, denied, cut, bars = seen["results"]
    assert all("thrown" not in result for result in seen["results"]), seen["results"]
    assert found["structuredContent"]["results"][0]["api_name"] == "daily"
    assert not rows["isError"] and rows["structuredContent"]["row_count"] == 50
    assert bad_date["isError"] and 'params.trade_date: "2024-02-30" has the wrong format' in bad_date["text"]
    assert misspelled["isError"] and "use 'ts_code' instead" in misspelled["text"]
    assert zero_rows["isError"] and "max_rows: 0 is too small. Fix: pass at least 1." in zero_rows["text"]
    assert missing["isError"] and "api_name: this required argument is missing" in missing["text"]
    assert denied["isError"] and denied["text"].startswith("Error AUTH-003 (AUTH): ")
    assert "Remediation: " in denied["text"]
    for error in (bad_date, misspelled, zero_rows, missing, denied):
        assert error["structuredContent"] is None
    assert cut["structuredContent"]["completed"] is False
    shown = cut["structuredContent"]["row_count"]
    assert cut["structuredContent"]["next_offset"] == shown < 5000
    assert f"offset={shown}" in cut["text"].splitlines()[-1]
    assert not bars["isError"] and bars["structuredContent"]["row_count"] == 3


def test_the_typescript_client_reads_errors_of_full_mode_tools(tmp_path: Path) -> None:
    # Full mode's tools declare row outputSchemas: an error result must still reach the client as its message.
    calls: list[dict[str, Any]] = [
        {"name": "daily", "arguments": {"ts_code": "000001.SZ", "max_rows": 2}},
        {"name": "daily", "arguments": {"trade_date": "20240231"}},
        {"name": DENIED, "arguments": {"ts_code": "000001.SZ", "freq": "1min"}},
        {"name": "daly", "arguments": {}},
    ]
    with TushareEmulator(denied=[DENIED]) as emulator:
        seen = run_typescript_client(*server(emulator, tmp_path, "--mode", "full", "--categories", "行情"), calls)
    assert "daily" in seen["tools"] and "pro_bar" in seen["tools"]
    good, impossible_day, denied, unknown = seen["results"]
    assert good["structuredContent"]["row_count"] == 2
    assert impossible_day["isError"] and "20240231" in impossible_day["text"]
    assert denied["isError"] and denied["text"].startswith("Error AUTH-003 (AUTH): ")
    assert "unknown tool 'daly'; did you mean 'daily'" in unknown.get("thrown", unknown.get("text", ""))


def test_mcpb_validates_the_bundle_manifest() -> None:
    done = mcpb("validate", GENERATED / "manifest.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid" in (done.stdout + done.stderr).lower()

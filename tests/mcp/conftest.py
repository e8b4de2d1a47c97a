"""Shared fixtures of the MCP tests: the generated documents, and a tool service wired to a tushare emulator."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tushare_typed import AsyncTushareClient
from tushare_typed.mcp.service import ToolService
from tushare_typed.testing import TushareEmulator

REPO = Path(__file__).resolve().parents[2]
GENERATED = REPO / "generated_client"
SCHEMAS = REPO / "tests" / "fixtures" / "schemas"
DENIED = "stk_mins"  # an interface the emulator refuses, as tushare does for an account without the points


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def tools_document() -> dict[str, Any]:
    document: dict[str, Any] = read_json(GENERATED / "tushare_typed" / "mcp" / "tools.json")
    return document


@pytest.fixture(scope="session")
def tools(tools_document: dict[str, Any]) -> list[dict[str, Any]]:
    """One tool per interface (full mode)."""
    tool_list: list[dict[str, Any]] = tools_document["interfaces"]
    return tool_list


@pytest.fixture
def emulator() -> Iterator[TushareEmulator]:
    """Every interface of the package catalog, 250 rows per query, with stk_mins denied."""
    with TushareEmulator(total_rows=250, denied=[DENIED]) as running:
        yield running


def emulator_client(emulator: TushareEmulator) -> Callable[[], AsyncTushareClient]:
    def client() -> AsyncTushareClient:
        return AsyncTushareClient(emulator.token, base_url=emulator.url, max_retries=0)

    return client


@pytest.fixture
async def service(emulator: TushareEmulator) -> AsyncIterator[ToolService]:
    """A full-mode tool service (default max_rows 20) whose client talks to the emulator."""
    async with ToolService(max_rows=20, mode="full", client_factory=emulator_client(emulator)) as running:
        yield running


@pytest.fixture
async def discovery(emulator: TushareEmulator) -> AsyncIterator[ToolService]:
    """A discovery-mode tool service (default max_rows 20) whose client talks to the emulator."""
    async with ToolService(max_rows=20, client_factory=emulator_client(emulator)) as running:
        yield running

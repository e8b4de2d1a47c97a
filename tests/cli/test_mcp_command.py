"""`mcp serve` starts the MCP server with the given options, or says how to install it; the CLI stays cheap to
import."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from tushare_typed.cli import MCP_DEFAULT_MAX_ROWS
from tushare_typed.mcp.service import DEFAULT_MAX_ROWS

from .conftest import assert_clean_failure, run


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Records each `serve` call instead of serving."""
    import tushare_typed.mcp.server

    calls: list[dict[str, Any]] = []

    def serve(transport: str, **options: Any) -> None:
        calls.append({"transport": transport, **options})

    monkeypatch.setattr(tushare_typed.mcp.server, "serve", serve)
    return calls


def test_serve_defaults_to_stdio_with_the_manifests_row_cap(served: list[dict[str, Any]]) -> None:
    assert run("mcp", "serve").exit_code == 0
    expected = {"transport": "stdio", "host": "127.0.0.1", "port": 8000, "max_rows": DEFAULT_MAX_ROWS, "timeout": None}
    assert served == [expected]
    assert MCP_DEFAULT_MAX_ROWS == DEFAULT_MAX_ROWS


def test_serve_passes_the_http_options(served: list[dict[str, Any]]) -> None:
    args = ("--transport", "streamable-http", "--host", "0.0.0.0", "--port", "9123", "--max-rows", "50")  # noqa: S104
    assert run("mcp", "serve", *args, "--timeout", "7.5").exit_code == 0
    expected = {"transport": "streamable-http", "host": "0.0.0.0", "port": 9123, "max_rows": 50, "timeout": 7.5}  # noqa: S104
    assert served == [expected]


def test_serve_rejects_an_unknown_transport(served: list[dict[str, Any]]) -> None:
    result = run("mcp", "serve", "--transport", "sse")
    assert result.exit_code == 2
    assert served == []


def test_serve_without_the_mcp_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "tushare_typed.mcp.server", raising=False)
    monkeypatch.setitem(sys.modules, "mcp", None)  # makes `import mcp` fail, as when it is not installed
    result = run("mcp", "serve")
    assert_clean_failure(result, 1)
    assert "the MCP server needs the optional mcp package" in result.stderr
    assert "hint: pip install 'tushare-typed[mcp]'" in result.stderr


def test_the_cli_imports_neither_the_client_stack_nor_optional_packages() -> None:
    heavy = ("httpx", "pydantic", "cryptography", "structlog", "pandas", "polars", "pyarrow", "mcp", "jsonschema")
    code = f"import sys, tushare_typed.cli\nprint(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert done.stdout.strip() == "[]"

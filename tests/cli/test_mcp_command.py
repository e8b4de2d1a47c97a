"""`mcp serve` starts the MCP server with the given options, or says how to install it; the CLI stays cheap to
import."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from .conftest import assert_clean_failure, run


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Records the options of each `serve` call instead of serving."""
    import tushare_typed.mcp.server

    calls: list[Any] = []
    monkeypatch.setattr(tushare_typed.mcp.server, "serve", calls.append)
    return calls


def test_serve_defaults_to_stdio_discovery_with_the_manifests_row_cap(served: list[Any]) -> None:
    from tushare_typed.mcp.service import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS

    assert run("mcp", "serve").exit_code == 0
    (options,) = served
    assert (options.transport, options.host, options.port, options.mode) == ("stdio", "127.0.0.1", 8000, "discovery")
    assert (options.max_rows, options.max_bytes, options.tools, options.max_points) == (
        DEFAULT_MAX_ROWS,
        DEFAULT_MAX_BYTES,
        "",
        0,
    )


def test_serve_passes_every_option_to_the_server(served: list[Any]) -> None:
    args = ("--transport", "streamable-http", "--port", "9123", "--max-rows", "50", "--mode", "full")
    assert run("mcp", "serve", *args, "--tools", "daily,pro_bar", "--max-points", "2000").exit_code == 0
    (options,) = served
    assert (options.transport, options.port, options.max_rows, options.mode) == ("streamable-http", 9123, 50, "full")
    assert (options.tools, options.max_points) == ("daily,pro_bar", 2000)


def test_serve_passes_the_timeout(served: list[Any]) -> None:
    assert run("mcp", "serve", "--timeout", "7.5").exit_code == 0
    (options,) = served
    assert options.timeout == 7.5


def test_serve_help_is_the_servers(served: list[Any]) -> None:
    result = run("mcp", "serve", "--help")
    assert result.exit_code == 0
    assert "usage: tushare-typed mcp serve" in result.stdout
    assert "--categories" in result.stdout and "--bearer-token-env" in result.stdout


def test_serve_rejects_an_unknown_transport(served: list[Any]) -> None:
    result = run("mcp", "serve", "--transport", "sse")
    assert result.exit_code == 2
    assert "invalid choice: 'sse'" in result.stderr
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

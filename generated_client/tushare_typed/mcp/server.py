"""The tushare MCP server: every interface as a tool, served by the official ``mcp`` SDK's low-level ``Server``.

``tools/list`` answers with ``tools.json`` as generated; ``tools/call`` runs through :class:`.service.ToolService`
(argument checks, the typed async client, result shaping). Transports: stdio (the default, as MCP clients launch
``python -m tushare_typed.mcp``) and streamable HTTP.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Sequence
from typing import Any, Final, Literal

# isort: off
# In templates/ this folder is itself named `mcp`, so ruff would sort the SDK as first-party there and as
# third-party in the generated package; the order is pinned so both copies pass.
import anyio
import mcp.types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError

# isort: on

from .. import __version__
from ..progress import set_progress
from .service import DEFAULT_MAX_ROWS, ToolResult, ToolService
from .toolset import UnknownToolError

__all__ = ["SERVER_NAME", "Transport", "build_server", "main", "serve"]

SERVER_NAME: Final = "tushare-typed"
Transport = Literal["stdio", "streamable-http"]
TRANSPORTS: Final[tuple[Transport, ...]] = ("stdio", "streamable-http")
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000

INSTRUCTIONS: Final = (
    "Each tool is one tushare financial-data interface (A-shares, indices, funds, futures, bonds, macro data). "
    "Dates are YYYYMMDD strings unless a parameter says otherwise. A result holds at most max_rows rows; when "
    "`completed` is false, call the same tool with offset=next_offset for the next rows. Errors carry a stable "
    "code (e.g. AUTH-003: the account lacks the points the interface needs) and a remediation."
)


def build_server(service: ToolService) -> Server[Any]:
    """A low-level MCP server whose handlers serve `service`'s tools."""
    # Validated into SDK models once: tools.json is large and never changes while the server runs.
    tools = [types.Tool.model_validate(tool) for tool in service.tools.tools]

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx: ServerRequestContext[Any], params: types.CallToolRequestParams) -> types.CallToolResult:
        try:
            result = await service.call(params.name, params.arguments)
        except UnknownToolError as error:
            # The spec makes an unknown tool a protocol error, not a tool result.
            raise MCPError(code=types.INVALID_PARAMS, message=str(error)) from None
        return _call_tool_result(result)

    return Server(
        SERVER_NAME,
        version=__version__,
        title="tushare (typed)",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def _call_tool_result(result: ToolResult) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=result.text)],
        structured_content=result.structured,
        is_error=result.is_error,
    )


async def _serve_stdio(server: Server[Any]) -> None:
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


async def _serve_streamable_http(server: Server[Any], host: str, port: int) -> None:
    import uvicorn

    app = server.streamable_http_app(host=host)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    await uvicorn.Server(config).serve()


async def _serve(transport: Transport, host: str, port: int, max_rows: int) -> None:
    async with ToolService(max_rows=max_rows) as service:
        server = build_server(service)
        if transport == "stdio":
            await _serve_stdio(server)
        else:
            await _serve_streamable_http(server, host, port)


def serve(
    transport: Transport = "stdio",
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> None:
    """Serve until the client disconnects (stdio) or the process is interrupted (streamable HTTP)."""
    if transport not in TRANSPORTS:
        raise ValueError(f"unknown transport {transport!r}: use one of {', '.join(TRANSPORTS)}")
    if max_rows < 1:
        raise ValueError(f"max_rows must be at least 1, got {max_rows}")
    # Progress lines are for people: an MCP server's stdout is the protocol and nobody watches its stderr.
    set_progress(False)
    anyio.run(_serve, transport, host, port, max_rows)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tushare_typed.mcp",
        description="Serve every tushare interface as an MCP tool. The token comes from TUSHARE_TOKEN or the "
        "encrypted token store (`tushare-typed token set`); TUSHARE_API_URL overrides the API address.",
    )
    parser.add_argument("--transport", choices=TRANSPORTS, default="stdio", help="default: %(default)s")
    parser.add_argument("--host", default=DEFAULT_HOST, help="streamable-http address (default: %(default)s)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="streamable-http port (default: %(default)s)")
    parser.add_argument(
        "--max-rows",
        type=_positive_int,
        default=DEFAULT_MAX_ROWS,
        help="rows per result when a call does not pass max_rows (default: %(default)s)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a streamable-HTTP server is meant to stop
        serve(args.transport, host=args.host, port=args.port, max_rows=args.max_rows)
    return 0

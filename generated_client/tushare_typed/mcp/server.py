"""The tushare MCP server over the official ``mcp`` SDK's low-level ``Server``.

``tools/list`` answers with the tools of the chosen mode (:meth:`.service.ToolService.served_tools`);
``tools/call`` runs through :class:`.service.ToolService`; each interface's documentation is the resource
``tushare://interfaces/<api_name>`` and ``tushare://categories`` indexes them. Transports: stdio (the default, as
MCP clients launch ``python -m tushare_typed.mcp``) and streamable HTTP, on 127.0.0.1 unless told otherwise: any
other address needs a bearer token, which every request must then carry.
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import ipaddress
import os
import sys
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any, Final, Literal, cast

# isort: off
# In templates/ this folder is itself named `mcp`, so ruff would sort the SDK as first-party there and as
# third-party in the generated package; the order is pinned so both copies pass.
import anyio
import mcp.types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

# isort: on

from .. import __version__
from .._internal.otel_setup import telemetry_from_env
from ..progress import set_progress
from .bounds import shorten
from .docs import CATEGORIES_URI, INTERFACE_URI_PREFIX, category_index, interface_markdown, interface_uri
from .framing import Rejection
from .guarded_stdin import DEFAULT_MAX_REQUEST_BYTES, GuardedStdin
from .selection import Selection, SelectionError, probed_callable, split_list
from .service import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, MAX_ROWS_LIMIT, MODES, Mode, ToolResult, ToolService
from .toolset import UnknownToolError

__all__ = ["BEARER_TOKEN_ENV", "SERVER_NAME", "ServerOptions", "Transport", "build_server", "main", "serve"]

SERVER_NAME: Final = "tushare-typed"
Transport = Literal["stdio", "streamable-http"]
TRANSPORTS: Final[tuple[Transport, ...]] = ("stdio", "streamable-http")
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000
#: The variable holding the bearer token HTTP clients must send (needed to bind anything but loopback).
BEARER_TOKEN_ENV: Final = "TUSHARE_MCP_BEARER_TOKEN"  # noqa: S105 - a variable name, not a secret
MARKDOWN: Final = "text/markdown"

INSTRUCTIONS: Final = (
    "tushare financial data (A-shares, indices, funds, futures, bonds, macro). In discovery mode: find an "
    "interface with search_interfaces, read its parameters with describe_interface (or the resource "
    "tushare://interfaces/<api_name>), fetch rows with call_interface; pro_bar gives adjusted bars of any asset. "
    "Dates are YYYYMMDD strings unless a parameter says otherwise. A result holds at most max_rows rows and a "
    "bounded number of bytes; when `completed` is false, call again with offset=next_offset. Errors carry a "
    "stable code (e.g. AUTH-003: the account lacks the points the interface needs) and a remediation."
)


def build_server(service: ToolService) -> Server[Any]:
    """A low-level MCP server whose handlers serve `service`'s tools and the interfaces' documentation."""
    # Validated into SDK models once: the served tools never change while the server runs.
    tools = [types.Tool.model_validate(tool) for tool in service.served_tools()]

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

    async def list_resources(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        index = types.Resource(
            uri=CATEGORIES_URI, name="categories", title="tushare interfaces by category", mime_type=MARKDOWN
        )
        documents = [
            types.Resource(uri=interface_uri(name), name=name, title=spec.title, mime_type=MARKDOWN)
            for name, spec in service.interfaces.items()
        ]
        return types.ListResourcesResult(resources=[index, *documents])

    async def list_resource_templates(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        template = types.ResourceTemplate(
            uri_template=f"{INTERFACE_URI_PREFIX}{{api_name}}",
            name="interface",
            title="One tushare interface's documentation",
            mime_type=MARKDOWN,
        )
        return types.ListResourceTemplatesResult(resource_templates=[template])

    async def read_resource(
        ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        uri = str(params.uri)
        if uri == CATEGORIES_URI:
            text = category_index(service.interfaces.values())
        else:
            spec = (
                service.interfaces.get(uri.removeprefix(INTERFACE_URI_PREFIX))
                if uri.startswith(INTERFACE_URI_PREFIX)
                else None
            )
            if spec is None:
                message = f"no resource {shorten(uri)}: read {CATEGORIES_URI} or {INTERFACE_URI_PREFIX}<api_name>"
                raise MCPError(code=types.INVALID_PARAMS, message=message)
            text = interface_markdown(spec)
        return types.ReadResourceResult(contents=[types.TextResourceContents(uri=uri, mime_type=MARKDOWN, text=text)])

    return Server(
        SERVER_NAME,
        version=__version__,
        title="tushare (typed)",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_list_resource_templates=list_resource_templates,
        on_read_resource=read_resource,
    )


def _call_tool_result(result: ToolResult) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=result.text)],
        structured_content=result.structured,
        is_error=result.is_error,
    )


# --- transports --------------------------------------------------------------------------------------------------

_Scope = MutableMapping[str, Any]
_Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
_Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
_App = Callable[[_Scope, _Receive, _Send], Awaitable[None]]


def require_bearer(app: _App, token: str) -> _App:
    """`app` behind a static bearer token: an HTTP request without ``Authorization: Bearer <token>`` gets 401."""
    expected = f"Bearer {token}".encode()

    async def guarded(scope: _Scope, receive: _Receive, send: _Send) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, expected):
                body = b'{"error": "unauthorized: send Authorization: Bearer <token>"}'
                headers = [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")]
                await send({"type": "http.response.start", "status": 401, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await app(scope, receive, send)

    return guarded


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _sdk_problem(line: str) -> str | None:
    """What the SDK's stdio reader finds wrong with a line (it drops such lines unanswered); None if nothing."""
    try:
        types.jsonrpc_message_adapter.validate_json(line, by_name=False)
    except ValidationError as error:
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'message'}: {e['msg']}" for e in error.errors()[:3])
    return None


async def _serve_stdio(server: Server[Any], max_request_bytes: int) -> None:
    stdin = GuardedStdin(sys.stdin.buffer, _sdk_problem, max_request_bytes)
    # The SDK only iterates its `stdin` for lines of text, as GuardedStdin gives them.
    async with stdio_server(stdin=cast("anyio.AsyncFile[str]", stdin)) as (read_stream, write_stream):

        async def answer(rejection: Rejection) -> None:
            error = types.ErrorData(code=rejection.code, message=rejection.message)
            await write_stream.send(SessionMessage(types.JSONRPCError(jsonrpc="2.0", id=rejection.id, error=error)))

        stdin.answer_with(answer)
        await server.run(read_stream, write_stream, server.create_initialization_options())


async def _serve_streamable_http(
    server: Server[Any], host: str, port: int, bearer_token: str | None, max_request_bytes: int
) -> None:
    import uvicorn

    app: _App = server.streamable_http_app(host=host, max_request_body_size=max_request_bytes)
    if bearer_token:
        app = require_bearer(app, bearer_token)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    await uvicorn.Server(config).serve()


class ServerOptions(argparse.Namespace):
    """The parsed command line."""

    transport: Transport
    host: str
    port: int
    mode: Mode
    tools: str
    categories: str
    max_points: int
    callable_only: bool
    max_rows: int
    max_bytes: int
    max_request_bytes: int
    bearer_token_env: str
    timeout: float | None


async def _serve(options: ServerOptions, service: ToolService, bearer_token: str | None) -> None:
    async with service:
        server = build_server(service)
        if options.transport == "stdio":
            await _serve_stdio(server, options.max_request_bytes)
        else:
            await _serve_streamable_http(server, options.host, options.port, bearer_token, options.max_request_bytes)


def serve(options: ServerOptions) -> None:
    """Serve until the client disconnects (stdio) or the process is interrupted (streamable HTTP).

    Raises :class:`ValueError` (or :class:`~.selection.SelectionError`) naming a wrong option and its fix."""
    bearer_token = os.environ.get(options.bearer_token_env, "").strip() or None
    if options.transport == "streamable-http" and not is_loopback(options.host) and bearer_token is None:
        raise ValueError(
            f"--host {options.host} is reachable from other machines: set {options.bearer_token_env} to a secret "
            "token that clients must send as 'Authorization: Bearer <token>', or serve on 127.0.0.1"
        )
    selection = Selection(
        split_list(options.tools),
        split_list(options.categories),
        options.max_points or None,
        probed_callable() if options.callable_only else None,
    )
    service = ToolService(
        max_rows=options.max_rows,
        max_bytes=options.max_bytes,
        mode=options.mode,
        selection=selection,
        timeout=options.timeout,
    )
    # Progress lines are for people: an MCP server's stdout is the protocol and nobody watches its stderr.
    set_progress(False)
    with telemetry_from_env("tushare-typed-mcp"):
        anyio.run(_serve, options, service, bearer_token)


def _count(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(float(text)) if text.strip() else low
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {value}")
        return value

    return parse


def _mode(text: str) -> str:
    # An MCP bundle passes an unset option as an empty string: that is the default.
    return text.strip() or "discovery"


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tushare_typed.mcp",
        description="Serve tushare as MCP tools. The token comes from TUSHARE_TOKEN or the encrypted token store "
        "(`tushare-typed token set`); TUSHARE_API_URL overrides the API address.",
    )
    parser.add_argument("--transport", choices=TRANSPORTS, default="stdio", help="default: %(default)s")
    parser.add_argument("--host", default=DEFAULT_HOST, help="streamable-http address (default: %(default)s)")
    parser.add_argument("--port", type=_count(0, 65535), default=DEFAULT_PORT, help="default: %(default)s")
    parser.add_argument(
        "--mode",
        type=_mode,
        choices=MODES,
        default="discovery",
        help="discovery: search/describe/call tools and pro_bar (a small tool list); full: one tool per "
        "interface (default: %(default)s)",
    )
    parser.add_argument("--tools", default="", metavar="A,B", help="serve only these interfaces (and pro_bar)")
    parser.add_argument("--categories", default="", metavar="A,B", help="serve only interfaces in these categories")
    parser.add_argument(
        "--max-points",
        type=_count(0),
        default=0,
        metavar="N",
        help="serve only interfaces an account with N points can call (0: all)",
    )
    parser.add_argument(
        "--callable-only",
        action="store_true",
        help="serve only interfaces `tushare-typed doctor --probe` found the token may call",
    )
    parser.add_argument(
        "--max-rows",
        type=_count(1, MAX_ROWS_LIMIT),
        default=DEFAULT_MAX_ROWS,
        help=f"rows per result when a call does not pass max_rows (default: %(default)s, at most {MAX_ROWS_LIMIT})",
    )
    parser.add_argument(
        "--max-bytes",
        type=_count(4096),
        default=DEFAULT_MAX_BYTES,
        help="bytes of text and structured content per result (default: %(default)s)",
    )
    parser.add_argument(
        "--max-request-bytes",
        type=_count(4096),
        default=DEFAULT_MAX_REQUEST_BYTES,
        help="bytes of one message from the client; a longer one is answered with an error (default: %(default)s)",
    )
    parser.add_argument(
        "--bearer-token-env",
        default=BEARER_TOKEN_ENV,
        metavar="NAME",
        help="streamable-http: the variable holding the token clients must send as 'Authorization: Bearer'; "
        "required to bind an address other than loopback (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=None,
        help="seconds for each HTTP request to tushare, body included (default: the client's 30)",
    )
    return parser


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    arguments = parser()
    if prog:
        arguments.prog = prog
    options = arguments.parse_args(argv, namespace=ServerOptions())
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a streamable-HTTP server is meant to stop
            serve(options)
    except (ValueError, SelectionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0

"""``tushare-typed mcp serve``: the MCP server over the typed client (the `mcp` extra, imported by the command)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import click

from ._output import CliError

__all__ = ["mcp_group"]

# Modules whose absence means the `mcp` extra is not installed.
_MCP_EXTRA_MODULES: Final = frozenset({"mcp", "mcp_types", "jsonschema", "uvicorn", "anyio", "starlette"})


@click.group("mcp")
def mcp_group() -> None:
    """The MCP server over the typed client (needs the `mcp` extra)."""


def _load_server_main() -> Callable[..., int]:
    try:
        from ..mcp.server import main as server_main
    except ImportError as error:
        if (error.name or "").partition(".")[0] not in _MCP_EXTRA_MODULES:
            raise
        raise CliError(
            f"the MCP server needs the optional mcp package ({error})", "pip install 'tushare-typed[mcp]'"
        ) from None
    return server_main


@mcp_group.command(
    "serve",
    add_help_option=False,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.argument("options", nargs=-1, type=click.UNPROCESSED)
def mcp_serve(options: tuple[str, ...]) -> None:
    """Serve tushare over MCP (stdio by default); `mcp serve --help` lists the options (--mode, --tools, ...)."""
    # The server parses its own options, so `python -m tushare_typed.mcp` and this command never drift apart.
    status = _load_server_main()(list(options), prog="tushare-typed mcp serve")
    if status:
        raise SystemExit(status)

"""``tushare-typed``: browse the interfaces, call one, manage the token, serve MCP.

    tushare-typed list [--category TEXT] [--search TEXT] [--callable]
    tushare-typed describe daily
    tushare-typed exec daily -p ts_code=000001.SZ -p start_date=20240101 --fields ts_code,close --format csv
    tushare-typed pro-bar 000001.SZ --start-date 2024-01-01 --adj qfq --ma 5,20
    tushare-typed --base-url URL --timeout 10 --token - exec ...   (options for every calling command)
    tushare-typed token set | show | rotate | delete
    tushare-typed doctor [--probe [--only A,B] [--again]]
    tushare-typed mcp serve [--transport stdio|streamable-http] [--mode discovery|full] [--tools A,B] ...
    tushare-typed sync daily --start 20100101 [--end YYYYMMDD] [--all-i-can] [--store PATH]
    tushare-typed sql "SELECT ts_code, avg(close) FROM daily GROUP BY 1" | store info | store check daily
    tushare-typed export daily --to DIR
    tushare-typed bars 600000.SH --source auto --adjust qfq
    tushare-typed compare 600000.SH --sources tushare,yahoo | sources

Errors print their message and remediation on stderr and exit non-zero (1 for a failed call or token operation,
2 for a wrong command line), never with a traceback; set ``TUSHARE_TYPED_DEBUG=1`` to see one for an unexpected
failure. The package imports only click and the standard-library parts of the package: the client (httpx,
pydantic), pyarrow and the MCP SDK are imported by the commands that use them.

This module holds the root group and its options; each command group is a module beside it (``browse``: list and
describe; ``exec``; ``token``; ``probar``: pro-bar; ``store``: sync, sql, store, export; ``cache``; ``service``:
serve and api-key; ``mcp``; ``bars``: bars and sources; ``compare``; ``doctor``), sharing the output helpers of
``_output``, the client construction of ``_client`` and the :mod:`..sources` hub of ``_sources``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Final

import click

from .. import __version__
from ..errors import TushareError
from ._client import ClientOptions, read_secret
from ._output import CliError, CliUsageError
from .bars import bars_command, sources_command
from .browse import describe, list_command
from .cache import cache_group
from .compare import compare_command
from .doctor import doctor_command
from .exec import exec_command
from .mcp import mcp_group
from .probar import pro_bar_command
from .service import api_key_group, serve_command
from .store import export_command, sql_command, store_group, sync_command
from .stream import stream_command
from .token import mask_token, token_group

__all__ = ["CliError", "CliUsageError", "cli", "main", "mask_token"]

DEBUG_ENV: Final = "TUSHARE_TYPED_DEBUG"


class _Cli(click.Group):
    """The root group: every error reaching it leaves as a message and an exit code, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TushareError as error:
            raise CliError.from_tushare(error) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if os.environ.get(DEBUG_ENV):
                raise
            raise CliError(
                f"unexpected {type(error).__name__}: {error}",
                f"this is a bug in tushare-typed; set {DEBUG_ENV}=1 to see the traceback, and report it",
            ) from None


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tushare-typed")
@click.option("--base-url", metavar="URL", help="The tushare API (default: TUSHARE_API_URL, else tushare's).")
@click.option(
    "--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS", help="Seconds per HTTP request."
)
@click.option(
    "--token",
    "token_text",
    metavar="TOKEN|-",
    help="The token for this command; '-' reads it from stdin. Prefer TUSHARE_TOKEN or `token set`: other users "
    "can see command lines.",
)
@click.pass_context
def cli(ctx: click.Context, base_url: str | None, timeout: float | None, token_text: str | None) -> None:
    """Typed access to every tushare interface: list, describe and call them, manage the token, serve MCP."""
    if token_text == "-":  # noqa: S105 (the stdin marker, not a token)
        token_text = read_secret("tushare token", True)
    ctx.obj = ClientOptions(base_url=base_url, timeout=timeout, token=token_text or None)


for _command in (
    list_command,
    describe,
    exec_command,
    pro_bar_command,
    token_group,
    sync_command,
    sql_command,
    store_group,
    export_command,
    cache_group,
    serve_command,
    api_key_group,
    mcp_group,
    bars_command,
    compare_command,
    sources_command,
    stream_command,
    doctor_command,
):
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``tushare-typed`` script."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="tushare-typed")

"""The client every calling command builds from the root options (``--base-url``, ``--timeout``, ``--token``), and
reading a secret from a hidden prompt or stdin. The client itself (httpx, pydantic) is imported only when built.

Commands call :func:`make_client` and :func:`stdin_is_tty` through this module (``_client.make_client()``), so one
replacement here (as the tests make) reaches every command."""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from typing import Any

import click

from ._output import CliUsageError

__all__ = ["ClientOptions", "make_client", "read_secret", "stdin_is_tty"]


@dataclass(frozen=True)
class ClientOptions:
    """The root options every calling command builds its client with (None: the client's default)."""

    base_url: str | None = None
    timeout: float | None = None
    token: str | None = None

    def client_arguments(self) -> dict[str, Any]:
        return {name: value for name, value in dataclasses.asdict(self).items() if value is not None}


def make_client(timeout: float | None = None) -> Any:
    """A ``TushareClient`` with the root options; a command's own ``timeout`` wins over the root one."""
    from .._client import TushareClient

    context = click.get_current_context(silent=True)
    options = context.find_root().obj if context is not None else None
    arguments = options.client_arguments() if isinstance(options, ClientOptions) else {}
    if timeout is not None:
        arguments["timeout"] = timeout
    return TushareClient(**arguments)


def stdin_is_tty() -> bool:
    return sys.stdin.isatty()


def read_secret(prompt: str, from_stdin: bool) -> str:
    """A secret from a hidden prompt, or from the first line of stdin (piped, or with --stdin)."""
    if from_stdin or not stdin_is_tty():
        value = sys.stdin.readline().strip()
    else:
        value = str(click.prompt(prompt, hide_input=True)).strip()
    if not value:
        raise CliUsageError(f"no {prompt} given", "type it at the prompt, or pipe it on stdin")
    return value

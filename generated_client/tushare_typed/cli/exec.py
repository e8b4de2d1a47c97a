"""``tushare-typed exec``: call one interface with ``--param NAME=VALUE`` pairs and print or save its rows."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click

from .._internal.labels import LABEL_CHOICES, Labels
from .._internal.otel_setup import telemetry_from_env
from ..catalog import InterfaceSpec, ParamSpec
from ..errors import TushareError
from ..progress import set_progress
from . import _client
from ._output import FORMATS, CliError, CliUsageError, PageProgress, require_parquet, write_output
from .browse import interface

if TYPE_CHECKING:
    from ..response import Response

__all__ = ["convert_value", "exec_command", "parse_fields", "parse_params"]

_TRUE_WORDS: Final = frozenset({"true", "1", "yes", "y"})
_FALSE_WORDS: Final = frozenset({"false", "0", "no", "n"})


def _param_spec(spec: InterfaceSpec, name: str) -> ParamSpec:
    try:
        return spec.param(name)
    except KeyError:
        known = [p.name for p in spec.params]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        guess = f"did you mean {close[0]!r}? " if close else ""
        listing = ", ".join(known) or "none"
        raise CliUsageError(f"{spec.api_name} has no parameter {name!r}", f"{guess}its parameters: {listing}") from None


def convert_value(param: ParamSpec, raw: str) -> object:
    """A --param value in the type the client expects; dates and codes stay strings (the client checks them)."""
    kind = param.python_type
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise CliUsageError(
            f"--param {param.name}={raw!r}: expected {'an integer' if kind == 'int' else 'a number'}"
        ) from None
    if kind == "bool":
        word = raw.strip().lower()
        if word not in _TRUE_WORDS | _FALSE_WORDS:
            raise CliUsageError(f"--param {param.name}={raw!r}: expected true or false")
        return word in _TRUE_WORDS
    return raw


def parse_params(spec: InterfaceSpec, pairs: Sequence[str]) -> dict[str, object]:
    """``NAME=VALUE`` pairs → the interface's keyword arguments."""
    params: dict[str, object] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise CliUsageError(f"--param {pair!r} is not NAME=VALUE", "e.g. --param ts_code=000001.SZ")
        param = _param_spec(spec, name)
        if name in params:
            raise CliUsageError(f"--param {name} is given twice", "give each parameter once")
        params[name] = convert_value(param, raw)
    missing = [p.name for p in spec.params if p.required and p.name not in params]
    unmet = [group for group in spec.param_groups if not group.satisfied_by(list(params))]
    if unmet and not missing:
        raise CliUsageError(
            f"{spec.api_name}: {'; '.join(group.describe() for group in unmet)}",
            f"add e.g. --param {unmet[0].params[0]}=...; see `tushare-typed describe {spec.api_name}`",
        )
    if missing:
        needed = " ".join(f"--param {name}=..." for name in missing)
        raise CliUsageError(
            f"{spec.api_name} needs {', '.join(missing)}",
            f"add {needed}; see `tushare-typed describe {spec.api_name}`",
        )
    return params


def parse_fields(spec: InterfaceSpec, text: str | None) -> list[str] | None:
    """``a,b,c`` → column names, each checked against the interface's fields."""
    if text is None:
        return None
    fields = [name.strip() for name in text.split(",") if name.strip()]
    for name in fields:
        if name not in spec.field_names:
            close = difflib.get_close_matches(name, spec.field_names, n=1, cutoff=0.6)
            guess = f"did you mean {close[0]!r}? " if close else ""
            raise CliUsageError(
                f"{spec.api_name} has no field {name!r}",
                f"{guess}see the fields with `tushare-typed describe {spec.api_name}`",
            )
    return fields or None


@click.command("exec")
@click.argument("api")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="An interface parameter.")
@click.option("--fields", "-f", metavar="A,B,...", help="Columns to return (default: the interface's default ones).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@click.option("--max-rows", type=click.IntRange(min=1), help="Stop after N rows (default: all).")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Row to start from.")
@click.option("--quiet", "-q", is_flag=True, help="No per-page progress on stderr.")
@click.option(
    "--labels",
    type=click.Choice(LABEL_CHOICES),
    help="Name columns by their short labels (zh: Chinese), not wire names.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds for each HTTP request, body included (default 30).",
)
def exec_command(
    api: str,
    params: tuple[str, ...],
    fields: str | None,
    output_format: str,
    out: Path | None,
    max_rows: int | None,
    offset: int,
    quiet: bool,
    labels: Labels,
    timeout: float | None,
) -> None:
    """Call interface API and print or save its rows."""
    spec = interface(api)
    arguments = parse_params(spec, params)
    columns = parse_fields(spec, fields)
    if output_format == "parquet":
        require_parquet(out)
    progress = PageProgress(spec.api_name, quiet)
    # This command prints its own page lines; the runtime still reports rate-limit waits unless --quiet.
    set_progress(False if quiet else None, pages=False)
    with telemetry_from_env("tushare-typed-cli"), _client.make_client(timeout) as client:
        progress.watch(client)
        try:
            response: Response[Any] = getattr(client, spec.api_name)(
                **arguments, fields=columns, offset=offset, max_rows=max_rows
            )
        except TushareError as error:
            raise CliError.from_tushare(error, _hint(spec.api_name, error)) from None
    progress.finish(response)
    write_output(response, output_format, out, labels)
    if not response.completed:
        click.echo(f"more rows exist: continue with --offset {response.next_offset}", err=True)


def _hint(api: str, error: TushareError) -> str | None:
    if str(error.category) == "PARAMETER":
        return f"See the parameters with `tushare-typed describe {api}`."
    if error.next_offset is not None:
        return f"Nothing was written; rerun, or fetch only the rest with --offset {error.next_offset}."
    return None

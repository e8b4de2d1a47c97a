"""``tushare-typed``: browse the interfaces, call one, manage the token, serve MCP.

    tushare-typed list [--category TEXT] [--search TEXT]
    tushare-typed describe daily
    tushare-typed exec daily -p ts_code=000001.SZ -p start_date=20240101 --fields ts_code,close --format csv
    tushare-typed pro-bar 000001.SZ --start-date 2024-01-01 --adj qfq --ma 5,20
    tushare-typed --base-url URL --timeout 10 --token - exec ...   (options for every calling command)
    tushare-typed token set | show | rotate | delete
    tushare-typed mcp serve [--transport stdio|streamable-http] [--mode discovery|full] [--tools A,B] ...
    tushare-typed sync daily --start 20100101 [--end YYYYMMDD] [--all-i-can] [--store PATH]
    tushare-typed sql "SELECT ts_code, avg(close) FROM daily GROUP BY 1" | store info | store check daily
    tushare-typed export daily --to DIR

Errors print their message and remediation on stderr and exit non-zero (1 for a failed call or token operation,
2 for a wrong command line), never with a traceback; set ``TUSHARE_TYPED_DEBUG=1`` to see one for an unexpected
failure. The module imports only click and the standard-library parts of the package: the client (httpx,
pydantic), pyarrow and the MCP SDK are imported by the commands that use them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import click

from . import __version__
from ._internal.identity import key_text, sync_text
from ._internal.tabular import to_csv, to_json, to_table
from .catalog import InterfaceSpec, ParamSpec, UnknownInterfaceError, load_catalog
from .errors import TushareError
from .progress import set_progress

if TYPE_CHECKING:
    from .response import Response
    from .token import TokenStore

__all__ = ["CliError", "CliUsageError", "cli", "main", "mask_token"]

FORMATS: Final = ("table", "csv", "json", "parquet")
DEBUG_ENV: Final = "TUSHARE_TYPED_DEBUG"
# describe shows parameter and field descriptions whole, as far as a wide terminal allows.
DESCRIBE_CELL_WIDTH: Final = 100
# Modules whose absence means the `mcp` extra is not installed.
_MCP_EXTRA_MODULES: Final = frozenset({"mcp", "mcp_types", "jsonschema", "uvicorn", "anyio", "starlette"})
_TRUE_WORDS: Final = frozenset({"true", "1", "yes", "y"})
_FALSE_WORDS: Final = frozenset({"false", "0", "no", "n"})


class CliError(click.ClickException):
    """A failure shown as ``error: <message>`` and ``hint: <remediation>`` on stderr; exit status 1."""

    def __init__(self, message: str, remediation: str | None = None) -> None:
        super().__init__(message)
        self.remediation = remediation

    @classmethod
    def from_tushare(cls, error: TushareError, hint: str | None = None) -> CliError:
        remediation = f"{error.remediation.rstrip('.')}. {hint}" if hint else error.remediation
        return cls(f"[{error.code}] {error.message}", remediation)

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)
        if self.remediation:
            click.echo(f"hint: {self.remediation}", err=True)


class CliUsageError(CliError):
    """A wrong command line (unknown interface, parameter or field; malformed value); exit status 2."""

    exit_code = 2


@dataclass(frozen=True)
class ClientOptions:
    """The root options every calling command builds its client with (None: the client's default)."""

    base_url: str | None = None
    timeout: float | None = None
    token: str | None = None

    def client_arguments(self) -> dict[str, Any]:
        return {name: value for name, value in dataclasses.asdict(self).items() if value is not None}


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
        token_text = _read_secret("tushare token", True)
    ctx.obj = ClientOptions(base_url=base_url, timeout=timeout, token=token_text or None)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``tushare-typed`` script."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="tushare-typed")


# --- list / describe ---------------------------------------------------------------------------------------------


def _interface(api: str) -> InterfaceSpec:
    try:
        return load_catalog().get(api)
    except UnknownInterfaceError as error:
        raise CliUsageError(str(error), "find interfaces with `tushare-typed list --search TEXT`") from None


def _matches(spec: InterfaceSpec, category: str | None, search: str | None) -> bool:
    if category and not any(category.casefold() in part.casefold() for part in spec.category):
        return False
    if search:
        haystack = " ".join((spec.api_name, spec.title, spec.description)).casefold()
        return search.casefold() in haystack
    return True


@cli.command("list")
@click.option("--category", "-c", metavar="TEXT", help="Only interfaces whose category contains TEXT (e.g. 行情).")
@click.option("--search", "-s", metavar="TEXT", help="Only interfaces whose name, title or description has TEXT.")
def list_command(category: str | None, search: str | None) -> None:
    """List the interfaces: name, points required, category and title."""
    specs = [spec for spec in load_catalog() if _matches(spec, category, search)]
    if not specs:
        raise CliError("no interface matches", "try a shorter --search or --category, or none")
    rows = [(spec.api_name, spec.points, " / ".join(spec.category), spec.title) for spec in specs]
    click.echo(to_table(["api_name", "points", "category", "title"], rows), nl=False)
    click.echo(f"{len(specs)} interfaces", err=True)


@cli.command()
@click.argument("api")
@click.option("--json", "as_json", is_flag=True, help="Print the catalog entry as JSON.")
def describe(api: str, as_json: bool) -> None:
    """Show an interface: parameters, fields, points, limits and an example call."""
    spec = _interface(api)
    if as_json:
        import json

        click.echo(json.dumps(dataclasses.asdict(spec), ensure_ascii=False, indent=2))
        return
    click.echo(describe_text(spec), nl=False)


def describe_text(spec: InterfaceSpec) -> str:
    """The human-readable description `describe` prints."""
    lines = [f"{spec.api_name} — {spec.title}".rstrip(" —")]
    if spec.description:
        lines.append(spec.description)
    lines += ["", *_facts(spec), "", "Parameters:"]
    param_rows = [_param_row(param) for param in spec.params]
    lines.append(_indented_table(["name", "type", "required", "description"], param_rows) if param_rows else "  (none)")
    lines += ["", "Fields (default: returned when --fields is not given):"]
    field_rows = [(f.name, f.python_type, "yes" if f.default else "", f.description) for f in spec.fields]
    lines += [_indented_table(["name", "type", "default", "description"], field_rows), "", "Example:"]
    lines += [f"  {line}" for line in _examples(spec)]
    return "\n".join(lines) + "\n"


def _indented_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    table = to_table(columns, rows, max_cell_width=DESCRIBE_CELL_WIDTH)
    return "\n".join(f"  {line}" for line in table.rstrip("\n").splitlines())


def _facts(spec: InterfaceSpec) -> list[str]:
    facts = [f"Category: {' / '.join(spec.category) or '-'}"]
    facts.append(f"Points required: {spec.points if spec.points is not None else 'not documented'}")
    if spec.permission is not None:
        facts.append(f"Permission: {spec.permission.describe()}")
    facts += [f"Parameter group: {group.describe()}" for group in spec.param_groups]
    rows = f"{spec.row_limit} per call" if spec.row_limit else "no documented cap"
    facts.append(f"Rows: {rows}" + ("; pages automatically with limit/offset" if spec.paging else ""))
    quotas = ", ".join(limit.summary() for limit in spec.rate_limits)
    facts.append(f"Quota: {quotas or 'the account tier default'}")
    facts += [f"Record key: {key_text(spec)}", f"Store sync: {sync_text(spec)}"]
    return facts


def _param_row(param: ParamSpec) -> tuple[str, str, str, str]:
    kind = param.format or param.python_type
    about = param.description + (f" [one of: {', '.join(param.enum)}]" if param.enum else "")
    return (param.name, kind, "yes" if param.required else "", about)


def _example_value(param: ParamSpec) -> str:
    if param.enum:
        return param.enum[0]
    by_format = {"YYYYMMDD": "20240102", "YYYYMM": "202401", "YYYY-MM-DD HH:MM:SS": "2024-01-02 09:30:00"}
    if param.format in by_format:
        return by_format[param.format]
    by_type = {"date": "20240102", "datetime": "2024-01-02 09:30:00", "int": "1", "float": "1.0", "bool": "true"}
    if param.python_type in by_type:
        return by_type[param.python_type]
    return "000001.SZ" if param.name.endswith("code") else "VALUE"


def _examples(spec: InterfaceSpec) -> list[str]:
    """One shell and one Python call, with the required parameters (or the first one) and three columns."""
    grouped = {group.params[-1] for group in spec.param_groups}  # e.g. daily_basic: trade_date
    chosen = [p for p in spec.params if p.required or p.name in grouped] or list(spec.params[:1])
    values = {p.name: _example_value(p) for p in chosen}
    fields = list(spec.default_fields[:3] or spec.field_names[:3])
    shell = ["tushare-typed", "exec", spec.api_name, *(f"-p {shlex.quote(f'{k}={v}')}" for k, v in values.items())]
    python = [f"{name}={value!r}" for name, value in values.items()]
    if fields:
        shell.append(f"--fields {','.join(fields)}")
        python.append(f"fields={fields!r}")
    return [" ".join(shell), f"client.{spec.api_name}({', '.join(python)})"]


# --- exec --------------------------------------------------------------------------------------------------------


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


class PageProgress:
    """Progress of a multi-page fetch on stderr: wraps the client's single-page call, so paging, de-duplication
    and resume stay the client's own."""

    def __init__(self, api: str, quiet: bool) -> None:
        self.api = api
        self.quiet = quiet
        self.pages = 0
        self.rows = 0

    def watch(self, client: Any) -> None:
        call = client._call

        def reporting_call(*args: Any, **kwargs: Any) -> Any:
            page = call(*args, **kwargs)
            self.pages += 1
            self.rows += len(page.items)
            # A single-page fetch needs no progress: the first line is written when the second page starts.
            if not self.quiet and self.pages > 1:
                if self.pages == 2:
                    self._line(1, self.rows - len(page.items))
                self._line(self.pages, self.rows)
            return page

        client._call = reporting_call

    def _line(self, page: int, rows: int) -> None:
        click.echo(f"{self.api}: page {page}, {rows} rows fetched", err=True)

    def finish(self, response: Response[Any]) -> None:
        if not self.quiet and self.pages > 1:
            click.echo(f"{self.api}: done, {len(response)} rows from {self.pages} pages", err=True)


def _parquet() -> Any:
    """``pyarrow.parquet`` (an optional extra; imported by name as it ships no type information)."""
    import importlib

    try:
        return importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise CliError(
            "parquet output needs the optional pyarrow package, which is not installed",
            "pip install 'tushare-typed[pyarrow]', or use --format csv or json",
        ) from None


def _require_parquet(out: Path | None) -> None:
    """Fail before spending any call on a parquet fetch that could not be written."""
    if out is None:
        raise CliUsageError("parquet output is binary: it needs --out FILE")
    _parquet()


def render(response: Response[Any], output_format: str) -> str:
    """The response as table, CSV or JSON text."""
    if output_format == "json":
        return to_json(response.to_dicts())
    columns = response.columns()
    rows = list(zip(*columns.values(), strict=True))
    return to_csv(list(columns), rows) if output_format == "csv" else to_table(list(columns), rows)


def write_output(response: Response[Any], output_format: str, out: Path | None) -> None:
    try:
        if output_format == "parquet":
            _parquet().write_table(response.to_arrow(), out)
        elif out is not None:
            out.write_text(render(response, output_format), encoding="utf-8")
        else:
            click.echo(render(response, output_format), nl=False)
    except OSError as error:
        raise CliError(f"cannot write {out}: {error.strerror or error}", "check the --out path") from None
    if out is not None:
        click.echo(f"wrote {len(response)} rows to {out}", err=True)


def _make_client(timeout: float | None = None) -> Any:
    from ._client import TushareClient

    context = click.get_current_context(silent=True)
    options = context.find_root().obj if context is not None else None
    arguments = options.client_arguments() if isinstance(options, ClientOptions) else {}
    if timeout is not None:
        arguments["timeout"] = timeout  # a command's own --timeout wins over the root option
    return TushareClient(**arguments)


@cli.command("exec")
@click.argument("api")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="An interface parameter.")
@click.option("--fields", "-f", metavar="A,B,...", help="Columns to return (default: the interface's default ones).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@click.option("--max-rows", type=click.IntRange(min=1), help="Stop after N rows (default: all).")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Row to start from.")
@click.option("--quiet", "-q", is_flag=True, help="No per-page progress on stderr.")
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
    timeout: float | None,
) -> None:
    """Call interface API and print or save its rows."""
    spec = _interface(api)
    arguments = parse_params(spec, params)
    columns = parse_fields(spec, fields)
    if output_format == "parquet":
        _require_parquet(out)
    progress = PageProgress(spec.api_name, quiet)
    # This command prints its own page lines; the runtime still reports rate-limit waits unless --quiet.
    set_progress(False if quiet else None, pages=False)
    with _make_client(timeout) as client:
        progress.watch(client)
        try:
            response: Response[Any] = getattr(client, spec.api_name)(
                **arguments, fields=columns, offset=offset, max_rows=max_rows
            )
        except TushareError as error:
            raise CliError.from_tushare(error, _hint(spec.api_name, error)) from None
    progress.finish(response)
    write_output(response, output_format, out)
    if not response.completed:
        click.echo(f"more rows exist: continue with --offset {response.next_offset}", err=True)


def _hint(api: str, error: TushareError) -> str | None:
    if str(error.category) == "PARAMETER":
        return f"See the parameters with `tushare-typed describe {api}`."
    if error.next_offset is not None:
        return f"Nothing was written; rerun, or fetch only the rest with --offset {error.next_offset}."
    return None


# --- token -------------------------------------------------------------------------------------------------------


def mask_token(token: str) -> str:
    """``abcd…wxyz``: enough to recognise a token, not enough to use it."""
    return f"{token[:4]}…{token[-4:]}" if len(token) >= 12 else "…"


def _stdin_is_tty() -> bool:
    return sys.stdin.isatty()


def _read_secret(prompt: str, from_stdin: bool) -> str:
    """A secret from a hidden prompt, or from the first line of stdin (piped, or with --stdin)."""
    if from_stdin or not _stdin_is_tty():
        value = sys.stdin.readline().strip()
    else:
        value = str(click.prompt(prompt, hide_input=True)).strip()
    if not value:
        raise CliUsageError(f"no {prompt} given", "type it at the prompt, or pipe it on stdin")
    return value


def _store() -> TokenStore:
    from .token import TokenStore

    return TokenStore()


@cli.group()
def token() -> None:
    """Manage the encrypted token store (its key: TUSHARE_TYPED_KEY or the OS keyring)."""


@token.command("set")
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the token from stdin instead of prompting.")
@click.option("--keyring", "sealing", flag_value="keyring", help="Keep the store key in the OS keyring.")
@click.option("--passphrase", "sealing", flag_value="passphrase", help="Seal with a passphrase (prompted; scrypt).")
@click.option("--generate-key", "sealing", flag_value="generate", help="Seal with a new key, printed once.")
@click.option("--auto", "sealing", flag_value="auto", default=True, hidden=True)
def token_set(from_stdin: bool, sealing: str) -> None:
    """Save a token in the encrypted store (prompted without echo; never a command-line argument).

    By default the store key is TUSHARE_TYPED_KEY when set, else the OS keyring; without a usable keyring you
    choose a passphrase or a generated key (a generated key when nobody can be asked)."""
    from ._internal.token_setup import save_token

    token = _read_secret("tushare token", from_stdin)
    interactive = not from_stdin and _stdin_is_tty()
    done = save_token(
        token,
        sealing,  # type: ignore[arg-type]  # click's flag values are the SealingChoice literals
        interactive=interactive,
        ask_passphrase=lambda: _new_passphrase(interactive),
        ask_choice=_ask_sealing,
    )
    if done.key is not None:
        click.echo(done.key)
    click.echo(f"token saved to {_store().path}: {done.instructions}", err=True)


def _new_passphrase(interactive: bool) -> str:
    if not interactive:
        # The token took stdin's first line; the passphrase is the next one.
        return _read_secret("passphrase", True)
    value = str(click.prompt("passphrase for the token store", hide_input=True, confirmation_prompt=True))
    if not value.strip():
        raise CliUsageError("no passphrase given", "type one at the prompt, or use --generate-key")
    return value


def _ask_sealing() -> Literal["passphrase", "generate"]:
    click.echo("There is no usable OS keyring on this machine.", err=True)
    answer = click.prompt(
        "Seal the token store with a [p]assphrase (kept in TUSHARE_TYPED_PASSPHRASE where the token is used) or "
        "a generated [k]ey (kept in TUSHARE_TYPED_KEY)?",
        type=click.Choice(["p", "k"]),
        default="k",
        err=True,
    )
    return "passphrase" if answer == "p" else "generate"


@token.command("show")
def token_show() -> None:
    """Show, masked, the token calls would use, and where it comes from."""
    from .token import ENV_TOKEN

    from_env = os.environ.get(ENV_TOKEN, "").strip()
    if from_env:
        value, source = from_env, f"the {ENV_TOKEN} environment variable"
    else:
        store = _store()
        value, source = store.load(), f"the token store {store.path}"
    click.echo(mask_token(value))
    click.echo(f"source: {source}", err=True)


@token.command("rotate")
@click.option("--generate-key", "mode", flag_value="generate", default=True, help="A fresh key, printed (default).")
@click.option("--new-key", "mode", flag_value="prompt", help="A key you give at the prompt (or on stdin).")
@click.option("--keyring", "mode", flag_value="keyring", help="A fresh key kept in the OS keyring.")
@click.option("--stdin", "from_stdin", is_flag=True, help="With --new-key: read the key from stdin.")
def token_rotate(mode: str, from_stdin: bool) -> None:
    """Re-encrypt the stored token under a new key."""
    store = _store()
    if mode == "keyring":
        store.rotate(use_keyring=True)
        click.echo("token re-encrypted under a new key kept in the OS keyring", err=True)
        return
    from .token import ENV_KEY, TokenStore

    key = _read_secret("new store key", from_stdin) if mode == "prompt" else TokenStore.generate_key()
    store.rotate(new_key=key)
    if mode == "generate":
        click.echo(key)
    click.echo(f"token re-encrypted; set {ENV_KEY} to the new key wherever the old one is set", err=True)


@token.command("delete")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def token_delete(yes: bool) -> None:
    """Delete the token store."""
    store = _store()
    if not yes:
        click.confirm(f"delete the token store {store.path}?", abort=True)
    if store.delete():
        click.echo(f"deleted {store.path}", err=True)
    else:
        click.echo(f"no token store at {store.path}", err=True)


# --- mcp ---------------------------------------------------------------------------------------------------------


@cli.group("mcp")
def mcp_group() -> None:
    """The MCP server over the typed client (needs the `mcp` extra)."""


def _load_server_main() -> Callable[..., int]:
    try:
        from .mcp.server import main as server_main
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


# --- service -----------------------------------------------------------------------------------------------------

# Modules whose absence means the `service` extra is not installed.
_SERVICE_EXTRA_MODULES: Final = frozenset(
    {"fastapi", "uvicorn", "sqlalchemy", "alembic", "prometheus_client", "starlette", "psycopg"}
)
_DB_HELP: Final = "Database URL (sqlite:///FILE, a path, or postgresql://...); default: TUSHARE_TYPED_SERVICE_DB, else "
_DB_HELP_DEFAULT: Final = "an SQLite file in the data folder."


def _service_extra(error: ImportError) -> CliError:
    if (error.name or "").partition(".")[0] not in _SERVICE_EXTRA_MODULES:
        raise error
    return CliError(
        f"the REST service needs the optional service extra ({error})", "pip install 'tushare-typed[service]'"
    )


def _service_db(database_url: str | None) -> Any:
    try:
        from .service._db import Database
        from .service.config import ServiceConfig
    except ImportError as error:
        raise _service_extra(error) from None
    config = ServiceConfig.from_env(database_url=database_url)
    return Database.open(config.resolved_database_url())


def _actor() -> str:
    import getpass

    return f"cli:{getpass.getuser()}"


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep 127.0.0.1 unless proxied).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--db", "database_url", metavar="URL", help=_DB_HELP + _DB_HELP_DEFAULT)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
def serve_command(host: str, port: int, database_url: str | None, workers: int) -> None:
    """Serve the REST API (/mcp/*, /auth/token, /metadata/*, typed /v1/<api_name>); needs the `service` extra."""
    try:
        from .service.server import serve
    except ImportError as error:
        raise _service_extra(error) from None
    with contextlib.suppress(KeyboardInterrupt):
        serve(host=host, port=port, database_url=database_url, workers=workers)


@cli.group("api-key")
def api_key_group() -> None:
    """API keys of the REST service (the X-MCP-Token header): create, revoke, list."""


@api_key_group.command("create")
@click.option("--owner", required=True, help="Who the key belongs to; their tushare token is used for their calls.")
@click.option("--db", "database_url", metavar="URL", help=_DB_HELP + _DB_HELP_DEFAULT)
def api_key_create(owner: str, database_url: str | None) -> None:
    """Create a key and print it once (only its hash is stored)."""
    from .service._keys import create_key

    db = _service_db(database_url)
    try:
        issued = create_key(db, owner, _actor())
    finally:
        db.close()
    click.echo(issued.key)
    click.echo(f"key {issued.key_id} created for {issued.owner}; it is shown only now", err=True)


@api_key_group.command("revoke")
@click.argument("key_id")
@click.option("--db", "database_url", metavar="URL", help=_DB_HELP + _DB_HELP_DEFAULT)
def api_key_revoke(key_id: str, database_url: str | None) -> None:
    """Revoke the key KEY_ID (as `api-key list` shows it)."""
    from .service._keys import revoke_key

    db = _service_db(database_url)
    try:
        revoked = revoke_key(db, key_id, _actor())
    finally:
        db.close()
    if not revoked:
        raise CliError(f"no live API key {key_id!r}", "see the keys with `tushare-typed api-key list`")
    click.echo(f"key {key_id} revoked", err=True)


@api_key_group.command("list")
@click.option("--owner", help="Only this owner's keys.")
@click.option("--db", "database_url", metavar="URL", help=_DB_HELP + _DB_HELP_DEFAULT)
def api_key_list(owner: str | None, database_url: str | None) -> None:
    """List the keys: id, owner, created, revoked (never the key)."""
    db = _service_db(database_url)
    try:
        rows = db.api_keys(owner)
    finally:
        db.close()
    table = [
        (row.key_id, row.owner, row.created_at.isoformat(timespec="seconds"), _when(row.revoked_at)) for row in rows
    ]
    click.echo(to_table(["key_id", "owner", "created_at", "revoked_at"], table), nl=False)


def _when(moment: Any) -> str:
    return moment.isoformat(timespec="seconds") if moment is not None else ""


# --- local store: sync, sql, store info / check, export (tushare_typed.store, extra `store`) ---------------------


def _store_module() -> Any:
    try:
        from . import store
    except ImportError as error:
        raise CliError(str(error), "pip install 'tushare-typed[store]'") from None
    return store


def _open_store(path: Path | None, *, read_only: bool) -> Any:
    return _store_module().Store(path, read_only=read_only)


_STORE_OPTION = click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The store file (default: $TUSHARE_TYPED_STORE or the user's data directory).",
)


def _syncable(points: int | None) -> tuple[list[str], list[tuple[str, str]]]:
    """Every interface the account may sync (a sync plan, points), and the others with the reason. Interfaces
    without keys are synced too, slice-replace."""
    chosen, skipped = [], []
    for spec in load_catalog():
        if spec.sync is None:
            skipped.append((spec.api_name, spec.sync_absent_reason or "no sync plan in the metadata"))
        elif points is not None and spec.points is not None and spec.points > points:
            skipped.append((spec.api_name, f"needs {spec.points} points"))
        else:
            chosen.append(spec.api_name)
    return chosen, skipped


@cli.command("sync")
@click.argument("apis", nargs=-1)
@click.option("--start", metavar="YYYYMMDD", help="First day to sync (every interface except snapshots needs it).")
@click.option("--end", metavar="YYYYMMDD", help="Last day to sync (default: today).")
@_STORE_OPTION
@click.option("--lookback", type=click.IntRange(min=0), default=1, show_default=True, help="Stored slices re-fetched.")
@click.option("--concurrency", type=click.IntRange(min=1), default=4, show_default=True, help="Requests in flight.")
@click.option(
    "--append-only",
    is_flag=True,
    help="Store even keyed interfaces slice-replace (interfaces without keys always are).",
)
@click.option("--all-i-can", "all_i_can", is_flag=True, help="Every interface with a sync plan your points allow.")
@click.option("--points", type=click.IntRange(min=0), help="Your points, for --all-i-can (default: $TUSHARE_POINTS).")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def sync_command(
    apis: tuple[str, ...],
    start: str | None,
    end: str | None,
    store_path: Path | None,
    lookback: int,
    concurrency: int,
    append_only: bool,
    all_i_can: bool,
    points: int | None,
    quiet: bool,
) -> None:
    """Fetch the history of APIS into the local store: only what is missing, within the quota; re-run any time."""
    store_module = _store_module()
    names = list(apis)
    if all_i_can:
        env_points = os.environ.get("TUSHARE_POINTS", "").strip()
        chosen, skipped = _syncable(points if points is not None else int(env_points) if env_points.isdigit() else None)
        for api, reason in skipped:
            click.echo(f"{api}: skipped: {reason}", err=True)
        names += [name for name in chosen if name not in names]
    if not names:
        raise CliUsageError(
            "no interface to sync", "name some (tushare-typed sync daily --start 20240101) or --all-i-can"
        )
    from .store._client import sync_with
    from .store._progress import SyncProgress

    progress = None if quiet else SyncProgress()
    with _open_store(store_path, read_only=False) as store, _make_client() as client:
        try:
            report = sync_with(
                client,
                names,
                store=store,
                on_slice=progress,
                start=start,
                end=end,
                lookback=lookback,
                concurrency=concurrency,
                append_only=append_only,
            )
        except KeyboardInterrupt:
            raise CliError(
                "interrupted: every slice committed so far is kept", "run the same command again to continue"
            ) from None
        except store_module.SyncError as error:
            if progress is not None:
                progress.close()
            click.echo(error.report.summary(), err=True)
            raise
        finally:
            if progress is not None:
                progress.close()
    click.echo(report.summary(), err=True)


def _echo_arrow(table: Any, output_format: str) -> None:
    columns = list(table.column_names)
    rows = [tuple(row.values()) for row in table.to_pylist()]
    if output_format == "csv":
        click.echo(to_csv(columns, rows), nl=False)
    elif output_format == "json":
        click.echo(to_json(dict(zip(columns, row, strict=True)) for row in rows), nl=False)
    else:
        click.echo(to_table(columns, rows), nl=False)


@cli.command("sql")
@click.argument("query")
@_STORE_OPTION
@click.option("--format", "output_format", type=click.Choice(("table", "csv", "json")), default="table")
@click.option("--write", is_flag=True, help="Open the store for writing (for statements that change it).")
def sql_command(query: str, store_path: Path | None, output_format: str, write: bool) -> None:
    """Run SQL over the local store (tables are named after the interfaces)."""
    with _open_store(store_path, read_only=not write) as store:
        _echo_arrow(store.sql(query), output_format)


@cli.group("store")
def store_group() -> None:
    """Inspect the local store (needs the `store` extra)."""


@store_group.command("info")
@_STORE_OPTION
def store_info(store_path: Path | None) -> None:
    """List the stored interfaces: rows, date range, slices and last sync."""
    with _open_store(store_path, read_only=True) as store:
        tables = store.info()
        click.echo(f"store: {store.path}", err=True)
    if not tables:
        raise CliError("the store holds no interface yet", "sync one: tushare-typed sync daily --start 20240101")
    rows = [
        (
            t.api_name,
            t.rows,
            t.first or "",
            t.last or "",
            t.slices,
            f"{t.last_sync:%Y-%m-%d %H:%M:%S}" if t.last_sync is not None else "",  # a range without slices
            t.mode,
        )
        for t in tables
    ]
    click.echo(to_table(["api_name", "rows", "first", "last", "slices", "last_sync", "mode"], rows), nl=False)


@store_group.command("check")
@click.argument("api")
@_STORE_OPTION
def store_check(api: str, store_path: Path | None) -> None:
    """Report gaps against the trading calendar, invariant violations and slices never synced; exit 1 on any."""
    with _open_store(store_path, read_only=True) as store:
        report = store.check(api)
    click.echo(report.summary())
    if not report.ok:
        raise SystemExit(1)


@cli.command("export")
@click.argument("api")
@click.option("--to", "to", required=True, type=click.Path(file_okay=False, path_type=Path), help="Target directory.")
@_STORE_OPTION
@click.option("--overwrite", is_flag=True, help="Replace an earlier export of API.")
def export_command(api: str, to: Path, store_path: Path | None, overwrite: bool) -> None:
    """Write API from the local store as hive-partitioned Parquet under DIR/API (year=YYYY/ partitions)."""
    with _open_store(store_path, read_only=True) as store:
        target = store.export(api, to, overwrite=overwrite)
    click.echo(f"wrote {target}", err=True)


@cli.group("cache")
def cache_group() -> None:
    """The response cache of ``TushareClient(cache=True)``."""


@cache_group.command("clear")
@click.option("--path", type=click.Path(dir_okay=False, path_type=Path), help="A cache file other than the default.")
@click.option("--redis", "redis_url", metavar="URL", help="Clear a RedisCache at URL instead.")
def cache_clear(path: Path | None, redis_url: str | None) -> None:
    """Forget every cached reply."""
    from .cache import RedisCache, SQLiteCache

    cache = RedisCache(redis_url) if redis_url else SQLiteCache(path)
    click.echo(f"cleared {cache.clear()} cached replies", err=True)


def _register_commands() -> None:
    # Commands kept in their own modules; they import this one, so they are added once the group exists.
    from ._internal.cli_probar import pro_bar_command

    cli.add_command(pro_bar_command)


_register_commands()

"""``tushare-typed list`` and ``describe``: browse the catalog (no client, no network)."""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Sequence
from typing import Any, Final

import click

from .._internal.identity import key_text, sync_text
from .._internal.probe import example_arguments
from .._internal.tabular import to_table
from ..catalog import InterfaceSpec, ParamSpec, UnknownInterfaceError, load_catalog
from ._output import CliError, CliUsageError

__all__ = ["describe", "describe_text", "interface", "list_command"]

# describe shows parameter and field descriptions whole, as far as a wide terminal allows.
DESCRIBE_CELL_WIDTH: Final = 100


def interface(api: str) -> InterfaceSpec:
    """The catalog entry of ``api``, or a usage error pointing at ``list --search``."""
    try:
        return load_catalog().get(api)
    except UnknownInterfaceError as error:
        raise CliUsageError(str(error), "find interfaces with `tushare-typed list --search TEXT`") from None


def _in_category(spec: InterfaceSpec, category: str | None) -> bool:
    return not category or any(category.casefold() in part.casefold() for part in spec.category)


def _listed(category: str | None, search: str | None) -> list[InterfaceSpec]:
    """The catalog's interfaces in the category; with ``search``, those it matches, best first (the ranking the MCP
    server's search_interfaces uses)."""
    specs = [spec for spec in load_catalog() if _in_category(spec, category)]
    if not search:
        return specs
    from ..search import search as ranked

    hits, _ = ranked(specs, search, limit=len(specs))
    return [hit.spec for hit in hits]


@click.command("list")
@click.option("--category", "-c", metavar="TEXT", help="Only interfaces whose category contains TEXT (e.g. 行情).")
@click.option(
    "--search", "-s", metavar="TEXT", help="Interfaces matching TEXT in Chinese or English words, best first."
)
@click.option(
    "--callable", "callable_only", is_flag=True, help="Only those `doctor --probe` found your token may call."
)
def list_command(category: str | None, search: str | None, callable_only: bool) -> None:
    """List the interfaces: name, points required, category and title."""
    specs = _listed(category, search)
    if callable_only:
        from .doctor import probe_state

        state = probe_state()
        specs = [spec for spec in specs if spec.api_name in state and state[spec.api_name].status == "callable"]
    if not specs:
        raise CliError("no interface matches", "try a shorter --search or --category, or none")
    rows = [(spec.api_name, spec.points, " / ".join(spec.category), spec.title) for spec in specs]
    click.echo(to_table(["api_name", "points", "category", "title"], rows), nl=False)
    click.echo(f"{len(specs)} interfaces", err=True)


@click.command("describe")
@click.argument("api")
@click.option("--json", "as_json", is_flag=True, help="Print the catalog entry as JSON.")
def describe(api: str, as_json: bool) -> None:
    """Show an interface: parameters, fields, points, limits and an example call."""
    spec = interface(api)
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


def _examples(spec: InterfaceSpec) -> list[str]:
    """One shell and one Python call, with the required parameters (or the first one) and three columns."""
    values = example_arguments(spec)
    fields = list(spec.default_fields[:3] or spec.field_names[:3])
    shell = ["tushare-typed", "exec", spec.api_name, *(f"-p {shlex.quote(f'{k}={v}')}" for k, v in values.items())]
    python = [f"{name}={value!r}" for name, value in values.items()]
    if fields:
        shell.append(f"--fields {','.join(fields)}")
        python.append(f"fields={fields!r}")
    return [" ".join(shell), f"client.{spec.api_name}({', '.join(python)})"]

"""``tushare-typed compare SYMBOL… --sources a,b --start --end --format json|table``: exit 1 when they disagree."""

from __future__ import annotations

import json

import click

from .._internal.tabular import to_table
from ._output import CliUsageError
from ._sources import make_sources, split_list

__all__ = ["compare_command"]


@click.command("compare")
@click.argument("symbols", nargs=-1, required=True)
@click.option("--sources", "source_list", default="tushare,akshare", show_default=True, help="Two or more sources.")
@click.option("--start", metavar="YYYYMMDD", help="First day (default: a year before --end).")
@click.option("--end", metavar="YYYYMMDD", help="Last day (default: today).")
@click.option("--adjust", type=click.Choice(("none", "qfq", "hfq")), default="none", show_default=True)
@click.option("--format", "output_format", type=click.Choice(("table", "json")), default="table")
@click.option("--no-store", is_flag=True, help="Fetch every time; keep nothing in the local store.")
def compare_command(
    symbols: tuple[str, ...],
    source_list: str,
    start: str | None,
    end: str | None,
    adjust: str,
    output_format: str,
    no_store: bool,
) -> None:
    """Compare SYMBOLS' daily bars between sources: differences beyond tolerance, missing days, a basis difference,
    a source that failed. Exit status 0 when they agree, 1 when they do not."""
    from ..sources import compare

    names = split_list(source_list)
    if len(names) < 2:
        raise CliUsageError(f"--sources needs two or more sources, got {source_list!r}")
    with make_sources(not no_store) as hub:
        report = compare(list(symbols), names, start, end, adjust=adjust, hub=hub)
    if output_format == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        columns = ["symbol", "kind", "left", "right", "date", "field", "left_value", "right_value", "detail"]
        if report.findings:
            click.echo(to_table(columns, [list(f) for f in report.findings]), nl=False)
    click.echo(report.summary(), err=True)
    if not report.agree:
        raise SystemExit(1)

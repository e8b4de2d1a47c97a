"""``tushare-typed bars SYMBOL… --source S --start --end [--adjust …] --format json|csv|table`` and
``tushare-typed sources`` (each source's configuration and health)."""

from __future__ import annotations

import click

from .._internal.tabular import to_csv, to_json, to_table
from ._output import CliUsageError
from ._sources import make_sources

__all__ = ["bars_command", "sources_command"]

_SOURCES = ("auto", "tushare", "akshare", "yahoo", "alphavantage")


@click.command("bars")
@click.argument("symbols", nargs=-1, required=True)
@click.option("--source", type=click.Choice(_SOURCES), default="auto", show_default=True)
@click.option("--start", metavar="YYYYMMDD", help="First day (default: a year before --end).")
@click.option("--end", metavar="YYYYMMDD", help="Last day (default: today).")
@click.option("--adjust", type=click.Choice(("none", "qfq", "hfq")), default="none", show_default=True)
@click.option("--format", "output_format", type=click.Choice(("table", "csv", "json")), default="table")
@click.option("--no-store", is_flag=True, help="Fetch every time; keep nothing in the local store.")
def bars_command(
    symbols: tuple[str, ...],
    source: str,
    start: str | None,
    end: str | None,
    adjust: str,
    output_format: str,
    no_store: bool,
) -> None:
    """Daily bars of SYMBOLS (tushare form: 000001.SZ 600000.SH 00700.HK AAPL) in standard units, from one source
    or the first that can serve; stderr says which source served and any failover."""
    with make_sources(not no_store) as hub:
        series = [hub.get_bars(s, source=source, start=start, end=end, adjust=adjust) for s in symbols]
    for bars in series:
        click.echo(f"{bars._summary()}", err=True)
    if output_format == "json":
        click.echo(to_json([{**bars.describe(), "bars": bars.to_dicts()} for bars in series]), nl=False)
        return
    rows = [row for bars in series for row in bars.rows]
    columns = list(series[0].wire_names) if series else []
    click.echo((to_csv if output_format == "csv" else to_table)(columns, rows), nl=False)


@click.command("sources")
@click.option("--format", "output_format", type=click.Choice(("table", "json")), default="table")
def sources_command(output_format: str) -> None:
    """Each source's endpoint, markets, adjustments, quota, configuration and circuit-breaker state."""
    with make_sources(False) as hub:
        status = hub.status()
    if not status:
        raise CliUsageError("no sources")
    if output_format == "json":
        click.echo(to_json(status), nl=False)
    else:
        click.echo(to_table(list(status[0]), [list(row.values()) for row in status]), nl=False)

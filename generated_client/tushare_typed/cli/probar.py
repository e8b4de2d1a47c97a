"""``tushare-typed pro-bar``: the SDK's composite ``pro_bar`` on the command line."""

from __future__ import annotations

from pathlib import Path

import click

from . import _client
from ._output import FORMATS, CliUsageError, require_parquet, write_output

__all__ = ["pro_bar_command"]


@click.command("pro-bar")
@click.argument("ts_code")
@click.option("--start-date", metavar="DATE", help="First date (YYYYMMDD or YYYY-MM-DD).")
@click.option("--end-date", metavar="DATE", help="Last date (YYYYMMDD or YYYY-MM-DD).")
@click.option("--freq", default="D", show_default=True, help="D, W, M or minutes such as 5min.")
@click.option("--asset", type=click.Choice(["E", "I", "FT", "O", "CB", "FD"]), default="E", show_default=True)
@click.option("--adj", type=click.Choice(["qfq", "hfq"]), help="Forward (qfq) or backward (hfq) adjusted prices.")
@click.option(
    "--qfq-anchor",
    type=click.Choice(["window", "latest"]),
    default="window",
    show_default=True,
    help="Anchor qfq at the window's newest factor (as the SDK) or the latest one (stable across --end-date).",
)
@click.option("--adjfactor", is_flag=True, help="Add the adj_factor column.")
@click.option("--factors", metavar="tor,vr", help="daily_basic factors to merge: tor (turnover), vr (volume ratio).")
@click.option("--ma", metavar="N,N,...", help="Moving-average windows, e.g. 5,20.")
@click.option("--exchange", help="Exchange, for the assets that need one.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@click.option("--max-rows", type=click.IntRange(min=1), help="Stop after N bars (default: all).")
def pro_bar_command(
    ts_code: str,
    start_date: str | None,
    end_date: str | None,
    freq: str,
    asset: str,
    adj: str | None,
    qfq_anchor: str,
    adjfactor: bool,
    factors: str | None,
    ma: str | None,
    exchange: str | None,
    output_format: str,
    out: Path | None,
    max_rows: int | None,
) -> None:
    """Bars of TS_CODE through the SDK's composite pro_bar: any asset and frequency, adjusted, with factors."""
    windows = _numbers("--ma", ma)
    factor_names = [name.strip() for name in (factors or "").split(",") if name.strip()]
    unknown = [name for name in factor_names if name not in ("tor", "vr")]
    if unknown:
        raise CliUsageError(f"--factors: unknown factor {', '.join(unknown)}", "use tor, vr or both: --factors tor,vr")
    if output_format == "parquet":
        require_parquet(out)
    with _client.make_client() as client:
        response = client.pro_bar(
            ts_code=ts_code,
            start_date=start_date,
            end_date=end_date,
            freq=freq,
            asset=asset,
            adj=adj,
            qfq_anchor=qfq_anchor,
            adjfactor=adjfactor,
            factors=factor_names,
            ma=windows,
            exchange=exchange,
            max_rows=max_rows,
        )
    write_output(response, output_format, out)


def _numbers(option: str, text: str | None) -> list[int]:
    parts = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not all(part.isdigit() and int(part) > 0 for part in parts):
        raise CliUsageError(f"{option} {text!r}: expected positive whole numbers", f"e.g. {option} 5,20")
    return [int(part) for part in parts]

"""``tushare-typed stream TOPIC CODE… [--max-records N] [--format jsonl|table] [--to-store]``: tushare's push feed
on stdout, one record a line, until N records, the stream's end or Ctrl-C (which closes the connection, writes what
the store still holds pending, prints the counts and exits 130)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from . import _client
from ._output import CliUsageError

__all__ = ["stream_command"]

_TABLE_COLUMNS = 8
_MAX_WIDTH = 20


def _wire(record: Any) -> dict[str, Any]:
    """A record as its wire fields (``count_`` back to ``count``), times in ISO form."""
    return {
        (name[:-1] if name.endswith("_") else name): value.isoformat() if isinstance(value, dt.datetime) else value
        for name, value in record._asdict().items()
    }


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _table_line(values: list[Any], widths: list[int]) -> str:
    return " ".join(_text(value)[:width].rjust(width) for value, width in zip(values, widths, strict=False))


@click.command("stream")
@click.argument("topic")
@click.argument("codes", nargs=-1, required=True)
@click.option("--max-records", type=click.IntRange(min=1), help="Stop after this many records (default: never).")
@click.option("--format", "output_format", type=click.Choice(("jsonl", "table")), default="jsonl", show_default=True)
@click.option("--to-store", is_flag=True, help="Also write the records to the local store, each (code, time) once.")
@click.option(
    "--store", "store_path", type=click.Path(dir_okay=False, path_type=Path), help="Store file for --to-store."
)
@click.option("--roll-up", is_flag=True, help="With --to-store: roll stored HQ_STK_TICK ticks up into minute bars.")
@click.option("--url", metavar="URL", help="Push endpoint (default: TUSHARE_TYPED_WS_URL, else tushare's).")
@click.option("--on-slow", type=click.Choice(("wait", "drop_oldest")), default="wait", show_default=True)
def stream_command(
    topic: str,
    codes: tuple[str, ...],
    max_records: int | None,
    output_format: str,
    to_store: bool,
    store_path: Path | None,
    roll_up: bool,
    url: str | None,
    on_slow: str,
) -> None:
    """Records of the push TOPIC (HQ_STK_TICK, HQ_STK_MIN, ...) for CODES (000001.SZ, wildcards '*.SH', minute
    topics 1MIN:000001.SZ), as JSON lines or a table; counts (reconnects, skipped frames, drops) on stderr."""
    if (store_path or roll_up) and not to_store:
        raise CliUsageError("--store and --roll-up go with --to-store", "add --to-store")
    target = (store_path or True) if to_store else None
    stream = _client.make_client().stream(topic, codes, url=url, on_slow=on_slow, to_store=target)
    count, widths = 0, list[int]()
    try:
        with stream:
            for record in stream:
                if output_format == "table":
                    if not widths:
                        names = record._fields[:_TABLE_COLUMNS]
                        widths = [
                            min(_MAX_WIDTH, max(len(n), len(_text(v)))) for n, v in zip(names, record, strict=False)
                        ]
                        click.echo(_table_line(list(names), widths))
                    click.echo(_table_line(list(record[:_TABLE_COLUMNS]), widths))
                else:
                    click.echo(json.dumps(_wire(record), ensure_ascii=False))
                count += 1
                if max_records is not None and count >= max_records:
                    break
    except KeyboardInterrupt:
        click.echo(f"interrupted after {count} records; {stream.stats}", err=True)
        raise SystemExit(130) from None
    click.echo(f"{count} records; {stream.stats}", err=True)
    if roll_up:
        from ..push._store import PushStore

        store = PushStore(store_path)
        try:
            click.echo(f"{store.roll_up_minutes()} minute bars rolled up from stored ticks", err=True)
        finally:
            store.close()

"""``tushare-typed sync``, ``sql``, ``store info | check`` and ``export``: the local DuckDB store (the `store`
extra, imported by the command run)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import click

from .._internal.tabular import to_table
from ..catalog import load_catalog
from . import _client
from ._lake import lake_options, make_lake
from ._output import CliError, CliUsageError, echo_arrow

__all__ = ["export_command", "sql_command", "store_group", "sync_command"]


def _store_module() -> Any:
    try:
        from .. import store
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


def _probed_out() -> dict[str, str]:
    """The interfaces ``doctor --probe`` found the token may not call (denied, or unknown to the API), with why;
    empty when there is no probe record."""
    from .._internal.probe import ProbeRecord

    try:
        record = ProbeRecord.load()
    except ValueError as error:
        raise CliError(str(error)) from None
    return {
        api: f"the probe of {time.strftime('%Y-%m-%d', time.localtime(entry.at))} found it {entry.status}: "
        f"{entry.detail}"
        for api, entry in record.entries.items()
        if entry.status in ("denied", "unknown")
    }


def _syncable(points: int | None) -> tuple[list[str], list[tuple[str, str]]]:
    """Every interface the account may sync (a sync plan, points, not found denied by ``doctor --probe``), and the
    others with the reason. Interfaces without keys are synced too, slice-replace."""
    chosen, skipped = [], []
    probed_out = _probed_out()
    for spec in load_catalog():
        if spec.sync is None:
            skipped.append((spec.api_name, spec.sync_absent_reason or "no sync plan in the metadata"))
        elif spec.api_name in probed_out:
            skipped.append((spec.api_name, probed_out[spec.api_name]))
        elif points is not None and spec.points is not None and spec.points > points:
            skipped.append((spec.api_name, f"needs {spec.points} points"))
        else:
            chosen.append(spec.api_name)
    return chosen, skipped


def _export_lake(url: str | None, endpoint_url: str | None, region: str | None, virtual: bool | None) -> Any:
    """The lake of ``sync --export-to`` (None without it); a local directory there is a usage error."""
    if url is None:
        return None
    lake = make_lake(url, endpoint_url, region, virtual)
    if lake is None:
        raise CliUsageError(f"--export-to {url}: not a lake", "give s3://BUCKET/PREFIX, or run `export --to DIR` after")
    return lake


@click.command("sync")
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
@click.option(
    "--all-i-can",
    "all_i_can",
    is_flag=True,
    help="Every interface with a sync plan your points (and `doctor --probe`) allow.",
)
@click.option("--points", type=click.IntRange(min=0), help="Your points, for --all-i-can (default: $TUSHARE_POINTS).")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
@click.option("--export-to", "export_to", metavar="s3://BUCKET/PREFIX", help="Then export each synced API to a lake.")
@lake_options
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
    export_to: str | None = None,
    endpoint_url: str | None = None,
    region: str | None = None,
    virtual_addressing: bool | None = None,
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
    from ..store._client import sync_with
    from ..store._progress import SyncProgress

    progress = None if quiet else SyncProgress()
    with _open_store(store_path, read_only=False) as store, _client.make_client() as client:
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
                export_to=_export_lake(export_to, endpoint_url, region, virtual_addressing),
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


@click.command("sql")
@click.argument("query")
@_STORE_OPTION
@click.option("--format", "output_format", type=click.Choice(("table", "csv", "json")), default="table")
@click.option("--write", is_flag=True, help="Open the store for writing (for statements that change it).")
def sql_command(query: str, store_path: Path | None, output_format: str, write: bool) -> None:
    """Run SQL over the local store (tables are named after the interfaces)."""
    with _open_store(store_path, read_only=not write) as store:
        echo_arrow(store.sql(query), output_format)


@click.group("store")
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


@click.command("export")
@click.argument("api")
@click.option("--to", "to", required=True, help="Target directory, or a lake: s3://BUCKET/PREFIX.")
@_STORE_OPTION
@click.option("--overwrite", is_flag=True, help="Replace an earlier export of API (a lake's is replaced anyway).")
@lake_options
def export_command(
    api: str,
    to: str,
    store_path: Path | None,
    overwrite: bool,
    endpoint_url: str | None = None,
    region: str | None = None,
    virtual_addressing: bool | None = None,
) -> None:
    """Write API from the local store as hive-partitioned Parquet under DIR/API (year=YYYY/ partitions).

    To s3://BUCKET/PREFIX (any S3-compatible endpoint; keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or
    AWS_PROFILE) only the months changed since the last export are written, then the manifest
    PREFIX/API/_manifest/latest.json is replaced: readers see the previous export until the new one is complete."""
    lake = make_lake(to, endpoint_url, region, virtual_addressing)
    with _open_store(store_path, read_only=True) as store:
        if lake is not None:
            click.echo(lake.export(store, api).summary(), err=True)
            return
        target = store.export(api, Path(to), overwrite=overwrite)
    click.echo(f"wrote {target}", err=True)

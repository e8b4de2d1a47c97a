"""``Store.export``: one interface as hive-partitioned Parquet (``DIR/<api>/year=YYYY/*.parquet``), which DuckDB,
Polars, pyarrow and Spark read as one dataset. Partitioned by the year of the sync date column, when it has one."""

# SQL here is built from identifiers passed through quote() and the target path as an escaped literal.
# ruff: noqa: S608

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import StoreAccessError, StoreError
from ._schema import literal, quote

if TYPE_CHECKING:
    from ._database import Database
    from ._schema import TableSchema

__all__ = ["export_table"]


def export_table(db: Database, schema: TableSchema, to: Path, *, overwrite: bool = False) -> Path:
    """Write the table under ``to/<api>``; returns that directory. An existing one is replaced only on request.

    The export is written into a hidden sibling first and moved into place once complete, so a reader never sees a
    half-written export, and one that is killed leaves the previous export as it was (and no empty folder).
    """
    import duckdb

    target = to / schema.api_name
    if target.exists() and any(target.iterdir()) and not overwrite:
        raise StoreError(
            f"{target} exists and is not empty",
            remediation="pass overwrite=True (--overwrite) to replace it, or export to another directory",
        )
    columns = ", ".join(quote(name) for name in schema.names)
    staging = to / f".{schema.api_name}.partial-{uuid.uuid4().hex[:12]}"
    if schema.date_column:
        select = f"SELECT {columns}, year({quote(schema.date_column)}) AS year FROM {schema.table}"
        options = "FORMAT PARQUET, PARTITION_BY (year)"
        destination = staging
    else:
        select = f"SELECT {columns} FROM {schema.table}"
        options = "FORMAT PARQUET"
        destination = staging / "data.parquet"
    try:
        staging.mkdir(parents=True)
        with db.cursor() as conn:
            conn.execute(f"COPY ({select}) TO {literal(str(destination))} ({options})")
        _swap(staging, target)
    except (OSError, duckdb.Error) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreAccessError(f"cannot export {schema.api_name} to {target}: {error}") from None
    return target


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` in place of ``target``: the old export is moved aside (one rename), the new one moved in (one
    rename), and only then is the old one deleted; a failure to delete it leaves a hidden folder, not an error."""
    if not target.exists():
        staging.rename(target)
        return
    retired = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:12]}")
    target.rename(retired)
    try:
        staging.rename(target)
    except OSError:
        retired.rename(target)  # the previous export back in place
        raise
    shutil.rmtree(retired, ignore_errors=True)

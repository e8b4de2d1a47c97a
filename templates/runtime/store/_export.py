"""``Store.export``: one interface as hive-partitioned Parquet (``DIR/<api>/year=YYYY/*.parquet``), which DuckDB,
Polars, pyarrow and Spark read as one dataset. Partitioned by the year of the sync date column, when it has one."""

# SQL here is built from identifiers passed through quote() and the target path as an escaped literal.
# ruff: noqa: S608

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import StoreAccessError, StoreError
from ._schema import quote

if TYPE_CHECKING:
    from ._database import Database
    from ._schema import TableSchema

__all__ = ["export_table"]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def export_table(db: Database, schema: TableSchema, to: Path, *, overwrite: bool = False) -> Path:
    """Write the table under ``to/<api>``; returns that directory. An existing one is replaced only on request."""
    import duckdb

    target = to / schema.api_name
    if target.exists() and any(target.iterdir()):
        if not overwrite:
            raise StoreError(
                f"{target} exists and is not empty",
                remediation="pass overwrite=True (--overwrite) to replace it, or export to another directory",
            )
        shutil.rmtree(target)
    columns = ", ".join(quote(name) for name in schema.names)
    if schema.date_column:
        select = f"SELECT {columns}, year({quote(schema.date_column)}) AS year FROM {schema.table}"
        options = "FORMAT PARQUET, PARTITION_BY (year)"
        destination = target
    else:
        select = f"SELECT {columns} FROM {schema.table}"
        options = "FORMAT PARQUET"
        destination = target / "data.parquet"
    try:
        target.mkdir(parents=True, exist_ok=True)
        with db.cursor() as conn:
            conn.execute(f"COPY ({select}) TO {_literal(str(destination))} ({options})")
    except (OSError, duckdb.Error) as error:
        raise StoreAccessError(f"cannot export {schema.api_name} to {target}: {error}") from None
    return target

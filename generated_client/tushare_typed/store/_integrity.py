"""What the store checks before trusting a file or a fetched slice: that the path holds a DuckDB store (not an
SQLite database, not a damaged file), and that no slice carries two different rows under one record key.

DuckDB itself would open an SQLite file by loading (and, by default, downloading) its sqlite extension, and report a
truncated file as "unexpected IOException"; the store turns extension loading off and names the file instead.
"""

# SQL here is built from identifiers passed through quote() and never from values.
# ruff: noqa: S608

from __future__ import annotations

from pathlib import Path
from typing import Final

import duckdb

from ._errors import StoreCorruptError, StoreKeyConflictError, StoreSchemaError
from ._schema import POSITION_COLUMN, TableSchema, quote

__all__ = ["CONNECT_CONFIG", "check_batch", "check_file", "damaged"]

#: The store never reaches the network by itself: no extension is installed or loaded behind its back.
CONNECT_CONFIG: Final = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
_DUCKDB_MAGIC: Final = b"DUCK"
_MAGIC_AT: Final = 8
#: Words of DuckDB's messages for a file it cannot read back (truncated, corrupt, not its format).
_DAMAGE_WORDS: Final = ("could not read enough bytes", "corrupt", "not a valid duckdb", "checksum", "ioexception")


def check_file(path: Path) -> None:
    """Refuse an existing file that is not a DuckDB store, naming what it is (empty files are new stores)."""
    try:
        with path.open("rb") as file:
            head = file.read(_MAGIC_AT + len(_DUCKDB_MAGIC))
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise StoreCorruptError(f"the store path {path} is a directory, not a DuckDB file") from None
    except OSError:
        return  # unreadable: DuckDB's own open names the access problem
    if not head:
        return
    if head.startswith(_SQLITE_MAGIC[: len(head)]):
        raise StoreCorruptError(f"{path} is an SQLite database, not a tushare-typed store (a DuckDB file)")
    if len(head) < _MAGIC_AT + len(_DUCKDB_MAGIC) or head[_MAGIC_AT:] != _DUCKDB_MAGIC:
        raise StoreCorruptError(f"{path} is not a tushare-typed store: it is not a DuckDB file (or its header is lost)")


def damaged(path: Path, error: BaseException) -> StoreCorruptError | None:
    """A StoreCorruptError when DuckDB's ``error`` says the file is damaged, else None."""
    text = str(error)
    if isinstance(error, duckdb.IOException) or any(word in text.lower() for word in _DAMAGE_WORDS):
        if "lock" in text.lower() or "permission" in text.lower() or "no space" in text.lower():
            return None
        first = text.splitlines()[0] if text else repr(error)
        return StoreCorruptError(f"the store {path} is damaged (truncated or corrupt): {first}")
    return None


def check_batch(conn: duckdb.DuckDBPyConnection, schema: TableSchema, batch_name: str) -> None:
    """After an insert conflict: name a key column left empty, or two different rows under one key.

    Rows equal in every column are one record sent twice (the upsert keeps one); anything else under one key is a
    conflict, which storing would settle by dropping a real row.
    """
    for key in schema.keys:
        ((empty,),) = conn.execute(f"SELECT count(*) FROM {batch_name} WHERE {quote(key)} IS NULL").fetchall()
        if empty:
            raise StoreSchemaError(
                f"{schema.api_name}: {empty} fetched rows have no value in key column {key}",
                remediation="report it: the interface's key in the metadata is wrong; meanwhile sync it append-only "
                "(--append-only)",
                api_name=schema.api_name,
            )
    keys = ", ".join(quote(k) for k in schema.keys)
    rows = conn.execute(
        f"SELECT {keys}, count(*) FROM (SELECT DISTINCT * EXCLUDE ({quote(POSITION_COLUMN)}) FROM {batch_name}) "
        f"GROUP BY ALL HAVING count(*) > 1 LIMIT 3"
    ).fetchall()
    if rows:
        shown = "; ".join(
            ", ".join(f"{k}={v!r}" for k, v in zip(schema.keys, row[:-1], strict=True)) + f" ({row[-1]} rows)"
            for row in rows
        )
        raise StoreKeyConflictError(
            f"{schema.api_name}: the server sent different rows with the same key ({', '.join(schema.keys)}) "
            f"in one slice: {shown}",
            api_name=schema.api_name,
        )

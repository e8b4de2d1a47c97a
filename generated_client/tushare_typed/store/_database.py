"""The DuckDB file behind :class:`~tushare_typed.store.Store`: opening it, one transaction per slice, reading back.

One connection per store, guarded by a lock (DuckDB connections are not for concurrent use). DuckDB itself lets one
process write a file at a time; a second one gets :class:`StoreLockedError` naming the fix.
"""

# SQL here is built from identifiers passed through quote() and never from values, which are bound as parameters.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

import duckdb

from ._errors import StoreAccessError, StoreError, StoreKeyConflictError, StoreLockedError, StoreSchemaError
from ._integrity import CONNECT_CONFIG, check_batch, check_file, damaged
from ._schema import POSITION_COLUMN, SLICE_COLUMN, TableSchema, quote

if TYPE_CHECKING:
    import pyarrow

__all__ = ["STORE_VARIABLE", "Database", "SliceWrite", "default_store_path"]

#: Environment variable naming the store file (overridden by an explicit path).
STORE_VARIABLE: Final = "TUSHARE_TYPED_STORE"
STATE_TABLE: Final = "_tushare_sync"
CALENDAR_TABLE: Final = "_tushare_calendar"
#: The date range each interface's syncs have planned, recorded before fetching: `store check` finds the slices an
#: interrupted sync never committed.
PLAN_TABLE: Final = "_tushare_planned"
_INTERNAL: Final = (STATE_TABLE, CALENDAR_TABLE, PLAN_TABLE)
_BATCH: Final = "_tushare_batch"

_SETUP: Final = (
    f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (api VARCHAR NOT NULL, slice VARCHAR NOT NULL, rows BIGINT NOT NULL,"
    " through VARCHAR, synced_at TIMESTAMP NOT NULL, PRIMARY KEY (api, slice))",
    f"CREATE TABLE IF NOT EXISTS {CALENDAR_TABLE} (exchange VARCHAR NOT NULL, cal_date DATE NOT NULL,"
    " is_open BOOLEAN NOT NULL, PRIMARY KEY (exchange, cal_date))",
    f"CREATE TABLE IF NOT EXISTS {PLAN_TABLE} (api VARCHAR PRIMARY KEY, first DATE NOT NULL, last DATE NOT NULL)",
)


def default_store_path() -> Path:
    """``$TUSHARE_TYPED_STORE``, else ``$XDG_DATA_HOME/tushare_typed/store.duckdb`` (``~/.local/share`` when unset)."""
    explicit = os.environ.get(STORE_VARIABLE, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "tushare_typed" / "store.duckdb"


@dataclass(frozen=True, slots=True)
class SliceWrite:
    """What committing one slice did."""

    rows: int
    added: int
    updated: int


@dataclass(frozen=True, slots=True)
class _Columns:
    """The batch's stored columns: their quoted names and the expressions converting each wire value."""

    targets: list[str]
    exprs: list[str]

    @property
    def targets_sql(self) -> str:
        return ", ".join(self.targets)

    @property
    def exprs_sql(self) -> str:
        return ", ".join(self.exprs)


class _Write(Protocol):
    def __call__(
        self,
        conn: duckdb.DuckDBPyConnection,
        schema: TableSchema,
        slice_id: str,
        batch: pyarrow.Table,
        columns: _Columns,
        /,
    ) -> SliceWrite: ...


def _with_positions(batch: pyarrow.Table) -> pyarrow.Table:
    """``batch`` with each row's position, so the last of two equal keys wins."""
    import pyarrow as pa

    return batch.append_column(POSITION_COLUMN, pa.array(range(batch.num_rows), type=pa.int64()))


def _access_error(path: Path, error: BaseException) -> StoreError:
    text = str(error)
    broken = damaged(path, error)
    if broken is not None:
        return broken
    if "lock" in text.lower():
        return StoreLockedError(f"the store {path} is in use by another process: {text.splitlines()[0]}")
    return StoreAccessError(f"cannot open or write the store {path}: {text.splitlines()[0] if text else error!r}")


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failure, keeping that failure: when the commit itself failed (disk full, read-only
    directory) DuckDB has ended the transaction already, and its "no transaction is active" would hide the cause."""
    with contextlib.suppress(duckdb.Error):
        conn.execute("ROLLBACK")


def _scalar(conn: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The one value of a one-row query. Fetched with fetchall: after fetchone, DuckDB counts the result as
    unfinished, and the next ``register`` on the connection fails ("Resource In Use")."""
    ((value,),) = conn.execute(sql).fetchall()
    return value


class Database:
    """An open store file. ``read_only`` opens an existing file for reading (several processes may do so)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path).expanduser() if path is not None else default_store_path()
        self.read_only = read_only
        self._lock = threading.RLock()
        self._conn = self._connect()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self.read_only and not self.path.exists():
            raise StoreError(
                f"there is no store at {self.path}",
                remediation="sync something first (tushare-typed sync daily --start 20240101), or pass the path "
                "of an existing store (--store PATH or TUSHARE_TYPED_STORE)",
            )
        check_file(self.path)
        try:
            if not self.read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = duckdb.connect(str(self.path), read_only=self.read_only, config=dict(CONNECT_CONFIG))
        except (OSError, duckdb.Error) as error:
            raise _access_error(self.path, error) from None
        if not self.read_only:
            try:
                for statement in _SETUP:
                    conn.execute(statement)
            except duckdb.Error as error:
                conn.close()
                raise _access_error(self.path, error) from None
        return conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection, locked; a file DuckDB cannot read back is a StoreCorruptError naming it."""
        with self._lock:
            try:
                yield self._conn
            except duckdb.IOException as error:
                raise _access_error(self.path, error) from None

    @contextmanager
    def one_thread(self) -> Iterator[None]:
        """DuckDB on one thread inside the block, its own setting back after. A slice's insert is too small to split
        across threads, and waking them for each cost a sixth of a sync's store CPU; reads get them all back."""
        with self.cursor() as conn:
            threads = _scalar(conn, "SELECT current_setting('threads')")
            conn.execute("SET threads = 1")
        try:
            yield
        finally:
            with self.cursor() as conn:
                conn.execute(f"SET threads = {int(threads)}")

    # --- tables --------------------------------------------------------------------------------------------------

    def tables(self) -> list[str]:
        """The interface tables in the store (internal tables left out)."""
        with self.cursor() as conn:
            rows = conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
            ).fetchall()
        return [name for (name,) in rows if name not in _INTERNAL]

    def columns(self, api_name: str) -> dict[str, str]:
        with self.cursor() as conn:
            rows = conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' "
                "AND table_name = ? ORDER BY ordinal_position",
                [api_name],
            ).fetchall()
        return {name: kind for name, kind in rows}

    def ensure_table(self, schema: TableSchema) -> None:
        """Create the interface's table, or check the stored one still fits the metadata."""
        existing = self.columns(schema.api_name)
        if not existing:
            with self.cursor() as conn:
                try:
                    conn.execute(schema.create_sql())
                except duckdb.Error as error:
                    raise _access_error(self.path, error) from None
            return
        wanted = {c.name: c.sql_type for c in schema.columns}
        if schema.append_only:
            wanted[SLICE_COLUMN] = "VARCHAR"
        if existing != wanted:
            differs = sorted(set(existing.items()) ^ set(wanted.items()))
            raise StoreSchemaError(
                f"the stored table {schema.api_name} does not fit its metadata any more (columns differ: {differs})"
                + ("; it was synced append-only" if SLICE_COLUMN in existing and not schema.append_only else ""),
                api_name=schema.api_name,
            )

    # --- sync state ----------------------------------------------------------------------------------------------

    def covered(self, api_name: str) -> dict[str, str | None]:
        """Stored slices of ``api_name`` → the last day each covers (for code slices; else None)."""
        with self.cursor() as conn:
            rows = conn.execute(f"SELECT slice, through FROM {STATE_TABLE} WHERE api = ?", [api_name]).fetchall()
        return {slice_id: through for slice_id, through in rows}

    def record_plan(self, api_name: str, first: dt.date, last: dt.date) -> None:
        """Widen the range planned for ``api_name`` to cover [first, last]."""
        with self.cursor() as conn:
            try:
                conn.execute(
                    f"INSERT INTO {PLAN_TABLE} VALUES (?, ?, ?) ON CONFLICT (api) DO UPDATE SET "
                    "first = least(first, excluded.first), last = greatest(last, excluded.last)",
                    [api_name, first, last],
                )
            except duckdb.Error as error:
                raise _access_error(self.path, error) from None

    def planned(self, api_name: str) -> tuple[dt.date, dt.date] | None:
        """The range the syncs of ``api_name`` planned (None before any, or in a store older than this record)."""
        if PLAN_TABLE not in self._tables():
            return None
        with self.cursor() as conn:
            rows = conn.execute(f"SELECT first, last FROM {PLAN_TABLE} WHERE api = ?", [api_name]).fetchall()
        return (rows[0][0], rows[0][1]) if rows else None

    def _tables(self) -> set[str]:
        with self.cursor() as conn:
            rows = conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")
            return {name for (name,) in rows.fetchall()}

    def write_slice(
        self,
        schema: TableSchema,
        slice_id: str,
        batch: pyarrow.Table,
        *,
        through: str | None = None,
        since: str | None = None,
    ) -> SliceWrite:
        """Upsert one slice's rows and record the slice, in one transaction: all of it is committed, or none.

        A slice new to the table (every slice of a first sync) is a plain insert, which checks the primary key
        without replacing anything and costs about half an upsert; the first conflict (a re-fetched slice, or one
        record twice in the batch) rolls that attempt back and upserts instead. A table without keys replaces the
        slice's rows (those of its date range from ``since`` on, when given: a code slice fetched from there).
        """
        with self.cursor() as conn:
            try:
                if not schema.append_only:
                    try:
                        return self._transaction(conn, schema, slice_id, batch, through, self._insert)
                    except duckdb.ConstraintException:
                        pass  # rolled back: some key is stored already or repeated; replace instead
                # A slice may carry one record twice (pages that overlap): the upsert keeps one of equal rows and
                # refuses different rows under one key.
                upsert = functools.partial(self._upsert, since=since)
                return self._transaction(conn, schema, slice_id, _with_positions(batch), through, upsert)
            except (StoreSchemaError, StoreKeyConflictError):
                raise
            except (duckdb.ConversionException, duckdb.ConstraintException, duckdb.InvalidInputException) as error:
                raise StoreSchemaError(
                    f"slice {slice_id} of {schema.api_name} does not fit its table: {error}",
                    remediation="the server sent a value the metadata does not expect; report it, or sync this "
                    "interface append-only",
                    api_name=schema.api_name,
                ) from None
            except duckdb.Error as error:
                raise _access_error(self.path, error) from None

    @staticmethod
    def _transaction(
        conn: duckdb.DuckDBPyConnection,
        schema: TableSchema,
        slice_id: str,
        batch: pyarrow.Table,
        through: str | None,
        write: _Write,
    ) -> SliceWrite:
        """``write`` the batch and record the slice in one transaction, rolled back on any failure."""
        names = [n for n in batch.column_names if n != POSITION_COLUMN]
        columns = _Columns([quote(n) for n in names], [schema.column(n).insert_expr(n) for n in names])
        conn.register(_BATCH, batch)
        try:
            conn.execute("BEGIN TRANSACTION")
            try:
                result = write(conn, schema, slice_id, batch, columns)
                conn.execute(
                    f"INSERT OR REPLACE INTO {STATE_TABLE} VALUES (?, ?, ?, ?, ?)",
                    [schema.api_name, slice_id, result.rows, through, dt.datetime.now()],
                )
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
        finally:
            conn.unregister(_BATCH)
        return result

    @staticmethod
    def _insert(
        conn: duckdb.DuckDBPyConnection, schema: TableSchema, slice_id: str, batch: pyarrow.Table, columns: _Columns
    ) -> SliceWrite:
        conn.execute(
            f"INSERT INTO {schema.table} ({columns.targets_sql}) SELECT {columns.exprs_sql} FROM {_BATCH}"
        ).fetchall()
        return SliceWrite(batch.num_rows, batch.num_rows, 0)

    @staticmethod
    def _upsert(
        conn: duckdb.DuckDBPyConnection,
        schema: TableSchema,
        slice_id: str,
        batch: pyarrow.Table,
        columns: _Columns,
        *,
        since: str | None = None,
    ) -> SliceWrite:
        targets, exprs = columns.targets_sql, columns.exprs_sql
        before = _scalar(conn, f"SELECT count(*) FROM {schema.table}")
        if schema.append_only:
            delete = f"DELETE FROM {schema.table} WHERE {quote(SLICE_COLUMN)} = ?"
            if since is not None and schema.date_column is not None:
                first = dt.datetime.strptime(since, "%Y%m%d").date()
                conn.execute(f"{delete} AND {quote(schema.date_column)} >= ?", [slice_id, first])
            else:
                conn.execute(delete, [slice_id])
            kept = _scalar(conn, f"SELECT count(*) FROM {schema.table}")
            conn.execute(
                f"INSERT INTO {schema.table} ({targets}, {quote(SLICE_COLUMN)}) SELECT {exprs}, ? FROM {_BATCH}",
                [slice_id],
            )
            after = _scalar(conn, f"SELECT count(*) FROM {schema.table}")
            rows = after - kept
            return SliceWrite(rows, after - before, rows - (after - before))
        check_batch(conn, schema, _BATCH)
        # Of one record twice, keep the last (rows in a parallel Arrow scan come in no set order, hence positions).
        keys = ", ".join(quote(k) for k in schema.keys)
        conn.execute(
            f"INSERT OR REPLACE INTO {schema.table} ({targets}) SELECT {exprs} FROM {_BATCH} "
            f"QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {POSITION_COLUMN} DESC) = 1"
        )
        after = _scalar(conn, f"SELECT count(*) FROM {schema.table}")
        rows = _scalar(conn, f"SELECT count(DISTINCT ({keys})) FROM {_BATCH}")
        return SliceWrite(rows, after - before, rows - (after - before))

    # --- calendar ------------------------------------------------------------------------------------------------

    def write_calendar(self, exchange: str, year: int, days: Sequence[tuple[dt.date, bool]]) -> None:
        """Store one year of the exchange's calendar and record it done, in one transaction."""
        with self.cursor() as conn:
            try:
                conn.execute("BEGIN TRANSACTION")
                try:
                    # Two list parameters unnested in one statement: executemany costs a statement per day.
                    conn.execute(
                        f"INSERT OR REPLACE INTO {CALENDAR_TABLE} SELECT ?, unnest(?::DATE[]), unnest(?::BOOLEAN[])",
                        [exchange, [day for day, _ in days], [is_open for _, is_open in days]],
                    )
                    conn.execute(
                        f"INSERT OR REPLACE INTO {STATE_TABLE} VALUES (?, ?, ?, NULL, ?)",
                        [f"trade_cal:{exchange}", str(year), len(days), dt.datetime.now()],
                    )
                    conn.execute("COMMIT")
                except BaseException:
                    _rollback(conn)
                    raise
            except duckdb.Error as error:
                raise _access_error(self.path, error) from None

    def open_days(self, exchange: str, start: dt.date, end: dt.date) -> list[dt.date]:
        with self.cursor() as conn:
            rows = conn.execute(
                f"SELECT cal_date FROM {CALENDAR_TABLE} WHERE exchange = ? AND is_open AND cal_date BETWEEN ? AND ? "
                "ORDER BY cal_date",
                [exchange, start, end],
            ).fetchall()
        return [day for (day,) in rows]

    # --- reading -------------------------------------------------------------------------------------------------

    def one(self, sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...]:
        """The first row of a one-row query (fetched whole, see :func:`_scalar`)."""
        with self.cursor() as conn:
            rows = conn.execute(sql, params).fetchall()
        return tuple(rows[0]) if rows else ()

    def arrow(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pyarrow.Table:
        """Run a query and return its result as an Arrow table."""
        import pyarrow as pa

        with self.cursor() as conn:
            relation = conn.sql(sql, params=params)
            if relation is None:  # a statement without a result (CREATE, INSERT, ...)
                return pa.table({})
            # DuckDB 2 names it to_arrow_table; 1.x fetch_arrow_table.
            fetch = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
            table: pa.Table = fetch()
            return table

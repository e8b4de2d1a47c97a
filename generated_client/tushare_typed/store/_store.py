"""``Store``: the local DuckDB copy of tushare data, read without network, queried with SQL, checked, exported."""

# SQL here is built from identifiers passed through quote() and never from values, which are bound as parameters.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, overload

from ..catalog import Catalog, InterfaceSpec, UnknownInterfaceError, load_catalog
from ..errors import ParameterError
from ._check import CheckReport, check_table
from ._database import STATE_TABLE, Database
from ._errors import StoreError
from ._export import export_table
from ._integrity import damaged
from ._lake_fs import is_lake_url
from ._plan import check_range, parse_date
from ._read import stored_response
from ._schema import SLICE_COLUMN, TableSchema, quote

if TYPE_CHECKING:
    import pyarrow

    from ..response import Response
    from ._lake import Lake, LakeExport

__all__ = ["Store", "TableInfo"]


@dataclass(frozen=True, slots=True)
class TableInfo:
    """One stored interface: rows, date range (of its sync date column), when it was last synced (None when no
    slice was), and how synced slices are written: ``upsert`` by key or ``slice-replace``."""

    api_name: str
    rows: int
    first: str | None
    last: str | None
    slices: int
    last_sync: dt.datetime | None
    mode: str = "upsert"


class Store:
    """The local store: one DuckDB file (``path``, else ``TUSHARE_TYPED_STORE``, else the user's data directory).

    ``read_only=True`` opens an existing store for reading; several processes may then read it at once.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False, catalog: Catalog | None = None
    ) -> None:
        self.db = Database(path, read_only=read_only)
        self._catalog = catalog

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = load_catalog()
        return self._catalog

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    # --- reading -------------------------------------------------------------------------------------------------

    def spec(self, api_name: str) -> InterfaceSpec:
        try:
            return self.catalog.get(api_name)
        except UnknownInterfaceError as error:
            raise ParameterError(
                str(error), remediation="find interfaces with `tushare-typed list --search TEXT`", api_name=api_name
            ) from None

    def stored_schema(self, api_name: str) -> TableSchema:
        """The schema of a stored interface; a ParameterError naming the fix when it was never synced."""
        spec = self.spec(api_name)
        columns = self.db.columns(api_name)
        if not columns:
            raise ParameterError(
                f"the store {self.path} has no {api_name} yet",
                remediation=f"sync it first: tushare-typed sync {api_name} --start YYYYMMDD "
                f"(or client.sync({api_name!r}, start=...))",
                api_name=api_name,
            )
        return TableSchema.of(spec, append_only=SLICE_COLUMN in columns)

    def read(
        self,
        api_name: str,
        *,
        ts_code: str | Sequence[str] | None = None,
        start: object = None,
        end: object = None,
        fields: Sequence[str] | None = None,
    ) -> Response[Any]:
        """Stored rows of ``api_name`` as the client's typed response (``client.daily(...)`` returns the same
        class), newest first; ``start``/``end`` bound the interface's sync date column, both inclusive."""
        schema = self.stored_schema(api_name)
        names = list(schema.names)
        if fields is not None:
            wanted = [fields] if isinstance(fields, str) else list(fields)
            unknown = [name for name in wanted if name not in names]
            if unknown:
                raise ParameterError(
                    f"{api_name} has no column {', '.join(map(repr, unknown))}",
                    remediation=f"use the column names of {api_name}: {', '.join(names)}",
                    api_name=api_name,
                )
            names = [name for name in names if name in wanted]
        where, params = self._filters(schema, ts_code, start, end)
        select = ", ".join(schema.column(name).select_expr() for name in names)
        sql = f"SELECT {select} FROM {schema.table}{where}"
        order = schema.order_by()
        if order:
            sql += f" ORDER BY {order}"
        return stored_response(self.spec(api_name), self.db.arrow(sql, params))

    def _filters(
        self, schema: TableSchema, ts_code: str | Sequence[str] | None, start: object, end: object
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if ts_code is not None:
            codes = [code.strip() for code in ts_code.split(",")] if isinstance(ts_code, str) else list(ts_code)
            if "ts_code" not in schema.names:
                raise ParameterError(
                    f"{schema.api_name} has no ts_code column to filter on",
                    remediation="leave ts_code out, or filter with store.sql(...)",
                    api_name=schema.api_name,
                )
            clauses.append(f"{quote('ts_code')} IN ({', '.join('?' * len(codes))})" if codes else "FALSE")
            params += codes
        if start is not None or end is not None:
            if schema.date_column is None:
                raise ParameterError(
                    f"{schema.api_name} has no date column to bound with start/end",
                    remediation="leave start and end out, or filter with store.sql(...)",
                    api_name=schema.api_name,
                )
            first = parse_date(start, "start") if start is not None else None
            last = parse_date(end, "end") if end is not None else None
            if first is not None and last is not None:
                check_range(first, last)
            for bound, op in ((first, ">="), (last, "<=")):
                if bound is not None:
                    clauses.append(f"{quote(schema.date_column)} {op} ?")
                    params.append(bound)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def sql(self, query: str, params: Sequence[Any] | None = None) -> pyarrow.Table:
        """Any SQL over the store (tables are named after the interfaces), as an Arrow table."""
        import duckdb

        try:
            return self.db.arrow(query, params)
        except duckdb.Error as error:
            broken = damaged(self.path, error)
            if broken is not None:
                raise broken from None
            raise StoreError(
                f"the query failed: {error}",
                remediation="fix the SQL; tables are named after the interfaces (tushare-typed store info lists them)",
            ) from None

    # --- what is stored ------------------------------------------------------------------------------------------

    def info(self) -> list[TableInfo]:
        """Every stored interface with its rows, date range and last sync."""
        out = []
        for api_name in self.db.tables():
            date_column = self._date_column(api_name)
            span = f"min({quote(date_column)}), max({quote(date_column)})" if date_column else "NULL, NULL"
            rows, first, last = self.db.one(f"SELECT count(*), {span} FROM {quote(api_name)}")
            slices, last_sync = self.db.one(
                f"SELECT count(*), max(synced_at) FROM {STATE_TABLE} WHERE api = ?", [api_name]
            )
            mode = "slice-replace" if SLICE_COLUMN in self.db.columns(api_name) else "upsert"
            out.append(TableInfo(api_name, rows, _text(first), _text(last), slices, last_sync, mode))
        return out

    def check(self, api_name: str) -> CheckReport:
        """Gaps against the trading calendar, rows breaking price/volume invariants, slices never synced."""
        return check_table(self.db, self.spec(api_name), self.stored_schema(api_name))

    @overload
    def export(self, api_name: str, to: str | os.PathLike[str], *, overwrite: bool = False) -> Path: ...
    @overload
    def export(self, api_name: str, to: Lake, *, overwrite: bool = False) -> LakeExport: ...
    def export(self, api_name: str, to: str | os.PathLike[str] | Lake, *, overwrite: bool = False) -> Any:
        """Write ``api_name`` as hive-partitioned Parquet under ``to/<api_name>``; returns that directory. ``to`` a
        :class:`Lake` exports to object storage, incrementally (``overwrite`` does not apply: the manifest is
        replaced atomically); returns what the export did."""
        if not isinstance(to, (str, os.PathLike)):
            return to.export(self, api_name)
        if is_lake_url(to):
            raise ParameterError(
                f"{to} is object storage: say how to reach it with a Lake",
                remediation=f"store.export({api_name!r}, Lake({str(to)!r})) (endpoint and keys: see Lake)",
                api_name=api_name,
            )
        return export_table(self.db, self.stored_schema(api_name), Path(to), overwrite=overwrite)

    def _date_column(self, api_name: str) -> str | None:
        spec = self.catalog.interfaces.get(api_name)
        column = spec.sync.date_column if spec is not None and spec.sync is not None else None
        return column if column is not None and column in self.db.columns(api_name) else None


def _text(value: object) -> str | None:
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    return None if value is None else str(value)

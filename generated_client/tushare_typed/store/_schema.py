"""How an interface becomes a DuckDB table: typed columns from the catalog, its keys as the primary key.

Columns follow each field's ``python_type`` (text VARCHAR, numbers DOUBLE / BIGINT, BOOLEAN, datetimes TIMESTAMP)
and dates are DATE: fields typed ``date`` and the sync plan's ``date_column``, which tushare sends as ``YYYYMMDD``
text. Reading back turns those into the wire text again, so a stored row equals the row the client returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ..errors import ParameterError

if TYPE_CHECKING:
    from ..catalog import InterfaceSpec

__all__ = ["POSITION_COLUMN", "SLICE_COLUMN", "Column", "TableSchema", "literal", "quote"]

_SQL_TYPES: Final = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
}
#: The hidden column of an append-only table: which slice wrote the row, so a re-fetched slice replaces its rows.
SLICE_COLUMN: Final = "_slice"
#: A column of each fetched batch (never stored): the row's position, so the last of two equal keys wins.
POSITION_COLUMN: Final = "_tushare_pos"


def quote(identifier: str) -> str:
    """A DuckDB identifier, quoted (wire names such as ``1w`` are not plain identifiers)."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A DuckDB string literal (for a file path in COPY, which takes no bound parameter)."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class Column:
    """One stored column: its wire name, SQL type, and whether the row type holds it as wire text."""

    name: str
    sql_type: str
    python_type: str

    @property
    def is_date(self) -> bool:
        return self.sql_type == "DATE"

    @property
    def text_date(self) -> bool:
        """Stored as DATE but the typed row holds ``YYYYMMDD`` text."""
        return self.is_date and self.python_type != "date"

    def insert_expr(self, source: str) -> str:
        """The expression converting the wire value (text for dates) in ``source`` to the stored type."""
        ref = quote(source)
        if self.is_date:
            return f"CAST(strptime({ref}, '%Y%m%d') AS DATE)"
        if self.sql_type == "TIMESTAMP":
            return f"CAST({ref} AS TIMESTAMP)"
        return ref

    def select_expr(self) -> str:
        """The expression giving back what the client's row holds."""
        ref = quote(self.name)
        if self.text_date:
            return f"strftime({ref}, '%Y%m%d') AS {ref}"
        if self.sql_type == "TIMESTAMP":
            return f"strftime({ref}, '%Y-%m-%d %H:%M:%S') AS {ref}"
        return ref


def _index_order(keys: Sequence[str], date_column: str | None, shape: str) -> tuple[str, ...]:
    """The keys in primary-key order: the date column first when slices follow the calendar, so each slice's rows
    land together at the growing end of the index (a third cheaper to insert than spread across every code's
    branch); the metadata's order for slices by code, whose rows already share the leading code."""
    if date_column is not None and date_column in keys and shape != "code":
        return (date_column, *(k for k in keys if k != date_column))
    return tuple(keys)


@dataclass(frozen=True, slots=True)
class TableSchema:
    """The table of one interface."""

    api_name: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...]
    date_column: str | None
    append_only: bool

    @classmethod
    def of(cls, spec: InterfaceSpec, *, append_only: bool = False) -> TableSchema:
        """The schema of ``spec``. A table without keys (rows with no identity, or ``append_only`` asked) is synced
        slice-replace: each slice's rows carry its id, and a re-fetched slice replaces them (idempotent)."""
        append_only = append_only or not spec.keys
        date_column = spec.sync.date_column if spec.sync is not None else None
        if date_column is not None and date_column not in spec.field_names:
            raise ParameterError(
                f"{spec.api_name}: sync date_column {date_column!r} is not one of its fields",
                remediation="fix the interface's sync plan in the metadata",
                api_name=spec.api_name,
            )
        columns = tuple(
            Column(f.name, "DATE" if f.name == date_column else _SQL_TYPES[f.python_type], f.python_type)
            for f in spec.fields
        )
        keys = () if append_only else _index_order(spec.keys, date_column, spec.sync.shape if spec.sync else "")
        return cls(spec.api_name, columns, keys, date_column, append_only)

    @property
    def table(self) -> str:
        return quote(self.api_name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def create_sql(self) -> str:
        parts = [f"{quote(c.name)} {c.sql_type}" for c in self.columns]
        if self.append_only:
            parts.append(f"{quote(SLICE_COLUMN)} VARCHAR NOT NULL")
        if self.keys:
            parts.append("PRIMARY KEY (" + ", ".join(quote(k) for k in self.keys) + ")")
        return f"CREATE TABLE IF NOT EXISTS {self.table} (" + ", ".join(parts) + ")"

    def order_by(self) -> str:
        """Newest first, as the server answers (the date column descending; rows of one day in no set order, as
        from the server, which also saves a wider sort); the keys when there is no date column."""
        if self.date_column:
            return f"{quote(self.date_column)} DESC"
        return ", ".join(quote(k) for k in self.keys)

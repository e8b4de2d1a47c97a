"""The response every generated `<Pascal>Response` specializes: typed rows plus what the call knows about them.

Built with `model_construct` from rows the decoder already validated, so no row is validated twice. The
DataFrame conversions import pandas / polars / pyarrow only when called (they are optional extras).
"""

from __future__ import annotations

import html
import types
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NamedTuple, Protocol, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

from ._internal.collector import collector_paused
from ._internal.labels import Labels, column_labels

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow

__all__ = ["QueryResponse", "Response"]

RowT = TypeVar("RowT", bound=NamedTuple)


def _base_type(annotation: Any) -> type[Any] | None:
    """`float | None` → float; anything else without a single concrete type → None."""
    if get_origin(annotation) in (Union, types.UnionType):
        concrete = [arg for arg in get_args(annotation) if arg is not type(None)]
        return concrete[0] if len(concrete) == 1 and isinstance(concrete[0], type) else None
    return annotation if isinstance(annotation, type) else None


def _missing_extra(extra: str, error: ImportError) -> ImportError:
    return ImportError(f"this needs the optional {extra!r} package: pip install 'tushare-typed[{extra}]' ({error})")


class Response(BaseModel, Generic[RowT]):
    """Rows of one call. `completed` is False when paging stopped early (bounds); `next_offset` then says where
    to resume; `duplicates_dropped` counts rows dropped as provable repeats at page seams. `fields` lists the
    columns the server returned; columns our metadata does not know yet are kept in `extra_columns`, aligned
    with `rows`."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    #: The interface and its wire column names, in row order (set by each generated subclass).
    interface_name: ClassVar[str] = ""
    wire_names: ClassVar[tuple[str, ...]] = ()

    rows: list[RowT]
    fields: list[str]
    completed: bool = True
    next_offset: int | None = None
    request_id: str | None = None
    pages: int = 1
    #: Rows dropped because their key columns showed them to repeat the previous page (see the paginator).
    duplicates_dropped: int = 0
    extra_columns: dict[str, list[Any]] = Field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        # A summary and the first rows, never all of them: a notebook cell showing 60,000 rows must stay readable.
        from ._internal.tabular import to_table

        head = self._head_rows(_PREVIEW_ROWS)
        text = f"<{self._summary()}>"
        if head:
            text += "\n" + to_table(self._column_names(), head).rstrip("\n")
            if len(self.rows) > len(head):
                text += f"\n… {len(self.rows) - len(head)} more rows"
        return text

    def __str__(self) -> str:
        return self.__repr__()

    def _repr_html_(self) -> str:
        """The notebook view: a summary line and a table of the first and last rows, escaped."""
        names = self._column_names()
        shown = self._head_rows(_HTML_HEAD_ROWS)
        tail = self._tail_rows(_HTML_TAIL_ROWS, skip=len(shown))
        header = "".join(f"<th>{html.escape(name)}</th>" for name in names)
        body = [_html_row(row) for row in shown]
        if tail:
            body.append(f'<tr><td colspan="{len(names)}">… {len(self.rows) - len(shown) - len(tail)} rows …</td></tr>')
            body.extend(_html_row(row) for row in tail)
        return (
            f"<div><p>{html.escape(self._summary())}</p>"
            f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        )

    def _summary(self) -> str:
        state = "completed" if self.completed else f"not completed, next_offset={self.next_offset}"
        return f"{type(self).__name__}: {len(self.rows)} rows × {len(self._column_names())} columns, {state}"

    def _column_names(self) -> list[str]:
        return [name for name, _ in self._returned()] + list(self.extra_columns)

    def _head_rows(self, count: int) -> list[list[Any]]:
        return self._row_values(range(min(count, len(self.rows))))

    def _tail_rows(self, count: int, *, skip: int) -> list[list[Any]]:
        start = max(skip, len(self.rows) - count)
        return self._row_values(range(start, len(self.rows)))

    def _row_values(self, positions: range) -> list[list[Any]]:
        returned = self._returned()
        extras = list(self.extra_columns.values())
        return [[self.rows[i][pos] for _, pos in returned] + [column[i] for column in extras] for i in positions]

    def __iter__(self) -> Iterator[RowT]:  # type: ignore[override]
        # Iterating a response yields its rows, as users of a result set expect (not pydantic's field pairs).
        return iter(self.rows)

    def __getitem__(self, index: int) -> RowT:
        return self.rows[index]

    @classmethod
    def row_type(cls) -> type[Any]:
        (row,) = get_args(cls.model_fields["rows"].annotation)
        return row  # type: ignore[no-any-return]

    def _returned(self) -> list[tuple[str, int]]:
        """(wire name, position in the row) of each known column the server returned, in row order."""
        returned = set(self.fields)
        return [(name, pos) for pos, name in enumerate(self.wire_names) if name in returned]

    def _column_types(self) -> dict[str, type[Any] | None]:
        hints = list(self.row_type().__annotations__.values())
        return {name: _base_type(hints[pos]) for name, pos in self._returned()}

    def _known_columns(self) -> dict[str, list[Any]]:
        rows = self.rows
        return {name: [row[pos] for row in rows] for name, pos in self._returned()}

    def columns(self, labels: Labels = None) -> dict[str, list[Any]]:
        """Column name → values: the returned known columns in row order, then the extra ones; with
        ``labels="zh"`` keyed by the columns' Chinese labels."""
        columns = {**self._known_columns(), **self.extra_columns}
        if not labels:
            return columns
        names = self._labelled(labels)
        return {names[name]: values for name, values in columns.items()}

    def to_dicts(self, labels: Labels = None) -> list[dict[str, Any]]:
        """One dict per row, keyed by wire column name (or label, see :meth:`columns`), extra columns included."""
        columns = self.columns(labels)
        names = list(columns)
        return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]

    def _labelled(self, labels: Labels) -> dict[str, str]:
        """Wire name → the column name a conversion uses: the wire name, or with ``labels="zh"`` the catalog's
        Chinese label (a column the catalog does not label keeps its wire name)."""
        return column_labels(self._interface(), self._column_names(), labels)

    def _interface(self) -> str:
        return type(self).interface_name

    def to_pandas(self, labels: Labels = None) -> pandas.DataFrame:
        """A DataFrame with stable dtypes: float64, nullable Int64 and boolean, object for strings; with
        ``labels="zh"`` the columns carry their short Chinese labels instead of the wire names."""
        try:
            import pandas as pd
        except ImportError as error:
            raise _missing_extra("pandas", error) from None
        returned = self._returned()
        whole = len(returned) == len(self.wire_names)
        records = self.rows if whole else [[row[pos] for _, pos in returned] for row in self.rows]
        frame = pd.DataFrame.from_records(records, columns=[name for name, _ in returned])
        dtypes = {name: _PANDAS_DTYPES[kind] for name, kind in self._column_types().items() if kind in _PANDAS_DTYPES}
        frame = frame.astype(dtypes)
        for name, values in self.extra_columns.items():
            frame[name] = values
        return frame.rename(columns=self._labelled(labels)) if labels else frame

    def to_polars(self, labels: Labels = None) -> polars.DataFrame:
        try:
            import polars as pl
        except ImportError as error:
            raise _missing_extra("polars", error) from None
        kinds: dict[type[Any] | None, Any] = {float: pl.Float64, int: pl.Int64, bool: pl.Boolean, str: pl.String}
        schema = {name: kinds.get(kind) for name, kind in self._column_types().items()}
        frame = pl.DataFrame(self._known_columns(), schema=schema)
        if self.extra_columns:
            frame = frame.with_columns(*(pl.Series(name, values) for name, values in self.extra_columns.items()))
        return frame.rename(self._labelled(labels)) if labels else frame

    def to_arrow(self, labels: Labels = None) -> pyarrow.Table:
        try:
            import pyarrow as pa
        except ImportError as error:
            raise _missing_extra("pyarrow", error) from None
        kinds: dict[type[Any] | None, Any] = {float: pa.float64(), int: pa.int64(), bool: pa.bool_(), str: pa.string()}
        types_ = self._column_types()
        arrays = {
            name: pa.array(values, type=kinds.get(types_[name])) for name, values in self._known_columns().items()
        }
        arrays.update({name: pa.array(values) for name, values in self.extra_columns.items()})
        table = pa.table(arrays)
        return table.rename_columns([self._labelled(labels)[name] for name in table.column_names]) if labels else table


class QueryResponse(Response[Any]):
    """What the untyped ``query()`` returns: the same display and conversions as a typed response, with plain
    tuple rows whose columns are ``fields`` as the server sent them (any interface, also ones newer than the
    metadata). The cells were decoded as strictly as the typed method's (see ``_internal/query_decode.py``); column
    types are inferred by pandas / polars / pyarrow, as nothing declares them here."""

    api_name: str = ""

    def _interface(self) -> str:
        return self.api_name

    def _summary(self) -> str:
        return super()._summary().replace("QueryResponse", f"QueryResponse({self.api_name})", 1)

    def _returned(self) -> list[tuple[str, int]]:
        return [(name, pos) for pos, name in enumerate(self.fields)]

    def _column_types(self) -> dict[str, type[Any] | None]:
        return dict.fromkeys(self.fields)

    @classmethod
    def from_result(cls, api_name: str, result: _PagedRows) -> QueryResponse:
        """The response for the rows a paged call collected (a :class:`~.paginator.PageResult`)."""
        with collector_paused():
            rows = [tuple(item) for item in result.items]
        return cls.model_construct(
            api_name=api_name,
            rows=rows,
            fields=list(result.fields),
            completed=result.completed,
            next_offset=result.next_offset,
            request_id=result.request_ids[-1] if result.request_ids else None,
            pages=result.pages,
            extra_columns={},
        )


class _PagedRows(Protocol):
    @property
    def fields(self) -> Sequence[str]: ...
    @property
    def items(self) -> Sequence[Sequence[Any]]: ...
    @property
    def completed(self) -> bool: ...
    @property
    def next_offset(self) -> int | None: ...
    @property
    def request_ids(self) -> Sequence[str]: ...
    @property
    def pages(self) -> int: ...


_PANDAS_DTYPES: dict[type[Any] | None, str] = {float: "float64", int: "Int64", bool: "boolean"}
_PREVIEW_ROWS = 5
_HTML_HEAD_ROWS = 10
_HTML_TAIL_ROWS = 5


def _html_row(values: list[Any]) -> str:
    from ._internal.tabular import cell_text

    return "<tr>" + "".join(f"<td>{html.escape(cell_text(value))}</td>" for value in values) + "</tr>"

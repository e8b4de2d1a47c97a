"""Stored rows as the client's own typed response, backed by an Arrow table.

``Store.read("daily", ...)`` returns a ``DailyResponse`` (``tushare_typed.models``) like ``client.daily(...)``. The
rows live in an Arrow table; ``to_arrow`` / ``to_pandas`` / ``to_polars`` convert it directly (no Python objects
per value), and the typed ``rows`` are built on first access only, so reading a million rows into pandas never
makes a million NamedTuples.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, cast, overload

from pydantic import PrivateAttr

from .._internal.labels import Labels
from ..response import Response

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow

    from ..catalog import InterfaceSpec

__all__ = ["response_class", "stored_response"]

_PY_TYPES: dict[str, type[Any]] = {"str": str, "int": int, "float": float, "bool": bool, "date": str, "datetime": str}


class _ArrowRows(Sequence[Any]):
    """The typed rows of an Arrow table, made when first indexed or iterated."""

    def __init__(self, table: pyarrow.Table, row_type: type[Any], names: Sequence[str]) -> None:
        self._table = table
        self._row_type = row_type
        self._names = names

    @functools.cached_property
    def _rows(self) -> list[Any]:
        width = len(self._names)
        present = set(self._table.column_names)
        columns = [
            self._table.column(name).to_pylist() if name in present else [None] * self._table.num_rows
            for name in self._names
        ]
        make = self._row_type._make
        return [make(values) for values in zip(*columns, strict=True)] if width else []

    def __len__(self) -> int:
        return int(self._table.num_rows)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        return self._rows[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable-looking sequence: compare, never hash


def _to_arrow(self: Response[Any], labels: Labels = None) -> pyarrow.Table:
    table: pyarrow.Table = self._table  # type: ignore[attr-defined]
    if not labels:
        return table
    names = self._labelled(labels)
    return table.rename_columns([names[name] for name in table.column_names])


def _to_pandas(self: Response[Any], labels: Labels = None) -> pandas.DataFrame:
    import pandas as pd
    import pyarrow as pa

    # The client's stable dtypes: nullable Int64 and boolean, float64, object strings.
    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return _to_arrow(self, labels).to_pandas(types_mapper=mapping.get)


def _to_polars(self: Response[Any], labels: Labels = None) -> polars.DataFrame:
    import polars as pl

    return cast("polars.DataFrame", pl.from_arrow(_to_arrow(self, labels)))


def _columns(self: Response[Any], labels: Labels = None) -> dict[str, list[Any]]:
    table = _to_arrow(self, labels)
    return {name: table.column(name).to_pylist() for name in table.column_names}


@functools.cache
def _stored_class(base: type[Response[Any]]) -> type[Response[Any]]:
    """``base`` whose conversions go straight from the Arrow table it holds (still an instance of ``base``)."""
    namespace = {
        "__module__": base.__module__,
        "__doc__": base.__doc__,
        "__annotations__": {"_table": Any},
        "_table": PrivateAttr(default=None),
        "to_arrow": _to_arrow,
        "to_pandas": _to_pandas,
        "to_polars": _to_polars,
        "columns": _columns,
    }
    return cast(type[Response[Any]], type(base.__name__, (base,), namespace))


def response_class(spec: InterfaceSpec) -> type[Response[Any]]:
    """The client's response class for ``spec`` (``tushare_typed.models``), or one made from the catalog when the
    generated models do not have the interface with exactly these columns (a catalog newer than the models)."""
    package = __package__.rpartition(".")[0] if __package__ else ""
    try:
        module = importlib.import_module(f"{package}.models.{spec.api_name}")
        generated: type[Response[Any]] = module.ENDPOINT.response
    except (ImportError, AttributeError):
        return _made_class(spec)
    if tuple(generated.wire_names) != spec.field_names:
        return _made_class(spec)
    return generated


@functools.cache
def _made_class(spec: InterfaceSpec) -> type[Response[Any]]:
    pascal = "".join(part.capitalize() for part in spec.api_name.split("_"))
    row = NamedTuple(  # type: ignore[misc]
        f"{pascal}Row", [(f.attr, _PY_TYPES[f.python_type] | None) for f in spec.fields]
    )
    base = cast(type[Response[Any]], Response[row])
    return cast(
        type[Response[Any]],
        type(f"{pascal}Response", (base,), {"wire_names": spec.field_names, "__module__": __name__}),
    )


def stored_response(spec: InterfaceSpec, table: pyarrow.Table) -> Response[Any]:
    """The typed response holding ``table`` (its columns are wire names, a subset of the interface's)."""
    cls = _stored_class(response_class(spec))
    rows = _ArrowRows(table, cls.row_type(), cls.wire_names)
    # model_construct does not validate: the lazy sequence stands in for the list until a row is asked for.
    built = cls.model_construct(rows=cast(list[Any], rows), fields=list(table.column_names), completed=True, pages=0)
    built._table = table  # type: ignore[attr-defined]
    return built

"""Typed decoding of a reply straight from its raw bytes into row tuples.

pydantic-core validates the JSON body directly into the interface's `Row` NamedTuples in one pass (no
intermediate `json.loads` objects, no model per row). Numeric cells must be finite numbers of their column's type:
a boolean, a string, NaN/Infinity or a number that overflows to inf is a `MalformedReplyError` naming the column and
row; the one conversion is a float with no fraction in an int column (1000.0 → 1000). A column without a declared
type (one newer than our metadata, or any column of an interface the metadata does not know) takes any JSON value
but a non-finite number. A reply lacking a requested column, with a column twice, or `data: null` with code 0, is an
error too. The column order is guessed from the request (the named
`fields`, else the interface's default columns); when the server answers with other columns — a different order,
fewer, or columns newer than our metadata — the body is validated again against the columns it actually has,
and unknown columns are kept, typed `Any`, after the known ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, Generic, NamedTuple, Optional, TypeVar, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, create_model
from pydantic_core import core_schema

from ..errors import MalformedReplyError
from .collector import collector_paused
from .envelope import Count, Envelope, decode_envelope, malformed
from .fast_decode import fast_decode, fast_decoder

__all__ = ["RowDecoder", "TypedPage"]

RowT = TypeVar("RowT", bound=NamedTuple)
_UNBUILT = object()


@dataclass(frozen=True, slots=True)
class TypedPage(Generic[RowT]):
    """One decoded page. `items` are `RowT` when the reply had exactly the row's columns in order; otherwise
    plain tuples holding the known columns in row order, followed by the values of `extra_fields`."""

    fields: tuple[str, ...]
    items: list[Any]
    has_more: bool | None
    count: int | None
    request_id: str
    extra_fields: tuple[str, ...] = ()
    #: The column at each position of an item (the row type's columns, then the extra ones): not `fields`' order.
    item_fields: tuple[str, ...] = ()


def _whole_number(value: float) -> int:
    if not value.is_integer():
        raise ValueError("Input should be a whole number")
    return int(value)


def _finite_nested(value: Any) -> Any:
    """A list or object cell, refused when a number anywhere inside it is NaN or infinite."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError("Input should be a finite number")
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
    return value


def _untyped_cell_schema() -> core_schema.CoreSchema:
    """A cell of no declared type: null, a string, a boolean, an integer, a finite float, or a list / object
    without a non-finite number inside. Checked natively but for the (rare) containers."""
    containers = core_schema.no_info_after_validator_function(
        _finite_nested,
        core_schema.union_schema([core_schema.list_schema(strict=True), core_schema.dict_schema(strict=True)]),
    )
    return core_schema.union_schema(
        # The commonest first; an integer is tried before a float, which would take it as a float.
        [
            core_schema.str_schema(strict=True),
            core_schema.int_schema(strict=True),
            core_schema.float_schema(strict=True, allow_inf_nan=False),
            core_schema.none_schema(),
            core_schema.bool_schema(strict=True),
            containers,
        ],
        mode="left_to_right",
        custom_error_type="finite_value",
        custom_error_message="Input should be a finite number (not NaN or Infinity), a string, a boolean, null, a list "
        "or an object",
    )


def _cell_schema(hint: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
    """A cell's validation: numbers must be finite JSON numbers (no booleans, no strings, no NaN/Infinity, no
    overflow to inf); an int column also takes a float with no fraction (1000.0 → 1000), the one documented
    conversion. An undeclared (`Any`) column takes any JSON value but a non-finite number. Other types validate as
    their annotation says."""
    if hint is Any:
        return _untyped_cell_schema()
    if hint == float | None:
        return core_schema.nullable_schema(core_schema.float_schema(strict=True, allow_inf_nan=False))
    if hint == int | None:
        integral = core_schema.no_info_after_validator_function(
            _whole_number, core_schema.float_schema(strict=True, allow_inf_nan=False)
        )
        either = core_schema.union_schema([core_schema.int_schema(strict=True), integral], mode="left_to_right")
        return core_schema.nullable_schema(either)
    return handler.generate_schema(hint)


class _Cells:
    """pydantic metadata validating a row positionally with :func:`_cell_schema`, into ``row_type`` when given
    (built by pydantic-core itself, as fast as a plain NamedTuple) or into a tuple."""

    def __init__(self, hints: tuple[Any, ...], row_type: type[Any] | None) -> None:
        self.hints = hints
        self.row_type = row_type

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        cells = [_cell_schema(hint, handler) for hint in self.hints]
        if self.row_type is None:
            return core_schema.tuple_schema(cells)
        parameters = [
            core_schema.arguments_parameter(name, cell, mode="positional_only")
            for name, cell in zip(self.row_type._fields, cells, strict=True)
        ]
        return core_schema.call_schema(core_schema.arguments_schema(parameters), self.row_type)


class _Layout:
    """How one column tuple from the server maps onto the row type."""

    def __init__(self, row_type: type[Any] | None, columns: tuple[str, ...], types: dict[str, Any]) -> None:
        self.columns = columns
        self.whole_row = columns == tuple(types)
        self.extra_fields = tuple(name for name in columns if name not in types)
        known = {name: position for position, name in enumerate(columns)}
        self.picks = [known.get(name) for name in types] + [known[name] for name in self.extra_fields]
        # Items already in item order: no row type, or the columns given in the row type's order (and no more).
        self.in_order = self.picks == list(range(len(columns)))
        hints = tuple(types.get(c, Any) for c in columns)
        item_type: Any = Annotated[tuple, _Cells(hints, row_type if self.whole_row else None)]
        data = create_model(
            "Data",
            __config__=ConfigDict(extra="ignore"),
            fields=(list[Annotated[str, Field(strict=True)]], ...),
            items=(list[item_type], ...),
            has_more=(Annotated[bool | None, Field(strict=True)], None),
            count=(Optional[Count], None),  # noqa: UP045 (a runtime type expression)
        )
        self.envelope: type[Envelope[Any]] = Envelope[data]

    def arrange(self, items: list[Any]) -> list[Any]:
        if self.whole_row or self.in_order:
            return items
        picks = self.picks
        return [tuple(None if p is None else item[p] for p in picks) for item in items]


class RowDecoder(Generic[RowT]):
    """Decodes replies of one interface; layouts are built once per column tuple and cached. Without a row type
    (an interface the metadata does not know) every column is undeclared and items keep the reply's column order."""

    def __init__(self, row_type: type[RowT] | None, wire_names: tuple[str, ...] = ()) -> None:
        self.row_type = row_type
        self.types: dict[str, Any] = {}
        if row_type is not None:
            hints = get_type_hints(row_type)
            # Row attributes may differ from wire names (shibor's `1w` is `f_1w`); layouts speak wire names.
            self.types = {wire: hints[attr] for wire, attr in zip(wire_names, row_type._fields, strict=True)}
        self._layouts: dict[tuple[str, ...], _Layout] = {}
        self._fast: Any = _UNBUILT  # the msgspec decoder of whole rows (fast_decode.py), built on first use

    def _fast_page(self, body: bytes, request_id: str, columns: tuple[str, ...]) -> TypedPage[RowT] | None:
        """The page through the fast path, when the reply is the plain case: exactly the row type's columns."""
        if self.row_type is None or columns != tuple(self.types):
            return None
        if self._fast is _UNBUILT:
            self._fast = fast_decoder(self.row_type)
        if self._fast is None:
            return None
        with collector_paused():
            page = fast_decode(self._fast, body, columns)
        if page is None:
            return None
        return TypedPage(
            fields=columns,
            items=page.items,
            has_more=page.has_more,
            count=page.count,
            request_id=page.request_id or request_id,
            item_fields=columns,
        )

    def _layout(self, columns: tuple[str, ...]) -> _Layout:
        layout = self._layouts.get(columns)
        if layout is None:
            layout = self._layouts[columns] = _Layout(self.row_type, columns, self.types)
        return layout

    def decode(
        self,
        body: bytes,
        api_name: str,
        request_id: str,
        expected: tuple[str, ...],
        guess: tuple[str, ...] | None = None,
    ) -> TypedPage[RowT]:
        """The page in ``body``, which must hold the ``expected`` columns; ``guess`` (default ``expected``) is the
        column tuple to try first (a caller that knows the last page's columns passes them)."""
        first = expected if guess is None else guess
        if set(expected) <= set(first) and (fast := self._fast_page(body, request_id, first)) is not None:
            return fast
        layout = self._layout(first)
        try:
            decoded = decode_envelope(body, api_name, request_id, layout.envelope, strict=None, columns=first)
        except MalformedReplyError:
            # The guess may be wrong (other columns, other order): read the real columns and try once more.
            actual = _actual_columns(body)
            if actual is None or actual == first:
                raise
            layout = self._layout(actual)
            decoded = decode_envelope(body, api_name, request_id, layout.envelope, strict=None, columns=actual)
        data: Any = decoded.data
        if data is None:
            raise malformed(body, api_name, decoded.request_id, "code 0 (success) but data is null")
        columns = tuple(data.fields)
        if columns != layout.columns:
            layout = self._layout(columns)
            decoded = decode_envelope(body, api_name, request_id, layout.envelope, strict=None, columns=columns)
            data = decoded.data
        if layout.whole_row is False and len(columns) != len(set(columns)):
            raise malformed(body, api_name, decoded.request_id, f"duplicate column names {columns}")
        missing = [name for name in expected if name not in columns]
        if missing:
            # Filling them with None would pass a hole in the data off as missing values.
            raise malformed(body, api_name, decoded.request_id, f"the reply lacks the requested columns {missing}")
        return TypedPage(
            fields=columns,
            items=layout.arrange(data.items),
            has_more=data.has_more,
            count=data.count,
            request_id=decoded.request_id,
            extra_fields=layout.extra_fields,
            item_fields=tuple(self.types) + layout.extra_fields,
        )


class _FieldsOnly(BaseModel):
    model_config = ConfigDict(extra="ignore")

    class _Data(BaseModel):
        model_config = ConfigDict(extra="ignore")
        fields: list[str]

    data: _Data | None = None


def _actual_columns(body: bytes) -> tuple[str, ...] | None:
    try:
        head = _FieldsOnly.model_validate_json(body)
    except ValueError:
        return None
    return tuple(head.data.fields) if head.data else None

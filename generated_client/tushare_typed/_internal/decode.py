"""Typed decoding of a reply straight from its raw bytes into row tuples.

pydantic-core validates the JSON body directly into the interface's `Row` NamedTuples in one pass (no
intermediate `json.loads` objects, no model per row). The column order is guessed from the request (the named
`fields`, else the interface's default columns); when the server answers with other columns — a different order,
fewer, or columns newer than our metadata — the body is validated again against the columns it actually has,
and unknown columns are kept, typed `Any`, after the known ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, create_model

from ..errors import MalformedReplyError
from .envelope import Envelope, decode_envelope, malformed

__all__ = ["RowDecoder", "TypedPage"]

RowT = TypeVar("RowT", bound=NamedTuple)


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


class _Layout:
    """How one column tuple from the server maps onto the row type."""

    def __init__(self, row_type: type[Any], columns: tuple[str, ...], types: dict[str, Any]) -> None:
        self.columns = columns
        self.whole_row = columns == tuple(types)
        self.extra_fields = tuple(name for name in columns if name not in types)
        known = {name: position for position, name in enumerate(columns)}
        self.picks = [known.get(name) for name in types] + [known[name] for name in self.extra_fields]
        item_type: Any = (
            row_type if self.whole_row else tuple.__class_getitem__(tuple(types.get(c, Any) for c in columns))
        )
        data = create_model(
            "Data",
            __config__=ConfigDict(extra="ignore"),
            fields=(list[str], ...),
            items=(list[item_type], ...),
            has_more=(bool | None, None),
            count=(int | None, None),
        )
        self.envelope: type[Envelope[Any]] = Envelope[data]

    def arrange(self, items: list[Any]) -> list[Any]:
        if self.whole_row:
            return items
        picks = self.picks
        return [tuple(None if p is None else item[p] for p in picks) for item in items]


class RowDecoder(Generic[RowT]):
    """Decodes replies of one interface; layouts are built once per column tuple and cached."""

    def __init__(self, row_type: type[RowT], wire_names: tuple[str, ...]) -> None:
        hints = row_type.__annotations__
        self.row_type = row_type
        # Row attributes may differ from wire names (shibor's `1w` is `f_1w`); layouts speak wire names.
        self.types = {wire: hints[attr] for wire, attr in zip(wire_names, row_type._fields, strict=True)}
        self._layouts: dict[tuple[str, ...], _Layout] = {}

    def _layout(self, columns: tuple[str, ...]) -> _Layout:
        layout = self._layouts.get(columns)
        if layout is None:
            layout = self._layouts[columns] = _Layout(self.row_type, columns, self.types)
        return layout

    def decode(self, body: bytes, api_name: str, request_id: str, expected: tuple[str, ...]) -> TypedPage[RowT]:
        layout = self._layout(expected)
        try:
            decoded = decode_envelope(body, api_name, request_id, layout.envelope, strict=False)
        except MalformedReplyError:
            # The guess may be wrong (other columns, other order): read the real columns and try once more.
            actual = _actual_columns(body)
            if actual is None or actual == expected:
                raise
            layout = self._layout(actual)
            decoded = decode_envelope(body, api_name, request_id, layout.envelope, strict=False)
        data: Any = decoded.data
        if data is None:
            return TypedPage((), [], False, 0, decoded.request_id)
        columns = tuple(data.fields)
        if columns != layout.columns:
            layout = self._layout(columns)
            decoded = decode_envelope(body, api_name, request_id, layout.envelope, strict=False)
            data = decoded.data
        if layout.whole_row is False and len(columns) != len(set(columns)):
            raise malformed(body, api_name, decoded.request_id, f"duplicate column names {columns}")
        return TypedPage(
            fields=columns,
            items=layout.arrange(data.items),
            has_more=data.has_more,
            count=data.count,
            request_id=decoded.request_id,
            extra_fields=layout.extra_fields,
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

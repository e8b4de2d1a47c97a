"""The fast path of typed decoding: a successful reply whose columns are exactly the row type's, decoded by msgspec
straight into the interface's `Row` NamedTuples.

msgspec reads the common reply (code 0, the expected columns, well-typed cells) in a fifth of pydantic-core's time,
and it is at least as strict: booleans or strings in number columns, NaN/Infinity, numbers out of float range, rows
too short or too long, a negative or huge `count` are all refused. Anything it refuses, and every reply that is not
the plain case (an error code, `data: null`, other columns, an int column holding 1000.0), goes to the pydantic path
in :mod:`.decode`, which accepts exactly what it always did and names the row and column of a problem. So this path
changes speed only: it returns a page only where the pydantic path would return the same one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Final

if TYPE_CHECKING:
    import msgspec

__all__ = ["FastPage", "fast_decoder"]

# Bounds the pydantic envelope states (envelope.py): a code in 32 bits, a row count within exact float range.
_CODE_BOUNDS: Final = {"ge": -(2**31), "le": 2**31 - 1}
_COUNT_BOUNDS: Final = {"ge": 0, "le": 2**53}


class FastPage:
    """What the fast path read: the data of a code-0 reply, or None when the pydantic path must decide."""

    __slots__ = ("count", "fields", "has_more", "items", "request_id")

    def __init__(
        self, fields: list[str], items: list[Any], has_more: bool | None, count: int | None, request_id: str | None
    ) -> None:
        self.fields = fields
        self.items = items
        self.has_more = has_more
        self.count = count
        self.request_id = request_id


def fast_decoder(row_type: type[Any]) -> msgspec.json.Decoder[Any] | None:
    """A decoder of replies whose items are ``row_type`` rows, or None when msgspec is not installed or cannot
    represent the row type (then the pydantic path does all the work)."""
    try:
        import msgspec
    except ImportError:
        return None
    code = Annotated[int, msgspec.Meta(**_CODE_BOUNDS)]
    count = Annotated[int, msgspec.Meta(**_COUNT_BOUNDS)]
    rows: Any = list[row_type]  # type: ignore[valid-type]  # a NamedTuple class known only at run time
    data = msgspec.defstruct(
        "FastData",
        [
            ("fields", list[str]),
            ("items", rows),
            ("has_more", bool | None, None),
            ("count", count | None, None),
        ],
    )
    envelope = msgspec.defstruct(
        "FastEnvelope",
        [("code", code), ("msg", str | None, None), ("request_id", str | None, None), ("data", data | None, None)],
    )
    try:
        return msgspec.json.Decoder(envelope)
    except (TypeError, ValueError):  # a row annotation msgspec does not support
        return None


def fast_decode(decoder: msgspec.json.Decoder[Any], body: bytes, columns: tuple[str, ...]) -> FastPage | None:
    """The page of a code-0 reply whose columns are ``columns`` (the row type's, in order), else None."""
    import msgspec

    try:
        envelope = decoder.decode(body)
    except (msgspec.DecodeError, RecursionError):
        return None
    data = envelope.data
    if envelope.code != 0 or data is None or tuple(data.fields) != columns:
        return None
    return FastPage(data.fields, data.items, data.has_more, data.count, envelope.request_id)

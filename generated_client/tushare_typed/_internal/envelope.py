"""Decoding of tushare replies: ``{request_id, code, msg, data: {fields, items, has_more, count}}``.

A decoder is any ``Callable[[bytes, str, str], T]`` taking the raw body, the api_name and the local
request id. :func:`decode_page` is the generic one and returns a :class:`Page`; the generated client
supplies faster typed decoders per interface, built on :func:`decode_envelope` so that every
decoder maps replies to errors the same way:

- ``code != 0``: the typed error from :func:`.reply_errors.error_from_reply`;
- anything undecodable (bad JSON, wrong types, missing keys, out-of-range numbers, rows that do not
  match ``fields``): :class:`~tushare_typed.errors.MalformedReplyError`, never another exception.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import MalformedReplyError, redact_text
from .collector import collector_paused
from .reply_errors import error_from_reply

__all__ = [
    "Count",
    "Decoded",
    "Decoder",
    "Envelope",
    "Page",
    "RawData",
    "decode_envelope",
    "decode_page",
    "malformed",
]

T = TypeVar("T")
DataT = TypeVar("DataT")

#: ``decode(body, api_name, local_request_id) -> T``; raises TushareError subclasses only.
Decoder: TypeAlias = Callable[[bytes, str, str], T]

# Reply codes are small; a code outside 32 bits means the body is not a tushare reply.
_Code = Annotated[int, Field(ge=-(2**31), le=2**31 - 1, strict=True)]
# has_more/count drive paging; a count beyond exact float range is not a real row count.
_Count = Annotated[int, Field(ge=0, le=2**53, strict=True)]
#: The ``count`` of a reply, for typed decoders: an exact row count.
Count: TypeAlias = _Count
_SNIPPET_BYTES = 120


class Envelope(BaseModel, Generic[DataT]):
    """The reply envelope; ``DataT`` is the model of ``data`` (``RawData`` or a typed one)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    code: _Code
    msg: Annotated[str | None, Field(strict=True)] = None
    request_id: Annotated[str | None, Field(strict=True)] = None
    data: DataT | None = None


class RawData(BaseModel):
    """``data`` with untyped cells, as the generic decoder reads it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    fields: list[str]
    items: list[list[Any]]
    has_more: bool | None = None
    count: _Count | None = None


_RawEnvelope = Envelope[RawData]


class _CodeOnly(BaseModel):
    """Just enough of an envelope to report a server error when ``data`` is broken."""

    code: _Code
    msg: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class Decoded(Generic[DataT]):
    """What :func:`decode_envelope` returns: ``data`` and the request id to report."""

    data: DataT | None
    request_id: str


@dataclass(frozen=True, slots=True)
class Page:
    """One decoded page of rows; ``items`` rows line up with ``fields``."""

    fields: tuple[str, ...]
    items: list[list[Any]]
    has_more: bool | None
    count: int | None
    request_id: str

    def records(self) -> list[dict[str, Any]]:
        """The rows as ``{field: value}`` dicts."""
        return [dict(zip(self.fields, row, strict=True)) for row in self.items]


def malformed(body: bytes, api_name: str, request_id: str, reason: str) -> MalformedReplyError:
    """The error for an undecodable reply, with a short, redacted excerpt of the body."""
    excerpt = body[:_SNIPPET_BYTES].decode("utf-8", errors="replace")
    more = "…" if len(body) > _SNIPPET_BYTES else ""
    return MalformedReplyError(
        f"the reply to {api_name!r} could not be decoded: {reason}; "
        f"body ({len(body)} bytes) starts {redact_text(excerpt)!r}{more}",
        api_name=api_name,
        request_id=request_id,
    )


def _first_problem(error: ValidationError, columns: Sequence[str] | None = None) -> str:
    problems = error.errors(include_url=False, include_input=False)
    if not problems:
        return "invalid reply"
    first = problems[0]
    loc = first["loc"]
    location = ".".join(str(part) for part in loc) or "body"
    if len(loc) >= 4 and loc[:2] == ("data", "items") and isinstance(loc[2], int) and isinstance(loc[3], int):
        column = columns[loc[3]] if columns is not None and loc[3] < len(columns) else f"#{loc[3]}"
        location = f"row {loc[2]}, column {column!r}"
    extra = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"{location}: {first['msg']}{extra}"


def _server_error_despite_bad_data(body: bytes, api_name: str, request_id: str) -> None:
    """Raise the reply's own error when ``code != 0`` even though ``data`` failed validation."""
    try:
        head = _CodeOnly.model_validate_json(body, strict=True)
    except (ValidationError, ValueError, RecursionError):
        return
    if head.code != 0:
        raise error_from_reply(head.code, head.msg or "", api_name=api_name, request_id=head.request_id or request_id)


def decode_envelope(
    body: bytes,
    api_name: str,
    request_id: str,
    model: type[Envelope[DataT]],
    *,
    strict: bool | None = True,
    columns: Sequence[str] | None = None,
) -> Decoded[DataT]:
    """Validate ``body`` against ``model`` and return the ``data`` of a ``code == 0`` reply.

    The returned request id is the server's when it sent one, else ``request_id`` (the local one). Typed
    decoders pass ``strict=None`` (each cell's schema says how strict it is) and the ``columns`` they expect, so
    that a problem names its row and column.
    Raises the typed error for ``code != 0`` and ``MalformedReplyError`` for anything undecodable.
    """
    try:
        with collector_paused():
            envelope = model.model_validate_json(body, strict=strict)
    except ValidationError as exc:
        _server_error_despite_bad_data(body, api_name, request_id)
        raise malformed(body, api_name, request_id, _first_problem(exc, columns)) from None
    except (ValueError, RecursionError) as exc:
        raise malformed(body, api_name, request_id, type(exc).__name__) from None
    rid = envelope.request_id or request_id
    if envelope.code != 0:
        raise error_from_reply(envelope.code, envelope.msg or "", api_name=api_name, request_id=rid)
    return Decoded(data=envelope.data, request_id=rid)


def decode_page(body: bytes, api_name: str, request_id: str) -> Page:
    """The generic decoder: any interface's reply as a :class:`Page` of untyped rows."""
    decoded = decode_envelope(body, api_name, request_id, _RawEnvelope)
    data, rid = decoded.data, decoded.request_id
    if data is None:
        # Success without data would read as "no rows": a clear error is safer than a silently empty result.
        raise malformed(body, api_name, rid, "code 0 (success) but data is null")
    width = len(data.fields)
    for index, row in enumerate(data.items):
        if len(row) != width:
            reason = f"row {index} has {len(row)} values for {width} fields"
            raise malformed(body, api_name, rid, reason)
    return Page(
        fields=tuple(data.fields),
        items=data.items,
        has_more=data.has_more,
        count=data.count,
        request_id=rid,
    )

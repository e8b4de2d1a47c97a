"""How one generated method becomes HTTP calls: validate the request, page, decode typed rows, build the response.

Every generated interface module defines an :class:`Endpoint`; the client methods hand it to :func:`fetch` /
:func:`afetch` with the caller's arguments, the ``client.pages`` methods to :func:`iter_pages` / :func:`aiter_pages`.
Paging follows :mod:`.paginator`: all rows by default, bounded by ``max_rows`` / ``max_pages``; a failure midway
raises the error with ``.partial`` (a typed response of the rows so far) and ``.next_offset`` (pass it as
``offset=`` to resume). The interface's key columns (``keys``, from the
catalog) are added to the wire ``fields`` when the caller's omit them, so that repeats at page seams are provable,
and removed from the response again. ``deadline`` bounds the whole call (every page, retry and wait).
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, ValidationError

from ..errors import ParameterError
from ..response import Response
from .arguments import check_date_order, check_fields, split_names
from .decode import RowDecoder, TypedPage
from .paginator import DEFAULT_PAGE_SIZE, PageChunk, PageResult, apaginate, paginate
from .paginator import aiter_pages as aiter_chunks
from .paginator import iter_pages as iter_chunks
from .transport.options import RequestOptions

__all__ = ["Endpoint", "afetch", "aiter_pages", "fetch", "iter_pages"]

ResponseT = TypeVar("ResponseT", bound=Response[Any])
SyncCall = Callable[..., TypedPage[Any]]
AsyncCall = Callable[..., Awaitable[TypedPage[Any]]]


@dataclass(frozen=True)
class Endpoint(Generic[ResponseT]):
    """What the runtime needs to call one interface; generated per interface."""

    api_name: str
    request: type[BaseModel]
    response: type[ResponseT]
    default_fields: tuple[str, ...]
    row_limit: int | None

    @functools.cached_property
    def decoder(self) -> RowDecoder[Any]:
        # Built on first use, not when the interface module is imported: its validators cost to compile.
        return RowDecoder(self.response.row_type(), self.response.wire_names)

    def wire_params(self, params: Mapping[str, object]) -> dict[str, object]:
        """The arguments validated by the request model, in wire form, without the unset ones."""
        try:
            request = self.request.model_validate({k: v for k, v in params.items() if v is not None})
        except ValidationError as error:
            problems = "; ".join(
                # a parameter group's error belongs to no single argument: it has no location
                f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" if e["loc"] else e["msg"]
                for e in error.errors(include_url=False, include_input=False)
            )
            raise ParameterError(
                f"invalid arguments for {self.api_name}: {problems}",
                remediation=f"fix the named arguments; see help(TushareClient.{self.api_name})",
                api_name=self.api_name,
            ) from None
        wire = request.model_dump(exclude_none=True)
        check_date_order(wire, self.api_name)
        return wire

    def wire_fields(self, fields: Sequence[str] | str | None) -> tuple[str, ...] | None:
        if fields is None:
            return None
        names = split_names(fields) or []  # a name that is no string is a ParameterError here
        check_fields(self.api_name, names, self.response.wire_names)
        return tuple(names)

    def response_from(self, result: PageResult, hidden: tuple[str, ...] = ()) -> ResponseT:
        """The typed response for the rows a paged call collected, without the ``hidden`` columns."""
        return _build_response(self.response, result, len(self.response.wire_names), hidden)


@dataclass(frozen=True)
class _Plan(Generic[ResponseT]):
    """One call's wire arguments and paging, derived once from the caller's arguments."""

    endpoint: Endpoint[ResponseT]
    params: dict[str, object]
    fields: tuple[str, ...] | None
    options: RequestOptions | None
    offset: int
    max_rows: int | None
    max_pages: int | None
    #: The interface's key columns (seam de-duplication) and those of them sent only for that, hidden from the caller.
    keys: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()

    def decode(self, body: bytes, api_name: str, request_id: str) -> TypedPage[Any]:
        expected = self.fields or self.endpoint.default_fields
        return self.endpoint.decoder.decode(body, api_name, request_id, expected)

    def response_from(self, result: PageResult) -> ResponseT:
        """The typed response for ``result`` (the endpoint's response type), without the key columns fetched only
        to de-duplicate."""
        return self.endpoint.response_from(result, self.hidden)

    def page_args(self, offset: int, limit: int) -> dict[str, object]:
        return {**self.params, "offset": offset, "limit": limit}

    @property
    def limit(self) -> int:
        # Pages never ask for more than the documented cap; an interface whose page states none is paged in
        # DEFAULT_PAGE_SIZE chunks, and `has_more` (not the page length) then says when it is complete.
        return self.endpoint.row_limit or DEFAULT_PAGE_SIZE


def _plan(
    endpoint: Endpoint[ResponseT],
    params: Mapping[str, object],
    fields: Sequence[str] | None,
    offset: int,
    max_rows: int | None,
    max_pages: int | None,
    timeout: float | None,
    deadline: float | None,
    keys: Sequence[str],
) -> _Plan[ResponseT]:
    check_paging(offset, max_rows, max_pages, endpoint.api_name)
    options = call_options(timeout, deadline, endpoint.api_name)
    wanted = endpoint.wire_fields(fields)
    known_keys = tuple(key for key in keys if key in endpoint.response.wire_names)
    hidden, wire = with_key_columns(wanted, endpoint.default_fields, known_keys)
    return _Plan(
        endpoint,
        endpoint.wire_params(params),
        wire,
        options,
        offset,
        max_rows,
        max_pages,
        known_keys,
        hidden,
    )


def with_key_columns(
    wanted: tuple[str, ...] | None, default_fields: Sequence[str], keys: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """The key columns the caller did not ask for, and the wire ``fields`` that include them.

    Seam de-duplication needs every page to carry the keys; they are removed again from what the caller gets.
    """
    if wanted is None and not default_fields:
        # The server picks the columns (the metadata names no defaults): its default answer is left alone.
        return (), None
    shown = wanted if wanted is not None else tuple(default_fields)
    hidden = tuple(key for key in keys if key not in shown)
    return hidden, (shown + hidden if hidden else wanted)


def check_paging(offset: object, max_rows: object, max_pages: object, api_name: str | None) -> None:
    """Paging options are whole numbers in range; anything else is a ParameterError naming the option."""
    for name, value, minimum in (("offset", offset, 0), ("max_rows", max_rows, 0), ("max_pages", max_pages, 1)):
        if value is None and name != "offset":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ParameterError(
                f"{name} must be an integer >= {minimum}, got {value!r}",
                remediation=f"pass {name} as a whole number of at least {minimum}"
                + ("" if name == "offset" else ", or leave it out for no bound"),
                api_name=api_name,
            )


def call_options(timeout: object, deadline: object, api_name: str | None) -> RequestOptions | None:
    """Per-call options from a method's ``timeout=`` / ``deadline=`` (seconds for the whole call)."""
    if timeout is None and deadline is None:
        return None
    for name, value in (("timeout", timeout), ("deadline", deadline)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < float("inf")
        ):
            raise ParameterError(
                f"{name} must be a positive number of seconds, got {value!r}",
                remediation=f"pass {name}=30 (seconds), or leave it out",
                api_name=api_name,
            )
    deadline_at = time.monotonic() + float(deadline) if isinstance(deadline, int | float) else None
    return RequestOptions(timeout=float(timeout) if isinstance(timeout, int | float) else None, deadline_at=deadline_at)


def _build_response(
    response: type[ResponseT], result: PageResult, width: int, hidden: tuple[str, ...] = ()
) -> ResponseT:
    items = result.items
    if hidden:
        items, result = _without_columns(response, result, hidden)
    extra_fields = tuple(name for name in result.fields if name not in response.wire_names)
    extra_columns: dict[str, list[Any]] = {}
    if extra_fields:
        make = response.row_type()._make
        extra_columns = {name: [item[width + i] for item in items] for i, name in enumerate(extra_fields)}
        rows = [make(item[:width]) for item in items]
    elif items and type(items[0]) is not response.row_type():
        make = response.row_type()._make
        rows = [make(item) for item in items]
    else:
        rows = list(items)
    built = response.model_construct(
        rows=rows,
        fields=list(result.fields),
        completed=result.completed,
        next_offset=result.next_offset,
        request_id=result.request_ids[-1] if result.request_ids else None,
        pages=result.pages,
        extra_columns=extra_columns,
        duplicates_dropped=result.duplicates_dropped,
    )
    return cast(ResponseT, built)


def _without_columns(
    response: type[ResponseT], result: PageResult, hidden: tuple[str, ...]
) -> tuple[list[Any], PageResult]:
    """Items and result without the key columns that were fetched only to de-duplicate (their cells become None;
    columns the metadata does not know, after the row's, stay where they are)."""
    blank = frozenset(response.wire_names.index(name) for name in hidden)

    def strip(item: Sequence[Any]) -> Sequence[Any]:
        return tuple(None if i in blank else value for i, value in enumerate(item))

    items = [strip(item) for item in result.items]
    fields = tuple(name for name in result.fields if name not in hidden)
    return items, dataclasses.replace(result, items=items, fields=fields)


def fetch(
    call: SyncCall,
    endpoint: Endpoint[ResponseT],
    params: Mapping[str, object],
    fields: Sequence[str] | None,
    *,
    offset: int = 0,
    max_rows: int | None = None,
    max_pages: int | None = None,
    timeout: float | None = None,
    deadline: float | None = None,
    keys: Sequence[str] = (),
) -> ResponseT:
    """All rows of one interface call, through `call` (the client's single-page `_call`)."""
    plan = _plan(endpoint, params, fields, offset, max_rows, max_pages, timeout, deadline, keys)

    def one_page(args: dict[str, object]) -> TypedPage[Any]:
        return call(endpoint.api_name, args, fields=plan.fields, decode=plan.decode, options=plan.options)

    result = paginate(
        lambda o, n: one_page(plan.page_args(o, n)),
        plan.limit,
        start_offset=offset,
        max_pages=max_pages,
        max_rows=max_rows,
        api_name=endpoint.api_name,
        partial_as=plan.response_from,
        keys=plan.keys,
    )
    return plan.response_from(result)


async def afetch(
    call: AsyncCall,
    endpoint: Endpoint[ResponseT],
    params: Mapping[str, object],
    fields: Sequence[str] | None,
    *,
    offset: int = 0,
    max_rows: int | None = None,
    max_pages: int | None = None,
    timeout: float | None = None,
    deadline: float | None = None,
    keys: Sequence[str] = (),
) -> ResponseT:
    """Async :func:`fetch`."""
    plan = _plan(endpoint, params, fields, offset, max_rows, max_pages, timeout, deadline, keys)

    async def one_page(args: dict[str, object]) -> TypedPage[Any]:
        return await call(endpoint.api_name, args, fields=plan.fields, decode=plan.decode, options=plan.options)

    result = await apaginate(
        lambda o, n: one_page(plan.page_args(o, n)),
        plan.limit,
        start_offset=offset,
        max_pages=max_pages,
        max_rows=max_rows,
        api_name=endpoint.api_name,
        partial_as=plan.response_from,
        keys=plan.keys,
    )
    return plan.response_from(result)


def iter_pages(
    call: SyncCall,
    endpoint: Endpoint[ResponseT],
    params: Mapping[str, object],
    fields: Sequence[str] | None,
    *,
    offset: int = 0,
    max_rows: int | None = None,
    max_pages: int | None = None,
    timeout: float | None = None,
    deadline: float | None = None,
    keys: Sequence[str] = (),
) -> Iterator[ResponseT]:
    """The pages of one interface call as they arrive, each a typed response of that page's rows.

    Same arguments, checks and paging rules as :func:`fetch` (bounds, rows repeated at a seam dropped), holding one
    page at a time. A page's ``next_offset`` is where the stream continues after it; ``completed`` is True on the
    last page of a stream that reached the end. A failure raises the error with ``.next_offset`` (pass it as
    ``offset=`` to resume) and ``.partial``, a typed response without rows (they were yielded already). Bad
    arguments raise at the call, not at the first ``next()``.
    """
    plan = _plan(endpoint, params, fields, offset, max_rows, max_pages, timeout, deadline, keys)

    def one_page(start: int, limit: int) -> TypedPage[Any]:
        args = plan.page_args(start, limit)
        return call(endpoint.api_name, args, fields=plan.fields, decode=plan.decode, options=plan.options)

    chunks = iter_chunks(
        one_page,
        plan.limit,
        start_offset=offset,
        max_pages=max_pages,
        max_rows=max_rows,
        api_name=endpoint.api_name,
        partial_as=plan.response_from,
        keys=plan.keys,
    )
    return (_page_response(chunk, plan) for chunk in chunks)


def aiter_pages(
    call: AsyncCall,
    endpoint: Endpoint[ResponseT],
    params: Mapping[str, object],
    fields: Sequence[str] | None,
    *,
    offset: int = 0,
    max_rows: int | None = None,
    max_pages: int | None = None,
    timeout: float | None = None,
    deadline: float | None = None,
    keys: Sequence[str] = (),
) -> AsyncIterator[ResponseT]:
    """Async :func:`iter_pages`."""
    plan = _plan(endpoint, params, fields, offset, max_rows, max_pages, timeout, deadline, keys)

    async def one_page(start: int, limit: int) -> TypedPage[Any]:
        args = plan.page_args(start, limit)
        return await call(endpoint.api_name, args, fields=plan.fields, decode=plan.decode, options=plan.options)

    chunks = aiter_chunks(
        one_page,
        plan.limit,
        start_offset=offset,
        max_pages=max_pages,
        max_rows=max_rows,
        api_name=endpoint.api_name,
        partial_as=plan.response_from,
        keys=plan.keys,
    )
    return (_page_response(chunk, plan) async for chunk in chunks)


def _page_response(chunk: PageChunk, plan: _Plan[ResponseT]) -> ResponseT:
    """One streamed page as the typed response a collected call would give for just these rows."""
    completed = chunk.completed
    page = PageResult(
        fields=chunk.fields,
        items=chunk.items,
        completed=completed,
        next_offset=None if completed else chunk.next_offset,
        start_offset=chunk.offset,
        pages=1,
        duplicates_dropped=chunk.duplicates,
        request_ids=() if chunk.request_id is None else (chunk.request_id,),
    )
    return plan.response_from(page)

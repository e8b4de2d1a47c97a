"""How one generated method becomes HTTP calls: validate the request, page, decode typed rows, build the response.

Every generated interface module defines an :class:`Endpoint`; the client methods hand it to :func:`fetch` /
:func:`afetch` with the caller's arguments, the ``client.pages`` methods to :func:`iter_pages` / :func:`aiter_pages`.
Paging follows :mod:`.paginator`: all rows by default, bounded by ``max_rows`` / ``max_pages``; a failure midway
raises the error with ``.partial`` (a typed response of the rows so far) and ``.next_offset`` (pass it as
``offset=`` to resume).
"""

from __future__ import annotations

import functools
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

    def wire_fields(self, fields: Sequence[str] | None) -> tuple[str, ...] | None:
        if fields is None:
            return None
        if isinstance(fields, str):
            fields = split_names(fields) or []
        check_fields(self.api_name, fields, self.response.wire_names)
        return tuple(fields)

    def response_from(self, result: PageResult) -> ResponseT:
        """The typed response for the rows a paged call collected."""
        return _build_response(self.response, result, len(self.response.wire_names))


@dataclass(frozen=True)
class _Plan:
    """One call's wire arguments and paging, derived once from the caller's arguments."""

    endpoint: Endpoint[Any]
    params: dict[str, object]
    fields: tuple[str, ...] | None
    options: RequestOptions | None
    offset: int
    max_rows: int | None
    max_pages: int | None

    def decode(self, body: bytes, api_name: str, request_id: str) -> TypedPage[Any]:
        expected = self.fields or self.endpoint.default_fields
        return self.endpoint.decoder.decode(body, api_name, request_id, expected)

    def page_args(self, offset: int, limit: int) -> dict[str, object]:
        return {**self.params, "offset": offset, "limit": limit}

    @property
    def limit(self) -> int:
        # Pages never ask for more than the documented cap; an interface whose page states none is paged in
        # DEFAULT_PAGE_SIZE chunks, and `has_more` (not the page length) then says when it is complete.
        return self.endpoint.row_limit or DEFAULT_PAGE_SIZE


def _plan(
    endpoint: Endpoint[Any],
    params: Mapping[str, object],
    fields: Sequence[str] | None,
    offset: int,
    max_rows: int | None,
    max_pages: int | None,
    timeout: float | None,
) -> _Plan:
    if offset < 0:
        raise ParameterError(f"offset must be >= 0, got {offset}", api_name=endpoint.api_name)
    options = RequestOptions(timeout=timeout) if timeout is not None else None
    return _Plan(
        endpoint,
        endpoint.wire_params(params),
        endpoint.wire_fields(fields),
        options,
        offset,
        max_rows,
        max_pages,
    )


def _build_response(response: type[ResponseT], result: PageResult, width: int) -> ResponseT:
    items = result.items
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
    )
    return cast(ResponseT, built)


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
) -> ResponseT:
    """All rows of one interface call, through `call` (the client's single-page `_call`)."""
    plan = _plan(endpoint, params, fields, offset, max_rows, max_pages, timeout)

    def one_page(args: dict[str, object]) -> TypedPage[Any]:
        return call(endpoint.api_name, args, fields=plan.fields, decode=plan.decode, options=plan.options)

    result = paginate(
        lambda o, n: one_page(plan.page_args(o, n)),
        plan.limit,
        start_offset=offset,
        max_pages=max_pages,
        max_rows=max_rows,
        api_name=endpoint.api_name,
        partial_as=endpoint.response_from,
    )
    return endpoint.response_from(result)


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
) -> ResponseT:
    """Async :func:`fetch`."""
    plan = _plan(endpoint, params, fields, offset, max_rows, max_pages, timeout)

    async def one_page(args: dict[str, object]) -> TypedPage[Any]:
        return await call(endpoint.api_name, args, fields=plan.fields, decode=plan.decode, options=plan.options)

    result = await apaginate(
        lambda o, n: one_page(plan.page_args(o, n)),
        plan.limit,
        start_offset=offset,
        max_pages=max_pages,
        max_rows=max_rows,
        api_name=endpoint.api_name,
        partial_as=endpoint.response_from,
    )
    return endpoint.response_from(result)


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
) -> Iterator[ResponseT]:
    """The pages of one interface call as they arrive, each a typed response of that page's rows.

    Same arguments, checks and paging rules as :func:`fetch` (bounds, rows repeated at a seam dropped), holding one
    page at a time. A page's ``next_offset`` is where the stream continues after it; ``completed`` is True on the
    last page of a stream that reached the end. A failure raises the error with ``.next_offset`` (pass it as
    ``offset=`` to resume) and ``.partial``, a typed response without rows (they were yielded already). Bad
    arguments raise at the call, not at the first ``next()``.
    """
    plan = _plan(endpoint, params, fields, offset, max_rows, max_pages, timeout)

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
        partial_as=endpoint.response_from,
    )
    return (_page_response(chunk, endpoint) for chunk in chunks)


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
) -> AsyncIterator[ResponseT]:
    """Async :func:`iter_pages`."""
    plan = _plan(endpoint, params, fields, offset, max_rows, max_pages, timeout)

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
        partial_as=endpoint.response_from,
    )
    return (_page_response(chunk, endpoint) async for chunk in chunks)


def _page_response(chunk: PageChunk, endpoint: Endpoint[ResponseT]) -> ResponseT:
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
    return endpoint.response_from(page)

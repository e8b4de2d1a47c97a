"""What paging passes around: a fetched :class:`Page` (the protocol every fetcher's reply meets), a
:class:`PageChunk` (one page after de-duplication) and a :class:`PageResult` (all rows of a call); the loop that
makes them is :mod:`.paginator`, which re-exports these names."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "AsyncPageFetcher",
    "Page",
    "PageChunk",
    "PageFetcher",
    "PageResult",
    "SimplePage",
    "StopReason",
]

StopReason = Literal["exhausted", "max_pages", "max_rows", "error"]

#: Page size for interfaces whose docs state no row cap (and for `query`); `has_more` then decides completeness.
DEFAULT_PAGE_SIZE = 5000


class Page(Protocol):
    """One reply's data, as the transport decodes it."""

    @property
    def fields(self) -> Sequence[str]: ...

    @property
    def items(self) -> Sequence[Sequence[Any]]: ...

    @property
    def has_more(self) -> bool | None: ...


PageFetcher = Callable[[int, int], Page]
AsyncPageFetcher = Callable[[int, int], Awaitable[Page]]


@dataclass(frozen=True, slots=True)
class SimplePage:
    """A plain :class:`Page`, for fetchers that do not have one of their own."""

    fields: Sequence[str]
    items: Sequence[Sequence[Any]]
    has_more: bool | None = None


@dataclass(frozen=True, slots=True)
class PageChunk:
    """One fetched page, after de-duplication: what the page iterators yield."""

    fields: tuple[str, ...]
    items: list[Sequence[Any]]
    offset: int
    limit: int
    next_offset: int
    fetched: int
    duplicates: int
    has_more: bool | None
    last: bool
    completed: bool
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class PageResult:
    """All rows of a paged call. ``next_offset`` is where to continue when ``completed`` is False, else None."""

    fields: tuple[str, ...]
    items: list[Sequence[Any]]
    completed: bool
    next_offset: int | None
    start_offset: int = 0
    pages: int = 0
    duplicates_dropped: int = 0
    stop_reason: StopReason = "exhausted"
    request_ids: tuple[str, ...] = ()
    #: Keys of the last rows fetched before ``next_offset``, oldest first: lets ``resume=`` drop the seam's overlap.
    tail_keys: tuple[Hashable, ...] = field(default=(), repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.items)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts keyed by field name."""
        return [dict(zip(self.fields, row, strict=False)) for row in self.items]

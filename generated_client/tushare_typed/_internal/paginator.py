"""limit/offset paging over any single-page fetcher: every row exactly once, or a typed error.

A tushare interface returns at most ``row_limit`` rows per call; ``limit``/``offset`` page through the rest and
``has_more`` (and sometimes ``count``) say whether more exist. Paging here is generic over
``fetch(offset, limit) -> Page`` (anything with ``fields``, ``items`` and ``has_more``), so the same loop serves
the sync and the async client, typed or not.

Rules, all of which exist so that nothing is ever silently shortened or invented:

- paging stops when a page says ``has_more == False`` (unless ``count`` says more rows exist: doubts are resolved
  toward asking once more), or when an empty page arrives; a short page without ``has_more`` is confirmed by one
  more request, since a server may cap pages below ``limit`` without saying so;
- a row is dropped only when it provably repeats the previous page at the seam (:mod:`.seam`): ``keys`` names
  the interface's key columns, and only a leading run of rows whose keys appear in the previous page is dropped.
  Without keys no row is ever dropped. Dropped rows are counted (``duplicates_dropped``) and logged;
- a page that repeats the previous one (the server ignored ``offset``), an empty page with ``has_more == True``
  and an empty page before the stated ``count`` raise :class:`~.errors.MalformedReplyError`;
- ``max_pages`` / ``max_rows`` bound the work; the result then says ``completed=False`` and the ``next_offset``
  to continue from;
- a failure after the first page re-raises the :class:`~.errors.TushareError` with ``.partial`` (a
  :class:`PageResult` of the rows so far) and ``.next_offset``; call again with ``start_offset=err.next_offset``,
  or with ``resume=err.partial`` to also drop the overlap at the seam and get all rows in one result.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Hashable, Iterator, Sequence
from typing import Any

from ..errors import MalformedReplyError, ParameterError, TushareError
from ..progress import PageProgress
from .pages import (
    DEFAULT_PAGE_SIZE,
    AsyncPageFetcher,
    Page,
    PageChunk,
    PageFetcher,
    PageResult,
    SimplePage,
    StopReason,
)
from .seam import SeamGuard
from .telemetry import paging_span

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "AsyncPageFetcher",
    "Page",
    "PageChunk",
    "PageFetcher",
    "PageResult",
    "SimplePage",
    "StopReason",
    "aiter_pages",
    "apaginate",
    "iter_pages",
    "paginate",
]

_log = logging.getLogger("tushare_typed.paging")


def paginate(
    fetch: PageFetcher,
    limit: int,
    *,
    start_offset: int | None = None,
    max_pages: int | None = None,
    max_rows: int | None = None,
    dedupe: bool = True,
    resume: PageResult | None = None,
    api_name: str | None = None,
    partial_as: Callable[[PageResult], object] | None = None,
    keys: Sequence[str] = (),
) -> PageResult:
    """Fetch every page (within the bounds) and return all rows; see the module docstring for the rules.

    ``partial_as`` turns the rows so far into what the caller returns (a typed response): a failure's ``.partial``
    then has that one type from here up, instead of being rebuilt on the way.
    """
    pager = _Pager(limit, start_offset, max_pages, max_rows, dedupe, resume, api_name, keys)
    collector = _Collector(resume, pager.start_offset)
    try:
        with PageProgress(api_name) as progress, paging_span(api_name) as span:
            for chunk in _pages(pager, fetch, None):
                collector.add(chunk)
                progress.update(len(collector.items), collector.pages, more=not chunk.last)
            result = collector.result(pager)
            span.done(result.pages, len(result.items), result.completed)
    except TushareError as exc:
        collector.fill_partial(exc, partial_as)
        raise
    return result


async def apaginate(
    fetch: AsyncPageFetcher,
    limit: int,
    *,
    start_offset: int | None = None,
    max_pages: int | None = None,
    max_rows: int | None = None,
    dedupe: bool = True,
    resume: PageResult | None = None,
    api_name: str | None = None,
    partial_as: Callable[[PageResult], object] | None = None,
    keys: Sequence[str] = (),
) -> PageResult:
    """Async :func:`paginate`."""
    pager = _Pager(limit, start_offset, max_pages, max_rows, dedupe, resume, api_name, keys)
    collector = _Collector(resume, pager.start_offset)
    try:
        with PageProgress(api_name) as progress, paging_span(api_name) as span:
            async for chunk in _apages(pager, fetch, None):
                collector.add(chunk)
                progress.update(len(collector.items), collector.pages, more=not chunk.last)
            result = collector.result(pager)
            span.done(result.pages, len(result.items), result.completed)
    except TushareError as exc:
        collector.fill_partial(exc, partial_as)
        raise
    return result


def iter_pages(
    fetch: PageFetcher,
    limit: int,
    *,
    start_offset: int | None = None,
    max_pages: int | None = None,
    max_rows: int | None = None,
    dedupe: bool = True,
    resume: PageResult | None = None,
    api_name: str | None = None,
    partial_as: Callable[[PageResult], object] | None = None,
    keys: Sequence[str] = (),
) -> Iterator[PageChunk]:
    """Yield page by page, holding only the keys of the last ``limit`` rows.

    On failure the error's ``.partial`` holds no rows (they were yielded already) but carries ``next_offset`` and
    the seam's row keys, so ``resume=err.partial`` continues without repeats; ``partial_as`` as in :func:`paginate`.
    Bad arguments raise at once.
    """
    return _pages(_Pager(limit, start_offset, max_pages, max_rows, dedupe, resume, api_name, keys), fetch, partial_as)


def aiter_pages(
    fetch: AsyncPageFetcher,
    limit: int,
    *,
    start_offset: int | None = None,
    max_pages: int | None = None,
    max_rows: int | None = None,
    dedupe: bool = True,
    resume: PageResult | None = None,
    api_name: str | None = None,
    partial_as: Callable[[PageResult], object] | None = None,
    keys: Sequence[str] = (),
) -> AsyncIterator[PageChunk]:
    """Async :func:`iter_pages`."""
    return _apages(_Pager(limit, start_offset, max_pages, max_rows, dedupe, resume, api_name, keys), fetch, partial_as)


def _pages(pager: _Pager, fetch: PageFetcher, partial_as: Callable[[PageResult], object] | None) -> Iterator[PageChunk]:
    while (request := pager.next_request()) is not None:
        try:
            chunk = pager.feed(fetch(*request), *request)
        except TushareError as exc:
            pager.fill_partial(exc, partial_as)
            raise
        yield chunk


async def _apages(
    pager: _Pager, fetch: AsyncPageFetcher, partial_as: Callable[[PageResult], object] | None
) -> AsyncIterator[PageChunk]:
    while (request := pager.next_request()) is not None:
        try:
            chunk = pager.feed(await fetch(*request), *request)
        except TushareError as exc:
            pager.fill_partial(exc, partial_as)
            raise
        yield chunk


class _Pager:
    """The paging state machine shared by the sync and async loops: which page next, and what a page means."""

    def __init__(
        self,
        limit: int,
        start_offset: int | None,
        max_pages: int | None,
        max_rows: int | None,
        dedupe: bool,
        resume: PageResult | None,
        api_name: str | None,
        keys: Sequence[str] = (),
    ) -> None:
        _check_bounds(limit, start_offset, max_pages, max_rows)
        if resume is not None and resume.next_offset is None:
            raise ParameterError(
                "resume= needs an incomplete result (its next_offset is None)",
                remediation="pass the .partial of a failed call, or a result whose completed is False",
                api_name=api_name,
            )
        self.limit = limit
        self.max_pages = max_pages
        self.max_rows = max_rows
        self.dedupe = dedupe
        self.api_name = api_name
        self.resume = resume
        default_start = resume.next_offset if resume is not None and resume.next_offset is not None else 0
        self.start_offset = default_start if start_offset is None else start_offset
        self.offset = self.start_offset
        self.pages = 0
        self.rows = 0
        self.fields: tuple[str, ...] = resume.fields if resume is not None else ()
        self.seam = SeamGuard(keys if dedupe else (), resume.tail_keys if resume is not None else (), limit)
        self.repeat_streak = 0
        self.done = False
        self.stop_reason: StopReason = "exhausted"

    @property
    def recent(self) -> tuple[Hashable, ...]:
        return tuple(self.seam.previous)

    def next_request(self) -> tuple[int, int] | None:
        if self.done:
            return None
        if self.max_pages is not None and self.pages >= self.max_pages:
            self._stop("max_pages")
            return None
        if self.max_rows is None:
            return self.offset, self.limit
        remaining = self.max_rows - self.rows
        if remaining <= 0:
            self._stop("max_rows")
            return None
        # Ask for no more than is still wanted; the short-page rule below compares with what was asked.
        return self.offset, min(self.limit, remaining)

    def feed(self, page: Page, offset: int, limit: int) -> PageChunk:
        raw = page.items
        self._check_page(page, offset)
        layout = getattr(page, "item_fields", None) or None  # typed pages lay items out by the row type
        fields = self.fields or tuple(page.fields)
        # Row identities cost a pass over the page: they are needed to compare it with what came before, and to
        # remember it for the next page; a first page that completes the call (the common case) needs neither.
        compared = bool(self.pages) or bool(self.seam.previous)
        identities, keyed = self.seam.identities(fields, raw, layout) if compared else ([], self.seam.keyed)
        only_repeats = bool(self.pages) and self.seam.repeated_page(identities, keyed)
        # Pages of nothing but seam repeats can be a shift of up to a page; more repeats in a row than a page holds
        # (or, without keys, one identical page) mean the server sends the same rows whatever the offset.
        self.repeat_streak = self.repeat_streak + len(raw) if only_repeats else 0
        if only_repeats and (self.repeat_streak > self.limit or not keyed):
            raise MalformedReplyError(
                f"the server ignored offset: the page at offset {offset} repeats the previous page "
                f"({len(raw)} rows), so paging stops here instead of looping",
                api_name=self.api_name,
                remediation="resume later with offset=err.next_offset; report it if the server keeps doing it",
            )
        dropped = self.seam.seam_repeats(identities, keyed)
        kept = list(raw[dropped:]) if dropped else list(raw)
        cut = len(raw)
        truncated = self.max_rows is not None and self.rows + len(kept) > self.max_rows
        if truncated:
            take = self.max_rows - self.rows  # type: ignore[operator]
            # Resume at the first row not returned; the repeats before it were dropped anyway.
            cut = dropped + take
            kept = kept[:take]
        # A short page of nothing but seam repeats, with no more announced, is the shifted end of the data.
        ended = (only_repeats and page.has_more is not True and len(raw) < limit) or self._ended(page, offset, limit)
        completed = ended and not truncated
        if truncated:
            self._stop("max_rows")
        elif ended:
            self._stop("exhausted")
        if dropped:
            _log.info(
                "%s: dropped %d rows at offset %d whose keys %s repeat the previous page",
                self.api_name or "paging",
                dropped,
                offset,
                list(self.seam.keys),
            )
        self.offset = offset + cut
        self.pages += 1
        self.rows += len(kept)
        if raw and not completed:
            if not compared:
                identities, keyed = self.seam.identities(fields, raw, layout)
            self.seam.remember(identities[:cut], keyed)
        if not self.done:
            # Say so now, so the chunk's `last` is true whenever no further page will be fetched.
            if self.max_pages is not None and self.pages >= self.max_pages:
                self._stop("max_pages")
            elif self.max_rows is not None and self.rows >= self.max_rows:
                self._stop("max_rows")
        return PageChunk(
            fields=self.fields,
            items=kept,
            offset=offset,
            limit=limit,
            next_offset=self.offset,
            fetched=len(raw),
            duplicates=dropped,
            has_more=page.has_more,
            last=self.done,
            completed=completed,
            request_id=getattr(page, "request_id", None),
        )

    def _ended(self, page: Page, offset: int, limit: int) -> bool:
        """Whether this page is the last one. Every doubt is resolved toward asking once more."""
        fetched = len(page.items)
        count = getattr(page, "count", None)
        count = count if isinstance(count, int) and not isinstance(count, bool) else None
        if not fetched:
            if count is not None and offset < count:
                raise MalformedReplyError(
                    f"the server reported {count} rows but returned none from offset {offset}",
                    api_name=self.api_name,
                    remediation="resume later with offset=err.next_offset; the rows already fetched are in .partial",
                )
            return True
        if page.has_more is True:
            return False
        if count is not None and offset + fetched < count:
            return False  # has_more and count disagree: the count says more exist, so ask
        if page.has_more is False:
            return True
        # has_more unknown: a full page surely has a successor; a short one may be a server cap below `limit`,
        # so one more request confirms the end (it comes back empty) unless the count already says so.
        return count is not None and offset + fetched >= count

    def _stop(self, reason: StopReason) -> None:
        self.done = True
        self.stop_reason = reason

    def fill_partial(self, exc: TushareError, partial_as: Callable[[PageResult], object] | None = None) -> None:
        """Make a failure resumable: it carries where to continue and the seam's row keys (as ``partial_as``
        makes them, when given; the collector re-shapes the plain ones with the rows it holds)."""
        if self.pages == 0 and self.resume is None:
            return  # nothing was fetched: the plain error says all there is
        exc.next_offset = self.offset
        partial = PageResult(
            fields=self.fields,
            items=[],
            completed=False,
            next_offset=self.offset,
            start_offset=self.start_offset,
            pages=self.pages,
            stop_reason="error",
            tail_keys=self.recent,
        )
        exc.partial = partial if partial_as is None else partial_as(partial)

    def _check_page(self, page: Page, offset: int) -> None:
        if page.has_more is True and not page.items:
            # Asking again at the same offset would loop for ever; returning would silently shorten.
            raise MalformedReplyError(
                f"the server said more rows exist but returned none at offset {offset}", api_name=self.api_name
            )
        fields = tuple(page.fields)
        if not self.fields:
            self.fields = fields
        elif fields and fields != self.fields and page.items:
            raise MalformedReplyError(
                f"page at offset {offset} has fields {list(fields)}, earlier pages had {list(self.fields)}",
                api_name=self.api_name,
            )


class _Collector:
    """Gathers yielded chunks into one :class:`PageResult`, starting from a resumed result if there is one."""

    def __init__(self, resume: PageResult | None, start_offset: int) -> None:
        self.items: list[Sequence[Any]] = list(resume.items) if resume is not None else []
        self.fields: tuple[str, ...] = resume.fields if resume is not None else ()
        self.pages = resume.pages if resume is not None else 0
        self.duplicates = resume.duplicates_dropped if resume is not None else 0
        self.request_ids: list[str] = list(resume.request_ids) if resume is not None else []
        self.start_offset = resume.start_offset if resume is not None else start_offset

    def add(self, chunk: PageChunk) -> None:
        self.items.extend(chunk.items)
        self.fields = chunk.fields or self.fields
        self.pages += 1
        self.duplicates += chunk.duplicates
        if chunk.request_id is not None:
            self.request_ids.append(chunk.request_id)

    def fill_partial(self, exc: TushareError, partial_as: Callable[[PageResult], object] | None = None) -> None:
        partial = exc.partial
        if isinstance(partial, PageResult):
            rows_so_far = self._result(partial.completed, partial.next_offset, "error", partial.tail_keys)
            exc.partial = rows_so_far if partial_as is None else partial_as(rows_so_far)

    def result(self, pager: _Pager) -> PageResult:
        completed = pager.stop_reason == "exhausted"
        tail = () if completed else tuple(pager.recent)
        return self._result(completed, None if completed else pager.offset, pager.stop_reason, tail)

    def _result(
        self, completed: bool, next_offset: int | None, reason: StopReason, tail: tuple[Hashable, ...]
    ) -> PageResult:
        return PageResult(
            fields=self.fields,
            items=self.items,
            completed=completed,
            next_offset=next_offset,
            start_offset=self.start_offset,
            pages=self.pages,
            duplicates_dropped=self.duplicates,
            stop_reason=reason,
            request_ids=tuple(self.request_ids),
            tail_keys=tail,
        )


def _check_bounds(limit: int, start_offset: int | None, max_pages: int | None, max_rows: int | None) -> None:
    for name, value, minimum in (
        ("limit", limit, 1),
        ("offset", start_offset, 0),
        ("max_pages", max_pages, 1),
        ("max_rows", max_rows, 0),
    ):
        if value is None and name != "limit":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ParameterError(
                f"{name} must be an integer >= {minimum}, got {value!r}",
                remediation=f"pass {name} as a whole number of at least {minimum}"
                + ("" if name == "limit" else ", or leave it out"),
            )

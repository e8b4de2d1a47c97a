"""paginator.py: paging rules, de-duplication, bounds, partial results and resume, against an in-memory source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tushare_typed._internal import paginator
from tushare_typed._internal.paginator import PageChunk, PageFetcher, PageResult, SimplePage
from tushare_typed.errors import MalformedReplyError, ParameterError, ServiceError, TushareError

from .halves import HALVES, Pager

FIELDS = ("id", "value")
#: `id` identifies a row: repeats at page seams are recognised by it (without keys no row is ever dropped).
KEYS = ("id",)


def paginate(*args: Any, **options: Any) -> PageResult:
    return paginator.paginate(*args, **{"keys": KEYS, **options})


async def apaginate(*args: Any, **options: Any) -> PageResult:
    return await paginator.apaginate(*args, **{"keys": KEYS, **options})


def iter_pages(*args: Any, **options: Any) -> Any:
    return paginator.iter_pages(*args, **{"keys": KEYS, **options})


def aiter_pages(*args: Any, **options: Any) -> Any:
    return paginator.aiter_pages(*args, **{"keys": KEYS, **options})


class KeyedPager(Pager):
    """A :class:`Pager` whose rows are identified by ``KEYS`` unless a test passes other ``keys``."""

    def paginate(self, fetch: PageFetcher, limit: int, **kwargs: Any) -> PageResult:
        return super().paginate(fetch, limit, **{"keys": KEYS, **kwargs})


@pytest.fixture(params=HALVES)
def pager(request: pytest.FixtureRequest) -> Pager:
    """``paginate`` of one half: every test taking it runs on ``paginate`` and on ``apaginate``."""
    return KeyedPager(request.param)


class Source:
    """A server over ``rows``: caps pages at ``cap``, repeats rows of the previous page, can fail.

    ``overlap`` rows are repeated once, at the first seam (every later page is shifted by them), or at every seam
    with ``every_page`` (the page at offset ``o`` starts ``overlap`` rows earlier for each page before it).
    """

    def __init__(
        self,
        rows: Sequence[Sequence[Any]],
        *,
        cap: int = 10**9,
        overlap: int = 0,
        every_page: bool = False,
        flag: bool = True,
        fail_on: frozenset[int] = frozenset(),
    ) -> None:
        self.rows = list(rows)
        self.cap = cap
        self.overlap = overlap
        self.every_page = every_page
        self.flag = flag
        self.fail_on = fail_on
        self.calls = 0
        self.requests: list[tuple[int, int]] = []

    def __call__(self, offset: int, limit: int) -> SimplePage:
        self.calls += 1
        self.requests.append((offset, limit))
        if self.calls in self.fail_on:
            raise ServiceError(f"injected failure on call {self.calls}")
        size = min(limit, self.cap)
        pages_before = -(-offset // size) if self.every_page else min(offset, 1)
        start = max(0, offset - self.overlap * pages_before)
        items = self.rows[start : start + size]
        has_more = start + len(items) < len(self.rows) if self.flag else None
        return SimplePage(fields=FIELDS, items=items, has_more=has_more)

    async def fetch_async(self, offset: int, limit: int) -> SimplePage:
        return self(offset, limit)


def distinct_rows(n: int) -> list[list[Any]]:
    return [[i, f"v{i}"] for i in range(n)]


def attempt(source: Source, limit: int, **options: Any) -> PageResult | TushareError:
    """One paged call: its result, or the error it raised."""
    try:
        return paginate(source, limit, **options)
    except TushareError as exc:
        return exc


def fetch_all_resuming(source: Source, limit: int, **bounds: Any) -> PageResult:
    """Call until complete, resuming each failure or bounded stop from where it left off."""
    result: PageResult | None = None
    for _ in range(1000):
        outcome = attempt(source, limit, resume=result, **bounds)
        if isinstance(outcome, PageResult):
            if outcome.completed:
                return outcome
            result = outcome
        elif isinstance(outcome.partial, PageResult):
            assert outcome.next_offset == outcome.partial.next_offset
            result = outcome.partial
        else:
            assert result is None  # only a fresh call's first page may fail without a partial result
    raise AssertionError("paging never completed")


# --- properties --------------------------------------------------------------------------------------------------


Setup = tuple[int, int, int, int, bool, bool]


@st.composite
def paging_setups(draw: st.DrawFn, every_page: bool | None = None) -> Setup:
    total = draw(st.integers(0, 250))
    limit = draw(st.integers(1, 40))
    flag = draw(st.booleans())
    # Without has_more a capped (short) page means "the end", so only flagged servers may cap below the limit.
    cap = draw(st.integers(1, 60)) if flag else draw(st.integers(limit, 60))
    overlap = draw(st.integers(0, min(limit, cap) - 1))
    every = draw(st.booleans()) if every_page is None else every_page
    return total, limit, cap, overlap, every, flag


def source_for(setup: Setup, **options: Any) -> Source:
    total, _, cap, overlap, every, flag = setup
    return Source(distinct_rows(total), cap=cap, overlap=overlap, every_page=every, flag=flag, **options)


@settings(max_examples=150, deadline=None)
@given(setup=paging_setups())
def test_every_row_comes_back_exactly_once(setup: Setup) -> None:
    rows = distinct_rows(setup[0])
    result = paginate(source_for(setup), setup[1])
    assert result.items == rows
    assert result.completed
    assert result.next_offset is None
    assert result.stop_reason == "exhausted"


@settings(max_examples=150, deadline=None)
@given(setup=paging_setups(), failures=st.frozensets(st.integers(1, 30), max_size=6))
def test_failures_yield_partial_rows_and_resume_completes_them(setup: Setup, failures: frozenset[int]) -> None:
    result = fetch_all_resuming(source_for(setup, fail_on=failures), setup[1])
    assert result.items == distinct_rows(setup[0])


@settings(max_examples=100, deadline=None)
@given(
    total=st.integers(0, 200),
    limit=st.integers(1, 30),
    failures=st.frozensets(st.integers(2, 20), min_size=1, max_size=4),
)
def test_resuming_from_next_offset_alone_continues_where_it_failed(
    total: int, limit: int, failures: frozenset[int]
) -> None:
    rows = distinct_rows(total)
    source = Source(rows, fail_on=failures)
    collected: list[Sequence[Any]] = []
    offset = 0
    while True:
        outcome = attempt(source, limit, start_offset=offset)
        if isinstance(outcome, PageResult):
            collected.extend(outcome.items)
            break
        if outcome.next_offset is None:  # failed on its first page: nothing to keep, retry from the same place
            continue
        assert isinstance(outcome.partial, PageResult)
        assert outcome.partial.start_offset == offset
        collected.extend(outcome.partial.items)
        offset = outcome.next_offset
    assert collected == rows


@settings(max_examples=150, deadline=None)
@given(
    # A max_rows cut can leave a page shorter than the overlap, so bounds are tested with the one-seam overlap.
    setup=paging_setups(every_page=False),
    max_rows=st.none() | st.integers(0, 90),
    max_pages=st.none() | st.integers(1, 5),
)
def test_bounded_calls_say_they_are_incomplete_and_resume_exactly(
    setup: Setup, max_rows: int | None, max_pages: int | None
) -> None:
    rows = distinct_rows(setup[0])
    limit = setup[1]
    source = source_for(setup)
    first = paginate(source, limit, max_rows=max_rows, max_pages=max_pages)
    if max_rows is not None:
        assert len(first.items) <= max_rows
    if max_pages is not None:
        assert first.pages <= max_pages
    assert first.items == rows[: len(first.items)]
    if not first.completed:
        assert first.next_offset is not None
        assert first.stop_reason in ("max_rows", "max_pages")
    full = fetch_all_resuming(source, limit, max_rows=max_rows or None, max_pages=max_pages)
    assert full.items == rows


def reference_dedupe(pages: list[list[tuple[int, int]]], limit: int) -> list[tuple[int, int]] | None:
    """The documented rule, written plainly: drop the leading rows whose key (the first value) appears among the
    `limit` rows fetched before; None where more than `limit` rows in a row are such repeats (offset ignored)."""
    out: list[tuple[int, int]] = list(pages[0]) if pages else []
    fetched: list[tuple[int, int]] = list(pages[0]) if pages else []
    streak = 0
    for number, page in enumerate(pages[1:], start=2):
        seen = {row[0] for row in fetched[-limit:]}
        fetched.extend(page)
        streak = streak + len(page) if page and all(row[0] in seen for row in page) else 0
        if streak > limit:
            return None
        if streak and number == len(pages) and len(page) < limit:
            return out  # the shifted end: a short last page of repeats only
        lead = 0
        while lead < len(page) and page[lead][0] in seen:
            lead += 1
        out.extend(page[lead:])
    return out


@settings(max_examples=200, deadline=None)
@given(limit=st.integers(1, 6), data=st.data())
def test_dedupe_drops_only_leading_repeats_of_the_previous_pages_keys(limit: int, data: st.DataObject) -> None:
    row = st.tuples(st.integers(0, 3), st.integers(0, 2))  # a tiny alphabet, so repeats are common
    n_pages = data.draw(st.integers(1, 6))
    # Pages may be short (a server capping below the limit says has_more=True); the last one ends the call.
    pages = [data.draw(st.lists(row, min_size=1, max_size=limit)) for _ in range(n_pages - 1)]
    pages.append(data.draw(st.lists(row, min_size=0, max_size=limit)))
    served = iter(enumerate(pages, start=1))
    expected_offset = 0

    def fetch(offset: int, asked: int) -> SimplePage:
        nonlocal expected_offset
        assert (offset, asked) == (expected_offset, limit)
        number, page = next(served)
        expected_offset += len(page)
        return SimplePage(FIELDS, page, number < n_pages)

    expected = reference_dedupe(pages, limit)
    if expected is None:
        with pytest.raises(MalformedReplyError, match="ignored offset"):
            paginate(fetch, limit)
        return
    result = paginate(fetch, limit)
    assert result.items == expected
    assert result.completed


@settings(max_examples=80, deadline=None)
@given(setup=paging_setups())
def test_streaming_yields_the_same_rows_page_by_page(setup: Setup) -> None:
    rows = distinct_rows(setup[0])
    limit = setup[1]
    chunks = list(iter_pages(source_for(setup), limit))
    assert [row for chunk in chunks for row in chunk.items] == rows
    assert all(len(chunk.items) <= limit for chunk in chunks)
    assert [chunk.last for chunk in chunks] == [False] * (len(chunks) - 1) + [True]
    assert chunks[-1].completed


# --- rules, one by one -------------------------------------------------------------------------------------------


def test_a_short_page_with_has_more_true_does_not_stop_paging(pager: Pager) -> None:
    source = Source(distinct_rows(25), cap=7)
    result = pager.paginate(source, 10)
    assert len(result.items) == 25
    assert source.requests == [(0, 10), (7, 10), (14, 10), (21, 10)]


def test_without_has_more_a_full_page_continues_and_an_empty_one_stops(pager: Pager) -> None:
    source = Source(distinct_rows(20), flag=False)
    result = pager.paginate(source, 10)
    assert result.completed
    assert len(result.items) == 20
    assert source.requests == [(0, 10), (10, 10), (20, 10)]


def test_identical_rows_are_kept_without_keys_even_across_a_seam(pager: Pager) -> None:
    rows = [[1, "a"], [1, "a"], [2, "b"], [3, "c"], [3, "c"], [4, "d"]]
    assert pager.paginate(Source(rows), 3, keys=()).items == rows
    assert pager.paginate(Source(rows), 2, keys=()).items == rows


def test_a_short_page_without_has_more_is_confirmed_by_one_more_request() -> None:
    source = Source(distinct_rows(25), cap=7, flag=False)
    result = paginate(source, 10)
    assert result.items == distinct_rows(25)
    assert source.requests == [(0, 10), (7, 10), (14, 10), (21, 10), (25, 10)]


def test_a_server_ignoring_offset_is_an_error_with_the_rows_so_far() -> None:
    def fetch(offset: int, limit: int) -> SimplePage:
        return SimplePage(FIELDS, distinct_rows(limit), True)

    for keys, requests in ((KEYS, 3), ((), 2)):
        with pytest.raises(MalformedReplyError, match="ignored offset") as info:
            paginate(fetch, 5, keys=keys)
        assert isinstance(info.value.partial, PageResult)
        assert info.value.partial.items == distinct_rows(5)
        assert info.value.next_offset == 5 * (requests - 1)


def test_count_that_says_more_than_has_more_is_fetched() -> None:
    rows = distinct_rows(12)

    def fetch(offset: int, limit: int) -> Any:
        return paginator_page(rows[offset : offset + limit], has_more=False, count=12)

    assert paginate(fetch, 5).items == rows


def test_an_empty_page_before_the_stated_count_is_an_error() -> None:
    def fetch(offset: int, limit: int) -> Any:
        return paginator_page(distinct_rows(5) if offset == 0 else [], has_more=False, count=12)

    with pytest.raises(MalformedReplyError, match="reported 12 rows"):
        paginate(fetch, 5)


def paginator_page(items: list[list[Any]], *, has_more: bool | None, count: int | None) -> Any:
    from tushare_typed._internal.envelope import Page

    return Page(fields=FIELDS, items=items, has_more=has_more, count=count, request_id="rid")


def test_overlap_is_dropped_and_counted(pager: Pager) -> None:
    rows = distinct_rows(30)
    result = pager.paginate(Source(rows, overlap=3, every_page=True), 10)
    assert result.items == rows
    assert result.duplicates_dropped == 9


def test_dedupe_can_be_turned_off(pager: Pager) -> None:
    result = pager.paginate(Source(distinct_rows(20), overlap=2, every_page=True), 10, dedupe=False)
    assert len(result.items) == 24


def test_rows_with_unhashable_values_are_deduplicated(pager: Pager) -> None:
    rows = [[i, [i, {"k": i}]] for i in range(9)]
    assert pager.paginate(Source(rows, overlap=2), 4).items == rows


def test_a_failure_on_the_first_page_is_raised_untouched(pager: Pager) -> None:
    with pytest.raises(ServiceError) as info:
        pager.paginate(Source(distinct_rows(5), fail_on=frozenset({1})), 2)
    assert info.value.partial is None
    assert info.value.next_offset is None


def test_a_failure_later_carries_the_rows_so_far(pager: Pager) -> None:
    with pytest.raises(ServiceError) as info:
        pager.paginate(Source(distinct_rows(10), fail_on=frozenset({3})), 3)
    partial = info.value.partial
    assert isinstance(partial, PageResult)
    assert partial.items == distinct_rows(6)
    assert partial.completed is False
    assert partial.stop_reason == "error"
    assert info.value.next_offset == partial.next_offset == 6
    rest = pager.paginate(Source(distinct_rows(10)), 3, resume=partial)
    assert rest.items == distinct_rows(10)
    assert rest.pages == 2 + 2


def test_other_exceptions_pass_through(pager: Pager) -> None:
    def fetch(offset: int, limit: int) -> SimplePage:
        if offset:
            raise KeyError("bug")
        return SimplePage(FIELDS, distinct_rows(2), True)

    with pytest.raises(KeyError):
        pager.paginate(fetch, 2)


def test_has_more_with_an_empty_page_is_malformed_not_an_endless_loop(pager: Pager) -> None:
    pages = iter([SimplePage(FIELDS, distinct_rows(2), True), SimplePage(FIELDS, [], True)])
    with pytest.raises(MalformedReplyError, match="returned none at offset 2") as info:
        pager.paginate(lambda offset, limit: next(pages), 2, api_name="daily")
    assert info.value.api_name == "daily"
    assert isinstance(info.value.partial, PageResult)
    assert info.value.partial.items == distinct_rows(2)


def test_pages_with_different_fields_are_malformed(pager: Pager) -> None:
    pages = iter([SimplePage(FIELDS, distinct_rows(2), True), SimplePage(("id",), [[3]], False)])
    with pytest.raises(MalformedReplyError, match="has fields"):
        pager.paginate(lambda offset, limit: next(pages), 2)


def test_max_rows_cuts_inside_a_page_and_resumes_at_the_first_row_not_returned(pager: Pager) -> None:
    rows = distinct_rows(20)
    source = Source(rows)
    first = pager.paginate(source, 8, max_rows=11)
    assert first.items == rows[:11]
    assert (first.completed, first.stop_reason) == (False, "max_rows")
    assert first.next_offset == 11
    assert source.requests == [(0, 8), (8, 3)]  # asks only for what is still wanted
    assert pager.paginate(source, 8, resume=first).items == rows
    shifted = Source(rows, overlap=2)
    assert pager.paginate(shifted, 8, resume=pager.paginate(shifted, 8, max_rows=11)).items == rows


def test_max_rows_zero_fetches_nothing(pager: Pager) -> None:
    source = Source(distinct_rows(3))
    result = pager.paginate(source, 8, max_rows=0)
    assert (result.items, result.completed, result.next_offset, source.calls) == ([], False, 0, 0)


def test_max_pages_stops_with_the_offset_to_continue_from(pager: Pager) -> None:
    result = pager.paginate(Source(distinct_rows(20)), 5, max_pages=2, start_offset=3)
    assert result.items == distinct_rows(20)[3:13]
    assert (result.completed, result.next_offset, result.start_offset) == (False, 13, 3)
    assert result.stop_reason == "max_pages"


def test_bounds_that_are_not_reached_leave_the_result_complete(pager: Pager) -> None:
    result = pager.paginate(Source(distinct_rows(10)), 5, max_rows=10, max_pages=2)
    assert result.completed
    assert result.stop_reason == "exhausted"


def test_result_helpers(pager: Pager) -> None:
    result = pager.paginate(Source(distinct_rows(2)), 5)
    assert len(result) == 2
    assert result.records() == [{"id": 0, "value": "v0"}, {"id": 1, "value": "v1"}]
    assert result.fields == FIELDS


@pytest.mark.parametrize(
    "kwargs",
    [{"limit": 0}, {"limit": 1, "max_pages": 0}, {"limit": 1, "max_rows": -1}, {"limit": 1, "start_offset": -1}],
)
def test_bad_arguments_are_rejected_at_once(kwargs: dict[str, Any]) -> None:
    source = Source([])
    with pytest.raises(ParameterError, match="must be"):
        iter_pages(source, **kwargs)
    assert source.calls == 0


def test_resuming_a_complete_result_is_an_error(pager: Pager) -> None:
    done = pager.paginate(Source(distinct_rows(2)), 5)
    with pytest.raises(ParameterError, match="incomplete"):
        pager.paginate(Source([]), 5, resume=done)


def test_streaming_failure_carries_the_seam_for_resume() -> None:
    rows = distinct_rows(12)
    seen: list[Sequence[Any]] = []

    def consume() -> None:
        for chunk in iter_pages(Source(rows, overlap=2, every_page=True, fail_on=frozenset({3})), 4):
            seen.extend(chunk.items)

    with pytest.raises(ServiceError) as info:
        consume()
    partial = info.value.partial
    assert isinstance(partial, PageResult)
    assert partial.items == []  # streamed rows are the caller's already
    rest = [row for c in iter_pages(Source(rows, overlap=2, every_page=True), 4, resume=partial) for row in c.items]
    assert seen + rest == rows


# --- async -------------------------------------------------------------------------------------------------------


async def test_apaginate_matches_paginate() -> None:
    rows = distinct_rows(57)
    source = Source(rows, cap=9, overlap=2, every_page=True)
    result = await apaginate(source.fetch_async, 10)
    assert result.items == rows
    assert result.completed


async def test_apaginate_failure_and_resume() -> None:
    rows = distinct_rows(30)
    with pytest.raises(ServiceError) as info:
        await apaginate(Source(rows, overlap=1, every_page=True, fail_on=frozenset({2})).fetch_async, 10)
    partial = info.value.partial
    assert isinstance(partial, PageResult)
    rest = await apaginate(Source(rows, overlap=1, every_page=True).fetch_async, 10, resume=partial)
    assert rest.items == rows


async def test_aiter_pages_streams() -> None:
    rows = distinct_rows(23)
    chunks: list[PageChunk] = [chunk async for chunk in aiter_pages(Source(rows).fetch_async, 5)]
    assert [row for chunk in chunks for row in chunk.items] == rows
    assert [chunk.offset for chunk in chunks] == [0, 5, 10, 15, 20]


def test_partial_as_gives_the_partial_its_final_type_once(pager: Pager) -> None:
    shaped: list[PageResult] = []

    def as_response(rows: PageResult) -> tuple[str, int]:
        shaped.append(rows)
        return ("typed", len(rows.items))

    with pytest.raises(ServiceError) as info:
        pager.paginate(Source(distinct_rows(10), fail_on=frozenset({3})), 3, partial_as=as_response)
    assert info.value.partial == ("typed", 6)
    assert len(shaped) == 1
    assert info.value.next_offset == shaped[0].next_offset == 6

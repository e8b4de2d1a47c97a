"""`client.pages.<interface>(...)` of the rendered fixture against its emulator (real HTTP on 127.0.0.1): typed
pages streamed on demand, with the rows, bounds, resume and checks of the collected call; sync and async alike."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

import pytest

QUERY = {"ts_code": "000001.SZ", "end_date": "20241231"}


@pytest.fixture
def testing(tt: ModuleType) -> ModuleType:
    return importlib.import_module(f"{tt.__name__}.testing")


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _client(tt: ModuleType, flavour: str, emulator: Any, **options: Any) -> Any:
    kind = tt.AsyncTushareClient if flavour == "async" else tt.TushareClient
    return kind(token=emulator.token, base_url=emulator.url, **options)


async def _drain(stream: Iterator[Any] | AsyncIterator[Any], into: list[Any] | None = None) -> list[Any]:
    """Every page of a sync or async stream, appended to `into` as it arrives (so a failure keeps the earlier)."""
    pages = [] if into is None else into
    if isinstance(stream, Iterator):
        pages.extend(stream)
    else:
        async for page in stream:
            pages.append(page)
    return pages


async def _collected(client: Any, **params: Any) -> Any:
    response = client.daily(**params)
    return await response if inspect.isawaitable(response) else response


def _rows(pages: list[Any]) -> list[list[Any]]:
    return [list(row) for page in pages for row in page.rows]


@pytest.mark.timeout(60)
async def test_pages_are_typed_and_hold_exactly_the_collected_rows(
    tt: ModuleType, testing: ModuleType, flavour: str
) -> None:
    with testing.TushareEmulator(total_rows={"daily": 15_000}, overlap={"daily": 100}) as emulator:
        client = _client(tt, flavour, emulator)
        pages = await _drain(client.pages.daily(**QUERY))
        collected = await _collected(client, **QUERY)
        expected = emulator.rows("daily", QUERY)[1]
    assert all(type(page) is tt.models.DailyResponse for page in pages)
    assert [len(page) for page in pages] == [6000, 5900, 3100], "each page without the rows repeated at its seam"
    assert _rows(pages) == expected == [list(row) for row in collected.rows]
    assert [page.completed for page in pages] == [False, False, True]
    assert [page.next_offset for page in pages] == [6000, 12000, None]
    assert all(page.pages == 1 and page.request_id for page in pages)


@pytest.mark.timeout(60)
async def test_pages_are_fetched_on_demand(tt: ModuleType, testing: ModuleType, flavour: str) -> None:
    with testing.TushareEmulator(total_rows={"daily": 15_000}) as emulator:
        stream = _client(tt, flavour, emulator).pages.daily(**QUERY)
        assert emulator.calls("daily") == 0, "building the stream sends nothing"
        first = next(stream) if isinstance(stream, Iterator) else await anext(stream)
        assert emulator.calls("daily") == 1
    assert len(first) == 6000


@pytest.mark.timeout(60)
async def test_bounds_stop_the_stream_and_its_next_offset_resumes_it(
    tt: ModuleType, testing: ModuleType, flavour: str
) -> None:
    with testing.TushareEmulator(total_rows={"daily": 15_000}) as emulator:
        client = _client(tt, flavour, emulator)
        bounded = await _drain(client.pages.daily(**QUERY, max_rows=7000))
        one_page = await _drain(client.pages.daily(**QUERY, max_pages=1))
        rest = await _drain(client.pages.daily(**QUERY, offset=bounded[-1].next_offset))
        expected = emulator.rows("daily", QUERY)[1]
    assert [len(page) for page in bounded] == [6000, 1000]
    assert (bounded[-1].completed, bounded[-1].next_offset) == (False, 7000)
    assert [(len(page), page.completed, page.next_offset) for page in one_page] == [(6000, False, 6000)]
    assert _rows(bounded) + _rows(rest) == expected
    assert rest[-1].completed


@pytest.mark.timeout(60)
async def test_a_failure_midway_keeps_the_yielded_pages_and_resumes(
    tt: ModuleType, testing: ModuleType, flavour: str
) -> None:
    faults = testing.Faults(on_calls={2: "http_500"})
    with testing.TushareEmulator(total_rows={"daily": 15_000}, faults=faults) as emulator:
        client = _client(tt, flavour, emulator, max_retries=0)
        pages: list[Any] = []
        with pytest.raises(tt.errors.ServiceError) as caught:
            await _drain(client.pages.daily(**QUERY), into=pages)
        error: Any = caught.value
        rest = await _drain(client.pages.daily(**QUERY, offset=error.next_offset))
        expected = emulator.rows("daily", QUERY)[1]
    assert error.next_offset == 6000
    assert type(error.partial) is tt.models.DailyResponse, "the partial has the typed shape of a collected call"
    assert (len(error.partial), error.partial.next_offset) == (0, 6000), "its rows were yielded already"
    assert _rows(pages) + _rows(rest) == expected


@pytest.mark.timeout(60)
def test_bad_arguments_raise_at_the_call_before_any_request(tt: ModuleType, testing: ModuleType, flavour: str) -> None:
    with testing.TushareEmulator() as emulator:
        client = _client(tt, flavour, emulator)
        with pytest.raises(tt.errors.ParameterError, match="trade_date"):
            client.pages.daily(trade_date="2024-02-30")
        with pytest.raises(tt.errors.ParameterError, match="no column 'closing'"):
            client.pages.daily(fields=["closing"])
        with pytest.raises(tt.errors.ParameterError, match="offset must be an integer >= 0"):
            client.pages.daily(offset=-1)
        with pytest.raises(tt.errors.ParameterError, match="max_row: Extra inputs are not permitted"):
            client.pages.daily(max_row=10)
        assert emulator.calls() == 0


@pytest.mark.timeout(60)
async def test_fields_options_and_params_reach_the_wire(tt: ModuleType, testing: ModuleType, flavour: str) -> None:
    with testing.TushareEmulator(total_rows={"daily": 50}) as emulator:
        client = _client(tt, flavour, emulator)
        stream = client.pages.daily(ts_code=["000001.SZ", "600000.SH"], fields=["close", "ts_code"], max_rows=10)
        pages = await _drain(stream)
        (record,) = emulator.records
    assert record.fields == "close,ts_code,trade_date"  # daily's key trade_date is sent, then hidden
    assert record.params == {"ts_code": "000001.SZ,600000.SH", "offset": 0, "limit": 10}
    assert [(len(page), page.fields, page.completed) for page in pages] == [(10, ["close", "ts_code"], False)]
    assert pages[0].rows[0].open is None and isinstance(pages[0].rows[0].close, float)

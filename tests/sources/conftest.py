"""The tushare emulator and the look-alikes of the other sources, and a :class:`Sources` pointed at them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tushare_typed.sources import Sources, SourceSettings
from tushare_typed.testing import TushareEmulator
from tushare_typed.testing._sources import ALPHAVANTAGE_KEY, SourceLookalikes

from .halves import HALVES, Half, on_half


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[TushareEmulator, SourceLookalikes]]:
    with TushareEmulator() as emulator, SourceLookalikes(emulator) as lookalikes:
        yield emulator, lookalikes


@pytest.fixture
def lookalikes(servers: tuple[TushareEmulator, SourceLookalikes]) -> Iterator[SourceLookalikes]:
    servers[1].mode.clear()
    servers[1].shift.clear()
    yield servers[1]
    servers[1].mode.clear()
    servers[1].shift.clear()


@pytest.fixture(params=HALVES)
def half(request: pytest.FixtureRequest) -> Half:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def hub(servers: tuple[TushareEmulator, SourceLookalikes], lookalikes: SourceLookalikes, half: Half) -> Iterator[Any]:
    """A :class:`Sources` over the look-alikes, driven through the sync or the async half."""
    emulator = servers[0]
    settings = SourceSettings.resolve(
        urls={
            "tushare": emulator.url,
            "akshare": lookalikes.url,
            "yahoo": lookalikes.url,
            "alphavantage": lookalikes.url,
        },
        alphavantage_key=ALPHAVANTAGE_KEY,
        tushare_token=emulator.token,
        retries=0,
        timeout=10,
        environ={},
    )
    with on_half(half, Sources(settings, store=False, max_rate_limit_wait=0.5)) as sources:
        yield sources

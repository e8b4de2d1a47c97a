"""Fixtures of the realtime tests: the look-alike sources and a :class:`Realtime` pointed at them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tushare_typed.realtime import Realtime, RealtimeSettings
from tushare_typed.testing._realtime import RealtimeLookalikes

#: Enough for a loopback reply; short enough that a "slow" source times out quickly (its delay is 3 s).
TIMEOUT = 1.0


@pytest.fixture
def lookalikes() -> Iterator[RealtimeLookalikes]:
    with RealtimeLookalikes(seed=7) as running:
        yield running


def settings_for(lookalikes: RealtimeLookalikes) -> RealtimeSettings:
    return RealtimeSettings.resolve(urls=lookalikes.urls(), timeout=TIMEOUT, retries=0, environ={})


@pytest.fixture
def realtime(lookalikes: RealtimeLookalikes) -> Iterator[Realtime]:
    with Realtime(settings_for(lookalikes)) as core:
        yield core


@pytest.fixture
def lookalike_env(lookalikes: RealtimeLookalikes, monkeypatch: pytest.MonkeyPatch) -> RealtimeLookalikes:
    """The environment variables pointing every source at the look-alikes (what a user would set)."""
    monkeypatch.setenv("TUSHARE_TYPED_SINA_URL", lookalikes.url)
    monkeypatch.setenv("TUSHARE_TYPED_EASTMONEY_PUSH_URL", lookalikes.url)
    monkeypatch.setenv("TUSHARE_TYPED_TENCENT_URL", lookalikes.url)
    return lookalikes

"""The sources tests run on both halves: :class:`AsyncHub` puts :meth:`Sources.aget_bars` and
:meth:`Sources.acompare` behind the sync methods' names, each call driven on one event loop kept for the hub's life
(the async pools belong to that loop)."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from tushare_typed.sources import Bars, Report, Sources

Half = Literal["sync", "async"]
HALVES: tuple[Half, ...] = ("sync", "async")


class AsyncHub:
    """A :class:`Sources` whose ``get_bars`` and ``compare`` run their async twins; other attributes pass through."""

    def __init__(self, inner: Sources) -> None:
        self.inner = inner
        self.loop = asyncio.new_event_loop()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def get_bars(self, symbol: str, **kwargs: Any) -> Bars:
        return self.loop.run_until_complete(self.inner.aget_bars(symbol, **kwargs))

    def compare(self, *args: Any, **kwargs: Any) -> Report:
        return self.loop.run_until_complete(self.inner.acompare(*args, **kwargs))

    def close(self) -> None:
        try:
            self.loop.run_until_complete(self.inner.aclose())
        finally:
            self.loop.close()

    def __enter__(self) -> AsyncHub:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def on_half(half: Half, sources: Sources) -> Any:
    """``sources`` itself for the sync half, an :class:`AsyncHub` over it for the async one."""
    return sources if half == "sync" else AsyncHub(sources)

"""Pausing Python's cyclic garbage collector while a reply becomes rows.

Decoding a page allocates tens of thousands of containers (a list or tuple per row) in a burst. Each 700 of them
trigger a young-generation collection, and enough of those a full collection of the whole heap: a fifth of a large
fetch's CPU went to collections that could find nothing, because decoded JSON holds no reference cycles. Pausing the
collector for that burst (milliseconds, no await inside) loses no garbage: what is unreachable is still collected at
the first collection after the pause.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]

_lock = threading.Lock()
_depth = 0
_resume = False  # whether the collector was enabled when the outermost pause began


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block; nested and concurrent pauses (threads) end with the outermost one,
    which re-enables the collector only if it was enabled when the first began."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()

"""``max_concurrency``: at most N requests of one client in flight at once, across every thread or task using it.

A slot is held around each HTTP request (send and body), not around the waits between attempts, and waiting for one
counts against the attempt's timeout, so a crowded client times out instead of waiting without bound. Threads share
a ``threading.BoundedSemaphore``; tasks an ``asyncio.Semaphore``, built on first use (asyncio is not imported when a
client is built).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any

from ..body import DeadlinePassed
from .options import check_option

__all__ = ["RequestSlots"]


class RequestSlots:
    """The in-flight bound of one client; ``limit=None`` bounds nothing."""

    def __init__(self, limit: int | None = None) -> None:
        check_option("max_concurrency", limit, 1, True)
        self.limit = limit
        self._threads = threading.BoundedSemaphore(limit) if limit is not None else None
        self._tasks: AbstractAsyncContextManager[Any] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RequestSlots(limit={getattr(self, 'limit', None)!r})"  # also half-built, in a traceback

    @contextlib.contextmanager
    def held(self, timeout: float) -> Iterator[float]:
        """Hold a slot (threads), yielding what is left of ``timeout``; :class:`~..body.DeadlinePassed` when none
        frees up in time."""
        if self._threads is None:
            yield timeout
            return
        started = time.monotonic()
        if not self._threads.acquire(timeout=max(timeout, 0.0)):
            raise DeadlinePassed
        try:
            yield max(timeout - (time.monotonic() - started), 1e-3)
        finally:
            self._threads.release()

    def for_tasks(self) -> AbstractAsyncContextManager[Any]:
        """``async with`` it to hold a slot (tasks); the caller's ``asyncio.timeout`` bounds the wait."""
        if self.limit is None:
            return contextlib.nullcontext()
        if self._tasks is None:
            with self._lock:
                if self._tasks is None:
                    import asyncio  # here: only an async client with a bound needs it

                    self._tasks = asyncio.Semaphore(self.limit)
        return self._tasks

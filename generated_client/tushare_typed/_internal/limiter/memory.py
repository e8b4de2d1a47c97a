"""Call logs in this process's memory: the default window backend (threads and asyncio tasks of one process)."""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Sequence

from .protocol import Plan, wait_for_room

__all__ = ["MemoryBackend"]


class MemoryBackend:
    """Call logs in this process's memory; safe across threads (one lock, held for microseconds)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._logs: dict[tuple[str, str], list[float]] = {}
        self._blocks: dict[tuple[str, str], tuple[float, float]] = {}
        self._local = threading.local()

    @property
    def last_stamp(self) -> float | None:
        """The reading logged by this thread's last successful ``try_acquire``."""
        return getattr(self._local, "stamp", None)

    def restamp(self, key: str, scopes: Sequence[str], old: float, new: float) -> None:
        """Move one logged call from ``old`` to ``new`` (when it was really sent) in each of ``scopes``."""
        with self._lock:
            for scope in scopes:
                log = self._logs.get((key, scope))
                if not log:
                    continue
                i = bisect.bisect_left(log, old)
                if i < len(log) and log[i] == old:
                    del log[i]
                    bisect.insort(log, max(new, old))

    @property
    def default_clock(self) -> Callable[[], float]:
        return self._clock

    @property
    def blocking_io(self) -> bool:
        return False

    def try_acquire(self, key: str, plan: Plan, clock: Callable[[], float]) -> float:
        with self._lock:
            now = clock()
            wait = max((self._blocked_for(key, scope, now) for scope, _ in plan.retention), default=0.0)
            for window in plan.windows:
                log = self._logs.get((key, window.scope), [])
                start = bisect.bisect_right(log, now - window.period)
                wait = max(wait, wait_for_room(log, start, window, now))
            if wait > 0:
                return wait
            for scope, retention in plan.retention:
                self._record(self._logs.setdefault((key, scope), []), now, retention)
            self._local.stamp = self._logs[(key, plan.retention[0][0])][-1] if plan.retention else now
            return 0.0

    def block(self, key: str, scope: str, until: float, span: float) -> None:
        with self._lock:
            current = self._blocks.get((key, scope))
            if current is None or current[0] < until:
                self._blocks[(key, scope)] = (until, span)

    def count(self, key: str, scope: str, period: float, now: float) -> int:
        with self._lock:
            log = self._logs.get((key, scope), [])
            return len(log) - bisect.bisect_right(log, now - period)

    def _blocked_for(self, key: str, scope: str, now: float) -> float:
        block = self._blocks.get((key, scope))
        if block is None:
            return 0.0
        until, span = block
        if until <= now:
            del self._blocks[(key, scope)]
            return 0.0
        return min(until - now, span)

    @staticmethod
    def _record(log: list[float], now: float, retention: float) -> None:
        # Keep the log sorted even if a caller's clock is coarse: bisect relies on it.
        log.append(max(now, log[-1]) if log else now)
        stale = bisect.bisect_right(log, now - retention)
        # Trim in batches: deleting from the front of a list is O(n).
        if stale >= 64 or stale * 2 >= len(log):
            del log[:stale]

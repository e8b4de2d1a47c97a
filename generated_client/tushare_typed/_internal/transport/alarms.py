"""Timed callbacks for the sync shell, on one shared thread instead of a thread per request.

Each blocking attempt needs an alarm (its watchdog) that is almost always cancelled. ``threading.Timer`` starts a
thread for each and waits for it to start: about a millisecond and a half of a 6 ms call. Here one daemon thread
keeps a heap of deadlines and sleeps until the earliest; setting and cancelling an alarm are a heap push and a flag.
Callbacks run on that thread and must be quick (the watchdog's is a socket ``shutdown``). After a ``fork`` the child
starts its own thread on its first alarm.
"""

from __future__ import annotations

import heapq
import itertools
import os
import threading
import time
from collections.abc import Callable

__all__ = ["Alarm", "cancel", "set_alarm"]


class Alarm:
    """One pending callback; :func:`cancel` makes it a no-op."""

    __slots__ = ("active", "callback", "when")

    def __init__(self, when: float, callback: Callable[[], None]) -> None:
        self.when = when
        self.callback = callback
        self.active = True


_condition = threading.Condition()
_heap: list[tuple[float, int, Alarm]] = []
_order = itertools.count()
_owner_pid: int | None = None  # the process whose thread serves the heap


def set_alarm(seconds: float, callback: Callable[[], None]) -> Alarm:
    """Call ``callback`` (on the alarm thread) after ``seconds``, unless cancelled first."""
    global _owner_pid
    alarm = Alarm(time.monotonic() + max(seconds, 0.0), callback)
    with _condition:
        if _owner_pid != os.getpid():  # first alarm of this process (a forked child inherits no thread)
            _heap.clear()
            _owner_pid = os.getpid()
            threading.Thread(target=_serve, name="tushare-typed-alarms", daemon=True).start()
        heapq.heappush(_heap, (alarm.when, next(_order), alarm))
        if _heap[0][2] is alarm:
            _condition.notify()
    return alarm


def cancel(alarm: Alarm) -> None:
    """The callback will not run (if it has not started yet). The entry leaves the heap when it comes due."""
    alarm.active = False


def _serve() -> None:
    while True:
        due: list[Alarm] = []
        with _condition:
            while not _heap:
                _condition.wait()
            now = time.monotonic()
            while _heap and (_heap[0][0] <= now or not _heap[0][2].active):
                due.append(heapq.heappop(_heap)[2])
            if not due:
                _condition.wait(_heap[0][0] - now)
        for alarm in due:
            if alarm.active:
                alarm.active = False
                alarm.callback()

"""The sync shell's shared alarm thread: alarms fire once, in deadline order, never after being cancelled, and a
forked child gets a thread of its own."""

from __future__ import annotations

import os
import threading
import time

import pytest

from tushare_typed._internal.transport.alarms import cancel, set_alarm


@pytest.mark.timeout(10)
def test_alarms_fire_in_deadline_order_and_cancelled_ones_never() -> None:
    fired: list[str] = []
    done = threading.Event()

    def late() -> None:
        fired.append("late")
        done.set()

    set_alarm(0.30, late)
    set_alarm(0.05, lambda: fired.append("early"))
    cancelled = set_alarm(0.10, lambda: fired.append("cancelled"))
    cancel(cancelled)
    assert done.wait(5)
    time.sleep(0.05)
    assert fired == ["early", "late"]


@pytest.mark.timeout(10)
def test_an_earlier_alarm_set_later_wakes_the_thread() -> None:
    fired = threading.Event()
    set_alarm(30, lambda: None)  # the thread now sleeps towards this one
    start = time.monotonic()
    set_alarm(0.05, fired.set)
    assert fired.wait(5)
    assert time.monotonic() - start < 2


@pytest.mark.timeout(20)
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_serves_its_own_alarms() -> None:
    set_alarm(0.01, lambda: None)  # the parent's thread exists
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its alarm must fire although it inherited no alarm thread
        hit = threading.Event()
        set_alarm(0.05, hit.set)
        os.write(write, b"1" if hit.wait(5) else b"0")
        os._exit(0)
    os.close(write)
    try:
        assert os.read(read, 1) == b"1"
    finally:
        os.close(read)
        os.waitpid(pid, 0)

"""The collector pause around decoding: scoped, nestable, thread-safe, and it leaves the collector as it found it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from tushare_typed._internal.collector import collector_paused


@pytest.fixture(autouse=True)
def restore_collector() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


class Boom(Exception):
    pass


def pause_and_fail() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
        raise Boom


@pytest.mark.timeout(10)
def test_the_collector_is_off_inside_and_back_on_after_even_on_error() -> None:
    gc.enable()
    with pytest.raises(Boom):
        pause_and_fail()
    assert gc.isenabled()


@pytest.mark.timeout(10)
def test_a_collector_the_caller_disabled_stays_disabled() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


@pytest.mark.timeout(30)
def test_overlapping_pauses_in_threads_end_with_the_last_one() -> None:
    gc.enable()
    inside = threading.Barrier(4)
    leave = threading.Event()

    def pause() -> None:
        with collector_paused():
            inside.wait(timeout=10)
            leave.wait(timeout=10)

    threads = [threading.Thread(target=pause) for _ in range(3)]
    for thread in threads:
        thread.start()
    inside.wait(timeout=10)
    assert not gc.isenabled()
    leave.set()
    for thread in threads:
        thread.join(timeout=10)
    assert gc.isenabled()


@pytest.mark.timeout(30)
def test_cycles_made_during_a_pause_are_collected_afterwards() -> None:
    gc.enable()
    gc.collect()

    class Node:
        def __init__(self) -> None:
            self.me = self

    with collector_paused():
        for _ in range(100):
            Node()
    assert gc.collect() >= 100

"""The deadline of one blocking attempt: an alarm (:mod:`.alarms`, one shared thread) that shuts the attempt's
socket down when the attempt's time is up.

httpx bounds each network operation (connect, each read), not a whole request: a server that sends its status
line and headers (or its body) one byte a second keeps every read short and the request alive for ever. A blocked
``recv`` cannot be cancelled from another thread, but it returns once its socket is shut down. The timer runs from
before the request is sent; the socket is learnt as soon as httpx opens it (the request's ``trace`` extension
reports every new connection), or from the reply (a pooled connection, reused, is only reported with the reply:
its headers are bounded per read only). The async shell needs none of this: its ``asyncio.timeout`` cancels.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .alarms import cancel, set_alarm

__all__ = ["Watchdog", "socket_watchdog"]

#: httpx (httpcore) trace events whose ``return_value`` is the new connection's network stream.
_CONNECTED = ("connection.connect_tcp.complete", "connection.connect_unix_socket.complete")


class Watchdog:
    """Shuts the watched socket down once :attr:`fired`; a socket learnt after that is shut down at once."""

    def __init__(self) -> None:
        self.fired = threading.Event()
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sock = sock
            late = self.fired.is_set()
        if late:
            _shut(sock)

    def watch_stream(self, stream: Any) -> None:
        """Watch the socket of an httpcore network stream (None, or one without a socket, is ignored)."""
        get_extra_info = getattr(stream, "get_extra_info", None)
        if get_extra_info is not None:
            self.watch(get_extra_info("socket"))

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """The request's ``trace`` extension: learns the socket of a connection opened for the request."""
        if event in _CONNECTED:
            self.watch_stream(info.get("return_value"))

    def fire(self) -> None:
        with self._lock:
            self.fired.set()
            sock = self._sock
        if sock is not None:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing is blocked on it
        sock.shutdown(socket.SHUT_RDWR)


@contextmanager
def socket_watchdog(seconds: float) -> Iterator[Watchdog]:
    """A :class:`Watchdog` that fires after ``seconds`` unless the block ended first."""
    watchdog = Watchdog()
    alarm = set_alarm(seconds, watchdog.fire)
    try:
        yield watchdog
    finally:
        cancel(alarm)

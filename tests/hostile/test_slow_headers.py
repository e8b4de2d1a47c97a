"""Servers that stall before the body: headers dripped one byte a second, or no answer at all.

httpx bounds each read, so a status line and headers sent one byte a second would keep a call alive for ever;
``timeout`` must bound the whole attempt (connect, headers, body) on both halves, and the attempt is then retried
as any timeout is.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest

from tushare_typed._internal.transport import AsyncTransport, SyncTransport
from tushare_typed.errors import ServiceTimeoutError

from ..runtime.halves import HALVES, AsyncTransportDriver, Half

TOKEN = "hostile-test-token-0123"
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nX-Pad: " + b"." * 64 + b"\r\n\r\n"
TIMEOUT = 1.0
RETRIES = 1
BACKOFF = 0.5  # the first backoff with the jitter drawn as 0
EXPECTED = (RETRIES + 1) * TIMEOUT + BACKOFF


class StallingServer:
    """A raw-socket server on 127.0.0.1: reads each request, then drips ``HEAD`` one byte a second (``drip``) or
    never answers; counts the connections it accepted."""

    def __init__(self, *, drip: bool) -> None:
        self.drip = drip
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._closing = threading.Event()
        self._open: list[socket.socket] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/"

    def serve(self) -> None:
        while not self._closing.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            self._open.append(conn)
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with suppress(OSError):
            conn.recv(65536)
            for byte in HEAD if self.drip else b"":
                conn.sendall(bytes([byte]))
                if self._closing.wait(1.0):
                    return
            self._closing.wait()

    def close(self) -> None:
        self._closing.set()
        with suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        for conn in self._open:
            conn.close()


@contextmanager
def stalling(*, drip: bool) -> Iterator[StallingServer]:
    server = StallingServer(drip=drip)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.close()
        thread.join(5)


def transport(half: Half, url: str) -> SyncTransport | AsyncTransportDriver:
    if half == "async":
        return AsyncTransportDriver(AsyncTransport(url, timeout=TIMEOUT, max_retries=RETRIES, random=lambda: 0.0))
    return SyncTransport(url, timeout=TIMEOUT, max_retries=RETRIES, random=lambda: 0.0)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("drip", [True, False], ids=["headers_one_byte_a_second", "never_answers"])
@pytest.mark.parametrize("half", HALVES)
def test_a_stalled_reply_times_out_and_is_retried_within_the_timeout(half: Half, drip: bool) -> None:
    with stalling(drip=drip) as server:
        client = transport(half, server.url)
        started = time.monotonic()
        with pytest.raises(ServiceTimeoutError) as caught:
            client.request("daily", {}, token=TOKEN)
        elapsed = time.monotonic() - started
        client.close()
    assert server.connections == RETRIES + 1  # every attempt timed out, then was retried per policy
    assert elapsed < 3 * EXPECTED  # the drip alone would hold the call for over a minute
    assert caught.value.code == "SERVICE-302"
    assert TOKEN not in str(caught.value)

"""The service's uvicorn protocol closes a connection that does not complete a request's headers in time."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest

uvicorn = pytest.importorskip("uvicorn", reason="the service extra is not installed")

from tushare_typed.service._http import BoundedH11Protocol  # noqa: E402

pytestmark = pytest.mark.timeout(30)


class _Quick(BoundedH11Protocol):
    header_timeout = 0.3


async def _ok(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def test_slow_headers_and_silent_connections_are_closed() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(_ok, host="127.0.0.1", port=port, http=_Quick, log_level="warning"))
    thread = threading.Thread(target=server.run)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.02)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as silent:
            assert silent.recv(10) == b""  # closed by the server, not by the 10 s timeout (that would raise)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
            for piece in (b"GET / HTTP/1.1\r\n", b"Host: x\r\n"):
                slow.sendall(piece)
                time.sleep(0.2)
            assert slow.recv(10) == b""
        with socket.create_connection(("127.0.0.1", port), timeout=10) as prompt:
            prompt.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert prompt.recv(100).startswith(b"HTTP/1.1 200")
    finally:
        server.should_exit = True
        thread.join()

"""One plain HTTP server on 127.0.0.1 in a daemon thread: what each look-alike of another source's wire format
(`_sources.py`, `_realtime.py`) runs its request handler on."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["LocalServer"]


class LocalServer:
    """Started with a handler class, stopped once; ``url`` is its base URL while it runs."""

    def __init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None

    def start(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the look-alikes are not running: use them as a context manager")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

"""uvicorn's HTTP/1.1 protocol with a deadline for a request's headers.

uvicorn times a connection out only between requests, and only until a first byte arrives: a connection that never
sends a request, or sends its headers a byte at a time, is held for ever. Here every connection must complete a
request's headers within :data:`HEADER_TIMEOUT` seconds of opening (or of its previous reply), else it is closed.
A slow body is the admission middleware's (408); an idle keep-alive connection is uvicorn's ``timeout_keep_alive``.
"""

from __future__ import annotations

import asyncio
from typing import Final

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HEADER_TIMEOUT", "BoundedH11Protocol"]

HEADER_TIMEOUT: Final = 10.0


class BoundedH11Protocol(H11Protocol):
    header_timeout: float = HEADER_TIMEOUT
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:  # a request's headers arrived
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self._header_timer = self.loop.call_later(self.header_timeout, self._expired)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expired(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()

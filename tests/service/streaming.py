"""Helpers of the streaming tests: a synthetic upstream and the app under a real uvicorn server in a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI


def ticking(count: int, every: float = 0.0, pad: int = 0) -> Any:
    """A source factory: ``count`` records ``{"n", "t", "codes", "pad"}``, one every ``every`` seconds."""
    opened: list[tuple[str, ...]] = []

    def open_source(codes: tuple[str, ...]) -> AsyncIterator[dict[str, Any]]:
        opened.append(codes)

        async def records() -> AsyncIterator[dict[str, Any]]:
            for n in range(count):
                yield {"n": n, "t": time.time(), "codes": list(codes), "pad": "x" * pad}
                await asyncio.sleep(every)

        return records()

    open_source.opened = opened  # type: ignore[attr-defined]
    return open_source


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """``app`` on 127.0.0.1 (a free port) until the block ends; yields its base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)

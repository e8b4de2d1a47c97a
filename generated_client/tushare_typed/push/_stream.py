"""The async push stream: one reader task per stream keeps a connection subscribed — keep-alives on a steady
interval, a dead connection replaced after ``dead_after`` seconds of silence, reconnection with jittered exponential
backoff and a fresh subscription, each reconnect logged and counted — and hands records to the consumer through a
bounded queue with an explicit policy for a slow consumer. The sync stream (``_sync.py``) is a shell over this.

``websockets`` is imported when the first stream starts (extra ``realtime``), never at ``import tushare_typed``.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import structlog

from .._internal.log_events import get_logger, redact
from ..errors import AuthError, ServiceConnectionError, redact_text
from ._protocol import Frame, StreamStats, Subscription, read_frame

if TYPE_CHECKING:
    from .._internal.secret import Secret
    from ._options import StreamOptions
    from ._records import PushRecord

__all__ = ["AsyncRecordStream", "Sink"]


class Sink(Protocol):
    """Where a stream also writes its records (the store): ``add`` is cheap, ``flush`` writes what was added."""

    def add(self, frame: Frame) -> bool:
        """Keep ``frame``; True when a flush is due."""
        ...

    async def flush(self) -> None: ...

    async def close(self) -> None: ...


class _Dead(Exception):
    """No frame and no pong for ``dead_after`` seconds."""


class _Redacting(logging.Filter):
    """websockets logs the frames it sends at DEBUG, the subscription (and its token) among them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact_text(record.getMessage()), ()
        return True


def _websockets_logger() -> logging.Logger:
    logger = logging.getLogger("tushare_typed.push.websockets")
    if not any(isinstance(f, _Redacting) for f in logger.filters):
        logger.addFilter(_Redacting())
    return logger


def _import_websockets() -> Any:
    try:
        import websockets.asyncio.client
        import websockets.exceptions
    except ImportError:
        raise ImportError(
            "client.stream needs the optional 'realtime' extra: pip install 'tushare-typed[realtime]'"
        ) from None
    return websockets


class AsyncRecordStream:
    """``async for record in client.stream(topic, codes)``; ``stats`` counts what happened. Close it (``aclose``,
    ``async with``, or leave the loop) to end the connection; records already queued are not delivered after."""

    def __init__(
        self,
        subscription: Subscription,
        token: Secret,
        options: StreamOptions,
        sink: Callable[[StreamStats], Sink] | None = None,
    ) -> None:
        self.subscription = subscription
        self.options = options
        self.stats = StreamStats()
        self._token = token
        self._sink = sink(self.stats) if sink is not None else None
        self._queue: deque[Frame] = deque()
        self._ready = asyncio.Event()
        self._space = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._failure: BaseException | None = None
        self._done = False
        self._alive = 0.0
        self._delivered = False

    def __repr__(self) -> str:
        return f"AsyncRecordStream({self.subscription.topic.name}, {len(self.subscription.codes)} codes, {self.stats})"

    def __aiter__(self) -> AsyncRecordStream:
        return self

    async def __anext__(self) -> PushRecord:
        batch = await self.take(1)
        if not batch:
            raise StopAsyncIteration
        return batch[0].record

    async def __aenter__(self) -> AsyncRecordStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def take(self, limit: int) -> list[Frame]:
        """At least one queued frame and at most ``limit``; an empty list when the stream has ended; the failure
        that ended it raised once the queue is drained."""
        if self._task is None and not self._done:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="tushare-push-reader")
        while not self._queue:
            if self._done:
                if self._failure is not None:
                    raise self._failure
                return []
            self._ready.clear()
            await self._ready.wait()
        batch = [self._queue.popleft() for _ in range(min(limit, len(self._queue)))]
        self._space.set()
        return batch

    async def aclose(self) -> None:
        """Stop the reader (the sink's pending records are written), drop what is queued."""
        task, self._task = self._task, None
        self._done = True
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        self._queue.clear()
        self._ready.set()

    def _event(self, name: str, **fields: object) -> None:
        """A warning-level structlog event (the library's logger), silent while structlog is unconfigured."""
        if structlog.is_configured():
            topic, codes = self.subscription.topic.name, len(self.subscription.codes)
            get_logger().warning(name, **redact({"topic": topic, "codes": codes, **fields}))

    # --- the reader ----------------------------------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            await self._connections()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self._failure = error
        finally:
            self._done = True
            self._ready.set()
            if self._sink is not None:
                await asyncio.shield(self._sink.close())

    async def _connections(self) -> None:
        websockets = _import_websockets()
        options, failures, delay = self.options, 0, self.options.backoff
        while True:
            self._delivered = False
            try:
                async with websockets.asyncio.client.connect(
                    options.url,
                    open_timeout=options.connect_timeout,
                    ping_interval=None,  # our own heartbeat (_keepalive) also sends the protocol's ping message
                    close_timeout=1.0,
                    max_size=options.max_frame_bytes,
                    max_queue=64,
                    compression=None,
                    logger=_websockets_logger(),
                ) as connection:
                    self.stats.connects += 1
                    if self.stats.connects > 1:
                        self.stats.reconnects += 1
                        self._event("tushare.push.reconnected", reconnects=self.stats.reconnects)
                    await connection.send(self.subscription.subscribe_message(self._token.reveal()))
                    await self._session(connection)
            except websockets.exceptions.InvalidStatus as error:
                status = error.response.status_code
                if status in (401, 403):
                    raise AuthError(f"the push server refused the connection (HTTP {status})") from None
                reason = f"HTTP {status}"
            except (OSError, TimeoutError, _Dead, websockets.exceptions.WebSocketException) as error:
                reason = redact_text(f"{type(error).__name__}: {error}")[:200]
            if self._delivered:
                failures, delay = 0, options.backoff
            failures += 1
            if options.max_retries is not None and failures > options.max_retries:
                raise ServiceConnectionError(
                    f"the push feed at {options.url} failed {failures} times in a row (last: {reason})",
                    remediation="check the network and the endpoint (url=... or TUSHARE_TYPED_WS_URL); "
                    "raise max_retries (None retries for ever)",
                )
            wait = delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not cryptography
            self._event("tushare.push.reconnecting", reason=reason, attempt=failures, wait_s=round(wait, 3))
            await asyncio.sleep(wait)
            delay = min(delay * 2, options.max_backoff)

    async def _session(self, connection: Any) -> None:
        """Read frames until the connection ends (the library's ConnectionClosed) or dies (_Dead)."""
        loop = asyncio.get_running_loop()
        self._alive = loop.time()
        keepalive = loop.create_task(self._keepalive(connection))
        dead_after, sink = self.options.dead_after, self._sink
        try:
            while True:
                try:
                    async with asyncio.timeout(dead_after):
                        text = await connection.recv()
                except TimeoutError:
                    if loop.time() - self._alive >= dead_after:
                        raise _Dead(f"no frame and no pong for {dead_after:g} s") from None
                    continue
                self._alive = loop.time()
                frame = read_frame(self.subscription, text, self.stats)
                if frame is None:
                    continue
                self._delivered = True
                if sink is not None and sink.add(frame):
                    await sink.flush()
                await self._put(frame)
        finally:
            keepalive.cancel()
            await asyncio.gather(keepalive, return_exceptions=True)

    async def _keepalive(self, connection: Any) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.options.heartbeat)
            await connection.send(self.subscription.ping_message())
            pong = await connection.ping()
            try:
                async with asyncio.timeout(self.options.dead_after):
                    await pong
                self._alive = max(self._alive, loop.time())
            except TimeoutError:
                pass  # the reader notices the silence
            if self._sink is not None:
                await self._sink.flush()

    async def _put(self, frame: Frame) -> None:
        queue, size = self._queue, self.options.queue_size
        if len(queue) >= size:
            if self.options.on_slow == "drop_oldest":
                queue.popleft()
                self.stats.dropped += 1
            while len(queue) >= size:
                self._space.clear()
                await self._space.wait()
        queue.append(frame)
        self._ready.set()

"""The sync push stream: a shell over :class:`~._stream.AsyncRecordStream` running on an event loop in a daemon
thread of its own, so keep-alives, reconnects and the slow-consumer policy go on while the caller is busy. Records
cross over in batches; Ctrl-C (or any exception) in the caller's loop leaves through ``close``, which ends the
connection and the thread within a bound."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._protocol import Frame, StreamStats
    from ._records import PushRecord
    from ._stream import AsyncRecordStream

__all__ = ["RecordStream"]

_BATCH = 512
_CLOSE_WITHIN = 5.0


class RecordStream:
    """``for record in client.stream(topic, codes)``; ``stats`` counts what happened; ``close()`` (or ``with``, or
    leaving the loop by an exception) ends the connection."""

    def __init__(self, make: Callable[[], AsyncRecordStream]) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tushare-push", daemon=True)
        self._thread.start()
        self._stream = asyncio.run_coroutine_threadsafe(self._make(make), self._loop).result()
        self._batch: deque[Frame] = deque()
        self._closed = False

    @staticmethod
    async def _make(make: Callable[[], AsyncRecordStream]) -> AsyncRecordStream:
        return make()  # the stream's events belong to the thread's loop

    @property
    def stats(self) -> StreamStats:
        return self._stream.stats

    def __repr__(self) -> str:
        return repr(self._stream).replace("AsyncRecordStream", "RecordStream", 1)

    def __iter__(self) -> RecordStream:
        return self

    def __next__(self) -> PushRecord:
        return self.next_frame().record

    def next_frame(self) -> Frame:
        """The next record with its frame's code; StopIteration when the stream has ended."""
        if not self._batch:
            if self._closed:
                raise StopIteration
            future = asyncio.run_coroutine_threadsafe(self._stream.take(_BATCH), self._loop)
            try:
                batch = future.result()
            except BaseException:
                future.cancel()
                self.close()
                raise
            if not batch:
                self.close()
                raise StopIteration
            self._batch.extend(batch)
        return self._batch.popleft()

    def __enter__(self) -> RecordStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """End the connection (pending stored records are written) and the loop's thread; idempotent."""
        if self._closed:
            return
        self._closed = True
        self._batch.clear()
        try:
            asyncio.run_coroutine_threadsafe(self._stream.aclose(), self._loop).result(_CLOSE_WITHIN)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(_CLOSE_WITHIN)
            if not self._thread.is_alive():
                self._loop.close()

    def __del__(self) -> None:
        if not getattr(self, "_closed", True) and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)

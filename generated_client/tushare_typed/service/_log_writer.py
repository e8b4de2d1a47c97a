"""Execution log rows, committed together: a request still returns only once its row is stored, but the rows of
concurrent requests share one transaction instead of taking one each.

While one batch is being written (in a worker thread), the rows that arrive queue up; they are the next batch. A lone
request therefore waits for exactly its own insert, and under load the number of transactions stays at one at a
time per worker however many requests are in flight.
"""

from __future__ import annotations

import asyncio

from ._db import Database, ExecutionRecord

__all__ = ["ExecutionLogWriter"]


class ExecutionLogWriter:
    """Writes execution_logs rows in batches; :meth:`aclose` waits for the rows already handed to it."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._pending: list[tuple[ExecutionRecord, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def write(self, record: ExecutionRecord) -> None:
        """Store ``record``; returns once it is committed, raises what the insert raised."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((record, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        # Shielded: a request cancelled while waiting must not cancel the rows of the others.
        await asyncio.shield(done)

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await asyncio.to_thread(self._db.log_executions, [record for record, _ in batch])
            except Exception as error:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def aclose(self) -> None:
        if self._flusher is not None:
            await self._flusher

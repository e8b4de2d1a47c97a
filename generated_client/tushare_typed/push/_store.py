"""Push records in the local store (``tushare_typed.store``'s DuckDB file, extra ``store``): one table per topic,
``push_<topic>`` (``push_hq_stk_tick``), keyed by the frame's code and the record's trade_time, so a record a
reconnect replays is stored once. :class:`StoreSink` writes a stream's records in micro-batches off the event loop;
:meth:`PushStore.roll_up_minutes` turns stored stock ticks into one-minute bars on request.
"""

# Table names come from the generated topic list, never from input; values are bound or passed as Arrow tables.
# ruff: noqa: S608

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
import types
import typing
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from ._records import TOPICS, TsMin

if TYPE_CHECKING:
    from ..store._database import Database
    from ..store._store import Store
    from ._protocol import Frame, StreamStats

__all__ = ["MINUTES_TABLE", "PushStore", "StoreSink", "table_name"]

MINUTES_TABLE: Final = "push_tick_minutes"
_TICKS: Final = "HQ_STK_TICK"
_SQL_TYPES: Final = {str: "VARCHAR", int: "BIGINT", float: "DOUBLE", dt.datetime: "TIMESTAMP"}
_BATCH_RECORDS: Final = 2_000
_BATCH_SECONDS: Final = 1.0


def table_name(topic: str) -> str:
    return f"push_{topic.lower()}"


def _columns(record: type[tuple[Any, ...]]) -> list[tuple[str, type]]:
    """(field, Python type) of a generated record, ``X | None`` unwrapped."""
    columns: list[tuple[str, type]] = []
    for name, hint in typing.get_type_hints(record).items():
        if isinstance(hint, types.UnionType):
            hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        columns.append((name, hint))
    return columns


class PushStore:
    """Push tables in a store file: ``to`` is a :class:`~tushare_typed.store.Store`, a path, or None (the store's
    default path)."""

    def __init__(self, to: Store | str | os.PathLike[str] | None = None) -> None:
        from ..store import Store, require_extra

        require_extra()
        self._owned = not isinstance(to, Store)
        self.db: Database = to.db if isinstance(to, Store) else Store(to).db
        self._ready: set[str] = set()

    def close(self) -> None:
        if self._owned:
            self.db.close()

    def _ensure(self, topic: str) -> None:
        if topic in self._ready:
            return
        columns = _columns(TOPICS[topic].record)
        body = ", ".join(f'"{name}" {_SQL_TYPES[kind]}' for name, kind in columns if name != "trade_time")
        with self.db.cursor() as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {table_name(topic)} (code VARCHAR NOT NULL,"
                f" trade_time TIMESTAMP NOT NULL, {body}, PRIMARY KEY (code, trade_time))"
            )
        self._ready.add(topic)

    def write(self, topic: str, frames: Sequence[Frame]) -> int:
        """Store ``frames`` of ``topic`` (each with a trade_time); records already stored are kept as they are.
        Returns how many were new."""
        import pyarrow

        if not frames:
            return 0
        self._ensure(topic)
        columns = _columns(TOPICS[topic].record)
        arrow_types = {str: pyarrow.string(), int: pyarrow.int64(), float: pyarrow.float64()}
        arrow_types[dt.datetime] = pyarrow.timestamp("us")
        data = {"code": pyarrow.array([frame.code for frame in frames], pyarrow.string())}
        for index, (name, kind) in enumerate(columns):
            data[name] = pyarrow.array([frame.record[index] for frame in frames], arrow_types[kind])
        batch = pyarrow.table(data)
        names = ", ".join(f'"{name}"' for name in data)
        with self.db.cursor() as conn:
            conn.register("_push_batch", batch)
            try:
                done = conn.execute(
                    f"INSERT OR IGNORE INTO {table_name(topic)} ({names}) SELECT {names} FROM _push_batch"
                ).fetchall()
            finally:
                conn.unregister("_push_batch")
        return int(done[0][0]) if done else 0

    def count(self, topic: str) -> int:
        self._ensure(topic)
        with self.db.cursor() as conn:
            return int(conn.execute(f"SELECT count(*) FROM {table_name(topic)}").fetchall()[0][0])

    def roll_up_minutes(self, codes: Sequence[str] | None = None) -> int:
        """One-minute bars from the stored stock ticks (HQ_STK_TICK) into ``push_tick_minutes``, replacing bars
        rolled up before (the latest minute may have grown). A bar is labelled by the minute's end, as tushare's
        are; open/close are the first/last price in it, vol/amount the growth of the day's cumulative figures since
        the bar before (for the first stored bar of a day: since its first tick). Returns the bars written."""
        self._ensure(_TICKS)
        where = "WHERE last_price IS NOT NULL" + (" AND code IN (SELECT unnest(?))" if codes else "")
        query = f"""
            WITH ticks AS (
                SELECT code, trade_time, last_price, volume, amount,
                       date_trunc('minute', trade_time) + INTERVAL 1 MINUTE AS bar_time
                FROM {table_name(_TICKS)} {where}),
            minutes AS (
                SELECT code, bar_time, arg_min(last_price, trade_time) AS open, max(last_price) AS high,
                       min(last_price) AS low, arg_max(last_price, trade_time) AS close,
                       max(volume) AS cum_vol, max(amount) AS cum_amount,
                       arg_min(volume, trade_time) AS first_vol, arg_min(amount, trade_time) AS first_amount
                FROM ticks GROUP BY code, bar_time)
            SELECT code, bar_time, open, close, high, low,
                   cum_vol - coalesce(lag(cum_vol) OVER day, first_vol) AS vol,
                   cum_amount - coalesce(lag(cum_amount) OVER day, first_amount) AS amount
            FROM minutes WINDOW day AS (PARTITION BY code, CAST(bar_time AS DATE) ORDER BY bar_time)"""
        with self.db.cursor() as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {MINUTES_TABLE} (code VARCHAR NOT NULL, trade_time TIMESTAMP NOT NULL,"
                " open DOUBLE, close DOUBLE, high DOUBLE, low DOUBLE, vol BIGINT, amount BIGINT,"
                " PRIMARY KEY (code, trade_time))"
            )
            conn.execute("BEGIN TRANSACTION")
            try:
                conn.execute(f"INSERT OR REPLACE INTO {MINUTES_TABLE} {query}", [list(codes)] if codes else [])
                written = conn.execute(f"SELECT count(*) FROM ({query})", [list(codes)] if codes else []).fetchall()
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return int(written[0][0])

    def minute_bars(self, code: str) -> list[TsMin]:
        """The bars :meth:`roll_up_minutes` wrote for ``code``, oldest first."""
        with self.db.cursor() as conn:
            rows = conn.execute(
                f"SELECT code, trade_time, open, close, high, low, vol, amount FROM {MINUTES_TABLE}"
                " WHERE code = ? ORDER BY trade_time",
                [code],
            ).fetchall()
        return [
            TsMin(code, "1MIN", when, open_, close, high, low, vol, amount, None)
            for code, when, open_, close, high, low, vol, amount in rows
        ]


class StoreSink:
    """A stream's records into a :class:`PushStore`: kept per (code, trade_time) — a replay within a batch is one
    record — and written every ``_BATCH_RECORDS`` records or ``_BATCH_SECONDS``, on a worker thread."""

    def __init__(self, store: PushStore, topic: str, stats: StreamStats) -> None:
        self._store, self._topic, self._stats = store, topic, stats
        self._pending: dict[tuple[str, dt.datetime], Frame] = {}
        self._since = time.monotonic()
        self._lock = asyncio.Lock()

    def add(self, frame: Frame) -> bool:
        when = getattr(frame.record, "trade_time", None)
        if when is None:
            self._stats.unkeyed += 1
            return False
        self._pending[(frame.code, when)] = frame
        return len(self._pending) >= _BATCH_RECORDS or time.monotonic() - self._since >= _BATCH_SECONDS

    async def flush(self) -> None:
        async with self._lock:
            frames, self._pending, self._since = list(self._pending.values()), {}, time.monotonic()
            if frames:
                self._stats.stored += await asyncio.to_thread(self._store.write, self._topic, frames)

    async def close(self) -> None:
        try:
            await self.flush()
        finally:
            await asyncio.to_thread(self._store.close)

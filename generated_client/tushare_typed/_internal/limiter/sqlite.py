"""Call logs in a WAL-mode SQLite file, so several processes sharing one token stay under its quota together.

Each decision is one ``BEGIN IMMEDIATE`` transaction, so check-and-record is atomic across processes.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from .protocol import MIN_WAIT, Plan, Window

__all__ = ["SQLiteBackend"]


_SCHEMA: Final = (
    "CREATE TABLE IF NOT EXISTS rate_calls (key TEXT NOT NULL, scope TEXT NOT NULL, ts REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS rate_calls_by_scope ON rate_calls (key, scope, ts)",
    "CREATE TABLE IF NOT EXISTS rate_blocks ("
    " key TEXT NOT NULL, scope TEXT NOT NULL, until REAL NOT NULL, span REAL NOT NULL,"
    " PRIMARY KEY (key, scope))",
)


class SQLiteBackend:
    """Call logs in an SQLite file, so several processes sharing one token stay under its quota together.

    Readings come from the wall clock (``time.time``), which all processes on a host share and which survives a
    reboot; entries stamped in the future (the clock was set back) are pulled back to now so they still age out.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float = 30.0) -> None:
        self.path = Path(path) if path is not None else self.default_path()
        self._timeout = timeout
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._local = threading.local()

    @property
    def last_stamp(self) -> float | None:
        """The reading logged by this thread's last successful ``try_acquire``."""
        return getattr(self._local, "stamp", None)

    def restamp(self, key: str, scopes: Sequence[str], old: float, new: float) -> None:
        """Move one logged call from ``old`` to ``new`` (when it was really sent) in each of ``scopes``."""
        with self._transaction() as conn:
            for scope in scopes:
                conn.execute(
                    "UPDATE rate_calls SET ts = ? WHERE rowid = ("
                    " SELECT rowid FROM rate_calls WHERE key = ? AND scope = ? AND ts = ? LIMIT 1)",
                    (max(new, old), key, scope, old),
                )

    @staticmethod
    def default_path() -> Path:
        """``$XDG_CACHE_HOME/tushare_typed/ratelimit.sqlite3`` (``~/.cache`` when unset)."""
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        return Path(base) / "tushare_typed" / "ratelimit.sqlite3"

    @property
    def default_clock(self) -> Callable[[], float]:
        return time.time

    @property
    def blocking_io(self) -> bool:
        return True

    def try_acquire(self, key: str, plan: Plan, clock: Callable[[], float]) -> float:
        scopes = [scope for scope, _ in plan.retention]
        with self._transaction() as conn:
            now = clock()
            self._pull_back_future_entries(conn, key, scopes, now)
            wait = max((self._blocked_for(conn, key, scope, now) for scope in scopes), default=0.0)
            for window in plan.windows:
                wait = max(wait, self._window_wait(conn, key, window, now))
            if wait > 0:
                return wait
            for scope, retention in plan.retention:
                conn.execute("INSERT INTO rate_calls (key, scope, ts) VALUES (?, ?, ?)", (key, scope, now))
                conn.execute(
                    "DELETE FROM rate_calls WHERE key = ? AND scope = ? AND ts <= ?", (key, scope, now - retention)
                )
            self._local.stamp = now
            return 0.0

    def block(self, key: str, scope: str, until: float, span: float) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO rate_blocks (key, scope, until, span) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key, scope) DO UPDATE SET until = excluded.until, span = excluded.span"
                " WHERE excluded.until > rate_blocks.until",
                (key, scope, until, span),
            )

    def count(self, key: str, scope: str, period: float, now: float) -> int:
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM rate_calls WHERE key = ? AND scope = ? AND ts > ?", (key, scope, now - period)
            ).fetchone()
            return int(row[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @staticmethod
    def _window_wait(conn: sqlite3.Connection, key: str, window: Window, now: float) -> float:
        since = now - window.period
        (count,) = conn.execute(
            "SELECT COUNT(*) FROM rate_calls WHERE key = ? AND scope = ? AND ts > ?", (key, window.scope, since)
        ).fetchone()
        excess = int(count) - window.calls
        if excess < 0:
            return 0.0
        (oldest_blocking,) = conn.execute(
            "SELECT ts FROM rate_calls WHERE key = ? AND scope = ? AND ts > ? ORDER BY ts LIMIT 1 OFFSET ?",
            (key, window.scope, since, excess),
        ).fetchone()
        return max(float(oldest_blocking) + window.period - now, MIN_WAIT)

    @staticmethod
    def _blocked_for(conn: sqlite3.Connection, key: str, scope: str, now: float) -> float:
        row = conn.execute("SELECT until, span FROM rate_blocks WHERE key = ? AND scope = ?", (key, scope)).fetchone()
        if row is None or row[0] <= now:
            return 0.0
        return float(min(row[0] - now, row[1]))

    @staticmethod
    def _pull_back_future_entries(conn: sqlite3.Connection, key: str, scopes: Sequence[str], now: float) -> None:
        marks = ",".join("?" * len(scopes))
        conn.execute(
            f"UPDATE rate_calls SET ts = ? WHERE key = ? AND scope IN ({marks}) AND ts > ?",  # noqa: S608 (only ?s)
            (now, key, *scopes, now),
        )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # One connection per backend and process, guarded by a lock: sqlite3 connections are not thread-safe, and
        # the file lock that BEGIN IMMEDIATE takes is what serialises the processes.
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _connection(self) -> sqlite3.Connection:
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        # A connection inherited through fork() must not be used by the child: open a fresh one.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # The file holds only key hashes and timestamps, but it is nobody else's business either.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        conn = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False)
        try:
            self._set_up(conn)
        except BaseException:
            conn.close()
            raise
        self._conn, self._pid = conn, os.getpid()
        return conn

    def _set_up(self, conn: sqlite3.Connection) -> None:
        # Switching to WAL can fail with "database is locked" at once, without waiting for the busy timeout, while
        # another process is opening the same new file: retry it for as long as the timeout allows.
        deadline = time.monotonic() + self._timeout
        pause = 0.005
        while True:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 0.1)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("BEGIN IMMEDIATE")
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.execute("COMMIT")

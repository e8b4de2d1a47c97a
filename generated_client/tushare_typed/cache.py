"""An opt-in cache of raw replies: ``TushareClient(cache=True)`` answers an identical call locally.

A reply is keyed by interface, parameters, fields and page (never the token) and stored as the exact bytes the
server sent, so a cached call decodes like a live one. Replies for closed historical ranges (every date parameter,
and an end bound, before today) are kept indefinitely; anything touching today, or with no date at all (reference
tables), expires after ``ttl`` seconds. Backends: :class:`SQLiteCache` (default, a file in the user's cache
directory, standard library only) and :class:`RedisCache` (extra ``redis``, shared between machines).
``tushare-typed cache clear`` empties the default one.

A cache never makes a call fail: a file that cannot be opened, read or written (corrupt, truncated, not SQLite, no
permission, disk full) turns the cache off for that client with a warning, and calls go to the network. Each reply
is stored with its SHA-256 digest; one that no longer matches (a flipped byte) is a miss, with a warning, never data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import threading
import time
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Protocol, runtime_checkable

__all__ = [
    "DEFAULT_TTL",
    "CacheWarning",
    "RedisCache",
    "ResponseCache",
    "SQLiteCache",
    "cache_key",
    "cache_ttl",
    "resolve_cache",
]

#: Seconds a reply that touches today (or has no date) stays valid.
DEFAULT_TTL: Final = 3600.0
# Parameters that bound a query's dates from above; a query is closed when one of them lies before today.
_END_BOUNDS: Final = ("end_date", "trade_date", "period", "cal_date", "ann_date", "date", "end_month")
_DIGEST_BYTES: Final = 32
_COLUMNS: Final = ("key", "body", "digest", "expires")


class CacheWarning(RuntimeWarning):
    """The response cache failed or held a damaged reply; the call went to the network instead."""


def _digest(body: bytes) -> bytes:
    return hashlib.sha256(body).digest()


def _warn(text: str) -> None:
    warnings.warn(text, CacheWarning, stacklevel=3)


@runtime_checkable
class ResponseCache(Protocol):
    """Where cached replies live."""

    def get(self, key: str) -> bytes | None:
        """The reply stored under ``key`` unless it expired."""
        ...

    def set(self, key: str, body: bytes, ttl: float | None) -> None:
        """Store ``body``; ``ttl`` None keeps it until cleared."""
        ...

    def clear(self) -> int:
        """Forget every reply; return how many there were."""
        ...


def cache_key(api_name: str, params: Mapping[str, object], fields: Sequence[str] | str | None) -> str:
    """A digest of what identifies a reply (the token is left out: the data does not depend on it)."""
    names = fields.split(",") if isinstance(fields, str) else list(fields or ())
    canonical = json.dumps(
        [api_name, {k: v for k, v in params.items() if v is not None}, names],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _as_date(value: object) -> dt.date | None:
    text = str(value).replace("-", "")
    if len(text) >= 6 and text[:6].isdigit():
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]) if len(text) >= 8 else 28)
        except ValueError:
            return None
    return None


def cache_ttl(params: Mapping[str, object], ttl: float, today: dt.date | None = None) -> float | None:
    """None (keep for ever) for a closed historical range, else ``ttl``."""
    today = today or dt.date.today()
    bounds = [_as_date(params[name]) for name in _END_BOUNDS if params.get(name) not in (None, "")]
    dates = [_as_date(value) for name, value in params.items() if "date" in name and value not in (None, "")]
    if bounds and all(d is not None and d < today for d in bounds + dates):
        return None
    return ttl


class SQLiteCache:
    """Replies in an SQLite file (default ``$XDG_CACHE_HOME/tushare_typed/responses.sqlite3``)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else self.default_path()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._off = False  # set after a fault: the file is left alone and every call goes to the network

    @staticmethod
    def default_path() -> Path:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        return Path(base) / "tushare_typed" / "responses.sqlite3"

    def __repr__(self) -> str:
        return f"SQLiteCache({str(self.path)!r})"

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("DROP TABLE IF EXISTS replies")  # the layout before digests: nothing to verify
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS replies_v2 (key TEXT PRIMARY KEY, body BLOB NOT NULL, "
                    "digest BLOB NOT NULL, expires REAL)"
                )
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _fault(self, error: BaseException) -> None:
        """Turn the cache off for this client after ``error``, saying so once."""
        if not self._off:
            self._off = True
            _warn(
                f"the response cache {self.path} cannot be used ({type(error).__name__}: {error}); calls go to the "
                "network. Clear it with `tushare-typed cache clear`, or pass another cache path"
            )

    def get(self, key: str) -> bytes | None:
        if self._off:
            return None
        try:
            with self._lock:
                conn = self._connection()
                row = conn.execute(
                    "SELECT body, digest FROM replies_v2 WHERE key = ? AND (expires IS NULL OR expires > ?)",
                    (key, time.time()),
                ).fetchone()
                if row is not None and _digest(bytes(row[0])) != bytes(row[1]):
                    conn.execute("DELETE FROM replies_v2 WHERE key = ?", (key,))
                    _warn(f"a reply cached in {self.path} failed its integrity check (damaged); fetched again")
                    return None
        except (sqlite3.Error, OSError) as error:
            self._fault(error)
            return None
        return None if row is None else bytes(row[0])

    def set(self, key: str, body: bytes, ttl: float | None) -> None:
        if self._off:
            return
        expires = None if ttl is None else time.time() + ttl
        try:
            with self._lock:
                self._connection().execute(
                    "INSERT OR REPLACE INTO replies_v2 VALUES (?, ?, ?, ?)", (key, body, _digest(body), expires)
                )
        except (sqlite3.Error, OSError) as error:
            self._fault(error)

    def clear(self) -> int:
        """Forget every reply. A file that is not a readable database (corrupt, truncated) is removed; an SQLite
        database of some other program is left alone and named."""
        if not self.path.exists():
            return 0
        from .errors import TushareError

        with self._lock:
            try:
                conn = self._connection()
                columns = [row[1] for row in conn.execute("PRAGMA table_info(replies_v2)")]
                if columns != list(_COLUMNS):
                    raise TushareError(
                        f"{self.path} is not a tushare-typed response cache (an SQLite database of something else)",
                        code="CACHE-501",
                        remediation="pass the path of the cache (--path), or move that file away",
                    )
                return conn.execute("DELETE FROM replies_v2").rowcount
            except (sqlite3.OperationalError, OSError) as error:  # read-only, no permission, locked: not damage
                raise TushareError(
                    f"cannot clear the response cache {self.path}: {error}",
                    code="CACHE-501",
                    remediation="make the file and its folder writable, or delete the file",
                ) from None
            except sqlite3.DatabaseError:  # not a database, malformed: the file itself is removed
                self._close()
                for path in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                    path.unlink(missing_ok=True)
                self._off = False
                return 0

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class RedisCache:
    """Replies in Redis under ``prefix`` (extra ``redis``), shared by every machine using it."""

    def __init__(
        self, url: str = "redis://127.0.0.1:6379/0", *, client: Any = None, prefix: str = "tushare_typed:cache"
    ):
        if client is None:
            try:
                import redis
            except ImportError as error:
                raise ImportError(
                    f"RedisCache needs the optional 'redis' extra: pip install 'tushare-typed[redis]' ({error})"
                ) from None
            client = redis.Redis.from_url(url)
        self._redis = client
        self._prefix = prefix

    def get(self, key: str) -> bytes | None:
        value = self._redis.get(f"{self._prefix}:{key}")
        if value is None:
            return None
        stored = bytes(value)
        digest, body = stored[:_DIGEST_BYTES], stored[_DIGEST_BYTES:]
        if _digest(body) != digest:
            _warn(f"a reply cached in Redis ({self._prefix}) failed its integrity check (damaged); fetched again")
            return None
        return body

    def set(self, key: str, body: bytes, ttl: float | None) -> None:
        value = _digest(body) + body  # the digest first: a reply is verified before it is used
        self._redis.set(f"{self._prefix}:{key}", value, px=None if ttl is None else max(1, int(ttl * 1000)))

    def clear(self) -> int:
        keys = list(self._redis.scan_iter(match=f"{self._prefix}:*", count=1000))
        return int(self._redis.delete(*keys)) if keys else 0


def resolve_cache(cache: object) -> ResponseCache | None:
    """``cache=`` of a client: None/False (off), True (the default SQLite file), a path, or a ResponseCache."""
    if cache is None or cache is False:
        return None
    if cache is True:
        return SQLiteCache()
    if isinstance(cache, str | os.PathLike):
        return SQLiteCache(cache)
    if isinstance(cache, ResponseCache):
        return cache
    from .errors import ParameterError

    raise ParameterError(
        f"cache={cache!r} is not a cache",
        remediation="pass cache=True (a file in your cache directory), a path, SQLiteCache(...) or RedisCache(...)",
    )

"""Window-based rate limiting for tushare's per-account, per-interface call quotas.

tushare counts calls in a window ("每分钟最多访问该接口N次"), so a token bucket that refills continuously still
lets a burst through that the server rejects. This limiter keeps a sliding-window log instead: a call goes only when
every window that applies (the account tier or an explicit limit, the interface's documented limits for the
account's points, hourly/daily caps, and limits learned from 40203 replies) holds fewer than ``calls`` calls made
in the last ``period`` seconds. Any server window, fixed or sliding, then sees at most ``calls`` calls. Each window
is widened by a small safety margin so that network jitter and clock drift cannot squeeze ``calls + 1`` calls into
the server's view of one window.

State lives in a backend keyed by a hash of the account key (never the raw token): :class:`MemoryBackend` for one
process (threads and asyncio tasks), :class:`SQLiteBackend` for several processes sharing one token (a WAL-mode
SQLite file; each decision is one ``BEGIN IMMEDIATE`` transaction, so check-and-record is atomic across processes).

Why not pyrate-limiter (4.5.1 evaluated): its SQLite bucket counts and inserts in a DEFERRED transaction and is only
multi-process safe with the optional ``filelock`` dependency; its rate lists must be ordered "generous before
tight", which an account limit plus a stricter per-interface limit over the same minute violates; it has no way to
lower a limit from a server reply; and it runs a background leaker thread. The sliding-window log it would provide is
a few dozen lines here.
"""

from __future__ import annotations

import asyncio
import bisect
import hashlib
import math
import os
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

from .errors import RateLimitError
from .progress import announce_wait

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = [
    "POINTS_TIERS",
    "Limiter",
    "MemoryBackend",
    "Plan",
    "RateLimit",
    "RateLimiter",
    "SQLiteBackend",
    "Window",
    "WindowBackend",
    "token_key",
]

MINUTE: Final = 60.0
HOUR: Final = 3600.0
DAY: Final = 86400.0

#: (minimum points, calls per minute), highest tier first: tushare's common per-interface quotas.
POINTS_TIERS: Final[tuple[tuple[int, int], ...]] = ((10000, 1000), (5000, 500), (2000, 200), (0, 50))

# How long an interface's call log is kept when no window needs it: long enough to judge a 40203 that names no cap.
_MIN_RETENTION: Final = MINUTE
# Rounding can leave a computed wait at 0 while the window is still full; never sleep less than this.
_MIN_WAIT: Final = 1e-6
_ACCOUNT_SCOPE: Final = "account"


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``calls`` calls in any ``period`` seconds: ``RateLimit(calls=200, period=60)``."""

    calls: int
    period: float = MINUTE

    def __post_init__(self) -> None:
        if isinstance(self.calls, bool) or not isinstance(self.calls, int) or self.calls < 1:
            raise ValueError(f"calls must be an integer >= 1, got {self.calls!r}")
        if not isinstance(self.period, int | float) or not math.isfinite(self.period) or self.period <= 0:
            raise ValueError(f"period must be a positive number of seconds, got {self.period!r}")
        object.__setattr__(self, "period", float(self.period))

    @classmethod
    def for_points(cls, points: int) -> RateLimit:
        """The common per-minute quota of a points tier (120 → 50/min, 2000 → 200, 5000 → 500, 10000 → 1000)."""
        for minimum, calls in POINTS_TIERS:
            if points >= minimum:
                return cls(calls=calls, period=MINUTE)
        return cls(calls=POINTS_TIERS[-1][1], period=MINUTE)

    @classmethod
    def per_minute(cls, calls: int) -> RateLimit:
        return cls(calls=calls, period=MINUTE)

    @classmethod
    def per_hour(cls, calls: int) -> RateLimit:
        return cls(calls=calls, period=HOUR)

    @classmethod
    def per_day(cls, calls: int) -> RateLimit:
        return cls(calls=calls, period=DAY)

    @classmethod
    def coerce(cls, value: RateLimit | tuple[int, float]) -> RateLimit:
        """Accept a ``RateLimit`` or a ``(calls, period)`` pair."""
        if isinstance(value, RateLimit):
            return value
        calls, period = value
        return cls(calls=calls, period=period)


class Limiter(Protocol):
    """What the transport needs from a rate limiter."""

    def acquire(self, api_name: str) -> float:
        """Block until a call may go; return the seconds waited."""
        ...

    async def aacquire(self, api_name: str) -> float:
        """Same as :meth:`acquire`, without blocking the event loop."""
        ...

    def on_rate_limited(self, api_name: str, calls: int | None, period: float) -> float:
        """A 40203 rate reply arrived; lower the limit to what the server stated; return seconds to wait."""
        ...


@dataclass(frozen=True, slots=True)
class Window:
    """One check a call must pass: fewer than ``calls`` calls logged in ``scope`` within ``period`` seconds.

    ``period`` already includes the safety margin.
    """

    scope: str
    calls: int
    period: float


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything a backend needs for one interface: the windows to check and the scopes to log the call in.

    ``retention`` pairs each logged scope with how long its entries must be kept.
    """

    windows: tuple[Window, ...]
    retention: tuple[tuple[str, float], ...]


class WindowBackend(Protocol):
    """Stores call logs and blocks; decides atomically whether a call may go."""

    @property
    def default_clock(self) -> Callable[[], float]:
        """The clock whose readings this backend stores (shared by every user of the backend)."""
        ...

    @property
    def blocking_io(self) -> bool:
        """Whether a decision may block on I/O (then ``aacquire`` runs it in a worker thread)."""
        ...

    def try_acquire(self, key: str, plan: Plan, clock: Callable[[], float]) -> float:
        """Log a call and return 0 when every window has room; else log nothing and return the wait.

        ``clock`` is read once the decision is exclusive (lock or transaction held): a reading taken before waiting
        for the lock would log the call earlier than it really goes out, and let a later call in too soon.
        """
        ...

    def block(self, key: str, scope: str, until: float, span: float) -> None:
        """Hold every call in ``scope`` until ``until`` (at most ``span`` seconds after any later reading)."""
        ...

    def count(self, key: str, scope: str, period: float, now: float) -> int:
        """Calls logged in ``scope`` within ``period`` seconds before ``now``."""
        ...


def token_key(token: str) -> str:
    """A stable key for a token's quota that does not reveal the token."""
    return "tk-" + hashlib.sha256(("tushare_typed.ratelimit:" + token).encode()).hexdigest()[:32]


def _hashed(key: str) -> str:
    # Whatever the caller passes (a namespace, a token_key, or carelessly the token itself), only a hash is stored.
    return hashlib.sha256(("tushare_typed.ratelimit.key:" + key).encode()).hexdigest()[:32]


def _wait_for_room(log: Sequence[float], start: int, window: Window, now: float) -> float:
    """Seconds until ``window`` has room, given its ascending call log whose entries from ``start`` on are in it."""
    excess = len(log) - start - window.calls
    if excess < 0:
        return 0.0
    # The window has room once the entry `excess` places after its oldest has aged out.
    return max(log[start + excess] + window.period - now, _MIN_WAIT)


class MemoryBackend:
    """Call logs in this process's memory; safe across threads (one lock, held for microseconds)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._logs: dict[tuple[str, str], list[float]] = {}
        self._blocks: dict[tuple[str, str], tuple[float, float]] = {}

    @property
    def default_clock(self) -> Callable[[], float]:
        return self._clock

    @property
    def blocking_io(self) -> bool:
        return False

    def try_acquire(self, key: str, plan: Plan, clock: Callable[[], float]) -> float:
        with self._lock:
            now = clock()
            wait = max((self._blocked_for(key, scope, now) for scope, _ in plan.retention), default=0.0)
            for window in plan.windows:
                log = self._logs.get((key, window.scope), [])
                start = bisect.bisect_right(log, now - window.period)
                wait = max(wait, _wait_for_room(log, start, window, now))
            if wait > 0:
                return wait
            for scope, retention in plan.retention:
                self._record(self._logs.setdefault((key, scope), []), now, retention)
            return 0.0

    def block(self, key: str, scope: str, until: float, span: float) -> None:
        with self._lock:
            current = self._blocks.get((key, scope))
            if current is None or current[0] < until:
                self._blocks[(key, scope)] = (until, span)

    def count(self, key: str, scope: str, period: float, now: float) -> int:
        with self._lock:
            log = self._logs.get((key, scope), [])
            return len(log) - bisect.bisect_right(log, now - period)

    def _blocked_for(self, key: str, scope: str, now: float) -> float:
        block = self._blocks.get((key, scope))
        if block is None:
            return 0.0
        until, span = block
        if until <= now:
            del self._blocks[(key, scope)]
            return 0.0
        return min(until - now, span)

    @staticmethod
    def _record(log: list[float], now: float, retention: float) -> None:
        # Keep the log sorted even if a caller's clock is coarse: bisect relies on it.
        log.append(max(now, log[-1]) if log else now)
        stale = bisect.bisect_right(log, now - retention)
        # Trim in batches: deleting from the front of a list is O(n).
        if stale >= 64 or stale * 2 >= len(log):
            del log[:stale]


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
        return max(float(oldest_blocking) + window.period - now, _MIN_WAIT)

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


class RateLimiter:
    """Sliding-window limiter for one tushare account; implements :class:`Limiter`.

    ``rate_limit`` is the account's quota: a :class:`RateLimit`, a ``(calls, period)`` pair, or a points number
    (its tier). ``points`` (defaults to that number) chooses which of an interface's documented ``rate_limits``
    hold. ``None`` for both means no account window: only interface limits, ``caps`` and learned limits apply.

    tushare counts each interface separately ("该接口"), so by default the account quota is one window per
    interface; ``per_interface=False`` makes it a single window shared by all interfaces. ``caps`` (hourly or
    daily limits) are always shared by all interfaces.

    One limiter per token; share it between clients (and ``backend=SQLiteBackend(...)`` between processes) so
    that everything using the token is counted together. Inject ``clock``/``sleep``/``async_sleep`` in tests.
    """

    def __init__(
        self,
        rate_limit: RateLimit | tuple[int, float] | int | None = None,
        *,
        points: int | None = None,
        catalog: Catalog | Callable[[], Catalog] | None = None,
        interface_limits: Mapping[str, Sequence[RateLimit]] | None = None,
        caps: Sequence[RateLimit] = (),
        key: str = "default",
        per_interface: bool = True,
        backend: WindowBackend | None = None,
        margin_ratio: float = 0.02,
        min_margin: float = 0.05,
        max_wait: float | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if isinstance(rate_limit, bool):
            raise TypeError("rate_limit must be a RateLimit, a (calls, period) pair or a points number")
        if isinstance(rate_limit, int):
            points = rate_limit if points is None else points
            self.account_limit: RateLimit | None = RateLimit.for_points(rate_limit)
        elif rate_limit is not None:
            self.account_limit = RateLimit.coerce(rate_limit)
        else:
            self.account_limit = RateLimit.for_points(points) if points is not None else None
        if margin_ratio < 0 or min_margin < 0:
            raise ValueError("safety margins cannot be negative")
        self.points = points
        self.caps = tuple(caps)
        self.per_interface = per_interface
        self.max_wait = max_wait
        self._catalog = catalog
        self._interface_limits = {name: tuple(limits) for name, limits in (interface_limits or {}).items()}
        self._key = _hashed(key)
        self._backend: WindowBackend = backend if backend is not None else MemoryBackend()
        self._clock = clock if clock is not None else self._backend.default_clock
        self._sleep = sleep
        self._async_sleep = async_sleep
        self._margin_ratio = margin_ratio
        self._min_margin = min_margin
        # Re-entrant: building a plan (under the lock) reads the learned limits, which take it too.
        self._lock = threading.RLock()
        self._learned: dict[str, dict[float, int]] = {}
        self._plans: dict[str, Plan] = {}

    def __repr__(self) -> str:
        return (
            f"RateLimiter(account_limit={self.account_limit!r}, points={self.points!r}, caps={self.caps!r}, "
            f"key=<hash {self._key[:8]}>, backend={type(self._backend).__name__})"
        )

    @property
    def backend(self) -> WindowBackend:
        return self._backend

    def margin(self, period: float) -> float:
        """Seconds added to a ``period``-second window to absorb jitter and clock drift."""
        return max(self._min_margin, period * self._margin_ratio)

    def limits_for(self, api_name: str) -> tuple[RateLimit, ...]:
        """Every limit a call to ``api_name`` must respect (without safety margins), strictest first."""
        limits = self._interface_rate_limits(api_name) + self._account_rate_limits() + self._learned_limits(api_name)
        return tuple(sorted(set(limits), key=lambda limit: (limit.calls / limit.period, limit.period)))

    def acquire(self, api_name: str) -> float:
        start = self._clock()
        while True:
            wait = self._try_acquire(api_name)
            if wait <= 0:
                return self._clock() - start
            self._check_max_wait(api_name, self._clock() - start + wait)
            announce_wait(api_name, wait, "client-side rate limit")
            self._sleep(wait)

    async def aacquire(self, api_name: str) -> float:
        start = self._clock()
        while True:
            if self._backend.blocking_io:
                wait = await asyncio.to_thread(self._try_acquire, api_name)
            else:
                wait = self._try_acquire(api_name)
            if wait <= 0:
                return self._clock() - start
            self._check_max_wait(api_name, self._clock() - start + wait)
            announce_wait(api_name, wait, "client-side rate limit")
            await self._async_sleep(wait)

    def on_rate_limited(self, api_name: str, calls: int | None, period: float) -> float:
        """Learn the server's cap for ``api_name`` and hold its calls for a whole window.

        A server window counts calls we cannot see (other machines, or the server's own clock), so waiting less
        than the full window after a rejection is likely to be rejected again.
        """
        period = float(period) if period > 0 else MINUTE
        now = self._clock()
        scope = self._api_scope(api_name)
        if calls is None:
            calls = self._guess_cap(api_name, scope, period, now)
        with self._lock:
            learned = self._learned.setdefault(api_name, {})
            learned[period] = max(1, min(learned.get(period, calls), calls))
            self._plans.pop(api_name, None)
        wait = period + self.margin(period)
        self._backend.block(self._key, scope, now + wait, wait)
        return wait

    def count(self, api_name: str, period: float = MINUTE) -> int:
        """Calls to ``api_name`` logged within the last ``period`` seconds (all users of the backend and key)."""
        return self._backend.count(self._key, self._api_scope(api_name), period, self._clock())

    def _try_acquire(self, api_name: str) -> float:
        return self._backend.try_acquire(self._key, self._plan(api_name), self._clock)

    def _check_max_wait(self, api_name: str, total_wait: float) -> None:
        if self.max_wait is None or total_wait <= self.max_wait:
            return
        strictest = self.limits_for(api_name)
        limit = strictest[0] if strictest else None
        raise RateLimitError(
            f"calling {api_name} now would exceed its quota; the next slot is {total_wait:.1f}s away, "
            f"more than max_wait={self.max_wait:g}s",
            limit_calls=limit.calls if limit else None,
            limit_period=limit.period if limit else MINUTE,
            api_name=api_name,
            remediation="Wait and call again, raise max_wait, or spread calls over a longer time.",
        )

    def _guess_cap(self, api_name: str, scope: str, period: float, now: float) -> int:
        # The reply named no number ("频率超限"). The call it rejected is already in our log, so the server's cap is
        # below what we logged in the window; with nothing logged, halve the tightest limit we know.
        logged = self._backend.count(self._key, scope, period + self.margin(period), now)
        if logged > 1:
            return logged - 1
        known = [limit.calls for limit in self.limits_for(api_name) if limit.period == period]
        return max(1, min(known, default=2) // 2)

    def _plan(self, api_name: str) -> Plan:
        with self._lock:
            plan = self._plans.get(api_name)
            if plan is None:
                plan = self._plans[api_name] = self._build_plan(api_name)
            return plan

    def _build_plan(self, api_name: str) -> Plan:
        api_scope = self._api_scope(api_name)
        api_limits = self._interface_rate_limits(api_name) + self._learned_limits(api_name)
        account_limits: tuple[RateLimit, ...] = ()
        if self.account_limit is not None:
            if self.per_interface:
                api_limits += (self.account_limit,)
            else:
                account_limits += (self.account_limit,)
        account_limits += self.caps
        windows = tuple(
            Window(scope, limit.calls, limit.period + self.margin(limit.period))
            for scope, limits in ((api_scope, api_limits), (_ACCOUNT_SCOPE, account_limits))
            for limit in sorted(set(limits), key=lambda limit: (limit.period, limit.calls))
        )
        retention = {api_scope: _MIN_RETENTION + self.margin(_MIN_RETENTION)}
        for window in windows:
            retention[window.scope] = max(retention.get(window.scope, 0.0), window.period)
        return Plan(windows=windows, retention=tuple(sorted(retention.items())))

    def _account_rate_limits(self) -> tuple[RateLimit, ...]:
        account = (self.account_limit,) if self.account_limit is not None else ()
        return account + self.caps

    def _interface_rate_limits(self, api_name: str) -> tuple[RateLimit, ...]:
        explicit = self._interface_limits.get(api_name)
        if explicit is not None:
            return explicit
        # A callable catalog is read on the first call, so building a client does not parse catalog.json.
        catalog = self._catalog() if callable(self._catalog) else self._catalog
        spec = catalog.interfaces.get(api_name) if catalog is not None else None
        if spec is None:
            return ()
        return tuple(RateLimit(calls=s.calls, period=s.period) for s in spec.rate_limits_for(self.points))

    def _learned_limits(self, api_name: str) -> tuple[RateLimit, ...]:
        with self._lock:
            learned = list(self._learned.get(api_name, {}).items())
        return tuple(RateLimit(calls=calls, period=period) for period, calls in learned)

    @staticmethod
    def _api_scope(api_name: str) -> str:
        return "api:" + api_name

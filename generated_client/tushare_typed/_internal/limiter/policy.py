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

import contextvars
import hashlib
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ...errors import RateLimitError
from ...progress import announce_wait
from .memory import MemoryBackend
from .protocol import Plan, Window, WindowBackend

if TYPE_CHECKING:
    from ...catalog import Catalog

__all__ = ["POINTS_TIERS", "RateLimit", "RateLimiter", "token_key"]

MINUTE: Final = 60.0
HOUR: Final = 3600.0
DAY: Final = 86400.0

#: (minimum points, calls per minute), highest tier first: tushare's common per-interface quotas.
POINTS_TIERS: Final[tuple[tuple[int, int], ...]] = ((10000, 1000), (5000, 500), (2000, 200), (0, 50))

# How long an interface's call log is kept when no window needs it: long enough to judge a 40203 that names no cap.
_MIN_RETENTION: Final = MINUTE
_ACCOUNT_SCOPE: Final = "account"
# A limit learned from a 40203 message lapses this many of its windows after the last rejection that stated it.
LEARNED_WINDOWS: Final = 5
# Waits longer than this are logged at WARNING through the standard `logging` module (visible without setup).
LOUD_WAIT: Final = 1.0
_log = logging.getLogger("tushare_typed")


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


def token_key(token: str) -> str:
    """A stable key for a token's quota that does not reveal the token."""
    # surrogatepass: a token that cannot be sent still gets a key; the transport refuses it with a clear error.
    return (
        "tk-" + hashlib.sha256(("tushare_typed.ratelimit:" + token).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    )


def _hashed(key: str) -> str:
    # Whatever the caller passes (a namespace, a token_key, or carelessly the token itself), only a hash is stored.
    return hashlib.sha256(("tushare_typed.ratelimit.key:" + key).encode()).hexdigest()[:32]


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
        min_margin: float = 0.1,
        max_wait: float | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] | None = None,
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
        # api_name → period → (calls, when the learned limit lapses)
        self._learned: dict[str, dict[float, tuple[int, float]]] = {}
        self._plans: dict[str, Plan] = {}
        self._plan_expiry: dict[str, float | None] = {}
        # (api_name, logged reading) of the call this thread or task was admitted for last: see mark_sent.
        self._admitted: contextvars.ContextVar[tuple[str, float | None] | None] = contextvars.ContextVar(
            "tushare_typed_admitted", default=None
        )

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

    #: The transport passes its remaining wait budget as ``max_wait=`` to limiters that say they take one.
    takes_max_wait: Final = True

    def acquire(self, api_name: str, *, max_wait: float | None = None) -> float:
        """Block until a call may go (returns the seconds waited); a wait beyond ``max_wait`` (or the limiter's
        own) raises :class:`~tushare_typed.errors.RateLimitError` at once, with ``retry_after``."""
        start = self._clock()
        while True:
            wait, stamp = self._try_acquire(api_name)
            if wait <= 0:
                self._admitted.set((api_name, stamp))
                return self._clock() - start
            self._before_wait(api_name, self._clock() - start, wait, max_wait)
            self._sleep(wait)

    async def aacquire(self, api_name: str, *, max_wait: float | None = None) -> float:
        # Imported here, not at the top: asyncio costs more to import than a client's construction.
        import asyncio

        sleep = self._async_sleep or asyncio.sleep
        start = self._clock()
        while True:
            if self._backend.blocking_io:
                wait, stamp = await asyncio.to_thread(self._try_acquire, api_name)
            else:
                wait, stamp = self._try_acquire(api_name)
            if wait <= 0:
                self._admitted.set((api_name, stamp))
                return self._clock() - start
            self._before_wait(api_name, self._clock() - start, wait, max_wait)
            await sleep(wait)

    def mark_sent(self, api_name: str) -> None:
        """The call admitted last in this thread or task went out now: log it at this time, not at admission.

        A server counts a call when it arrives; stamping it at admission would let the call that closes the next
        window in as early as the admitted call's time plus the period, while the server still counts the first.
        """
        admitted = self._admitted.get()
        self._admitted.set(None)
        restamp = getattr(self._backend, "restamp", None)
        if admitted is None or admitted[0] != api_name or admitted[1] is None or restamp is None:
            return
        scopes = [scope for scope, _ in self._plan(api_name).retention]
        restamp(self._key, scopes, admitted[1], self._clock())

    def on_rate_limited(self, api_name: str, calls: int | None, period: float) -> float:
        """A 40203 arrived: learn the server's cap where it is below what is configured; return the seconds the
        window the server counts needs before the call can go again (0 when unknown: the caller backs off).

        An hourly or daily cap holds the interface for its window (so the next calls fail at once, not after
        an hours-long sleep). A per-minute cap is adopted only when no limit with that period is configured or
        the configured one is higher (explicit configuration wins over a message that may be generic), and
        only for ``LEARNED_WINDOWS`` of its windows after the last rejection: a transient rejection does not
        lower the rate for the rest of the run.
        """
        period = float(period) if period > 0 else MINUTE
        now = self._clock()
        if period >= HOUR:
            self._backend.block(self._key, self._api_scope(api_name), now + period, period)
            return period
        if calls is None or not self._should_learn(api_name, calls, period):
            return 0.0
        with self._lock:
            learned = self._learned.setdefault(api_name, {})
            current = learned.get(period)
            lowest = min(calls, current[0]) if current is not None and current[1] > now else calls
            learned[period] = (max(1, lowest), now + LEARNED_WINDOWS * period)
            self._plans.pop(api_name, None)
        wait, _ = self._try_acquire(api_name, record=False)
        if wait > 0:
            # Other users of the backend (threads, processes) hold off too, though they have not learned it.
            self._backend.block(self._key, self._api_scope(api_name), now + wait, wait)
        return wait

    def _should_learn(self, api_name: str, calls: int, period: float) -> bool:
        configured = self._interface_rate_limits(api_name) + self._account_rate_limits()
        if not configured:
            return True
        same_period = [limit.calls for limit in configured if limit.period == period]
        return bool(same_period) and calls < min(same_period)

    def count(self, api_name: str, period: float = MINUTE) -> int:
        """Calls to ``api_name`` logged within the last ``period`` seconds (all users of the backend and key)."""
        return self._backend.count(self._key, self._api_scope(api_name), period, self._clock())

    def _try_acquire(self, api_name: str, *, record: bool = True) -> tuple[float, float | None]:
        plan = self._plan(api_name)
        if not record:
            # Only the wait: a plan whose retention is empty logs nothing.
            plan = Plan(windows=plan.windows, retention=())
            return self._backend.try_acquire(self._key, plan, self._clock), None
        wait = self._backend.try_acquire(self._key, plan, self._clock)
        return wait, getattr(self._backend, "last_stamp", None)

    def _before_wait(self, api_name: str, waited: float, wait: float, max_wait: float | None) -> None:
        limits = [limit for limit in (self.max_wait, max_wait) if limit is not None]
        budget = min(limits) if limits else None
        if budget is not None and waited + wait > budget:
            strictest = self.limits_for(api_name)
            limit = strictest[0] if strictest else None
            error = RateLimitError(
                f"calling {api_name} now would exceed its quota; the next slot is {wait:.1f} s away, "
                f"more than the {budget:g} s this call may wait",
                limit_calls=limit.calls if limit else None,
                limit_period=limit.period if limit else MINUTE,
                api_name=api_name,
                remediation="Call again after retry_after seconds, raise max_rate_limit_wait, or spread calls out.",
            )
            error.retry_after = wait
            raise error
        if wait > LOUD_WAIT:
            _log.warning("tushare_typed: waiting %.1f s for %s's rate limit", wait, api_name)
        announce_wait(api_name, wait, "client-side rate limit")

    def _plan(self, api_name: str) -> Plan:
        with self._lock:
            plan = self._plans.get(api_name)
            expiry = self._plan_expiry.get(api_name)
            if plan is None or (expiry is not None and self._clock() >= expiry):
                plan = self._plans[api_name] = self._build_plan(api_name)
                now = self._clock()
                lapses = [until for _, until in self._learned.get(api_name, {}).values() if until > now]
                self._plan_expiry[api_name] = min(lapses) if lapses else None
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
        now = self._clock()
        with self._lock:
            learned = [(period, entry) for period, entry in self._learned.get(api_name, {}).items() if entry[1] > now]
        return tuple(RateLimit(calls=calls, period=period) for period, (calls, _) in learned)

    @staticmethod
    def _api_scope(api_name: str) -> str:
        return "api:" + api_name

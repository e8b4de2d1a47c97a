"""A Redis-backed :class:`~.protocol.WindowBackend`: one token's quota shared by processes on several machines.

    from tushare_typed import RateLimiter, TushareClient
    from tushare_typed.ratelimit import RedisBackend

    limiter = RateLimiter(2000, key=token, backend=RedisBackend("redis://cache.internal:6379/0"))
    client = TushareClient(token, limiter=limiter)

Each decision is one Lua script, which Redis runs atomically: it reads the server's clock, checks every window of
the plan against the call logs (one sorted set per scope, scored by time), and logs the call only when all have
room. The clock is Redis's own (``TIME``), so machines whose clocks disagree still share one timeline; the backend's
``default_clock`` reads it too, so waits and blocks are computed on it. All keys of one account carry the same hash
tag, so the script also works on a Redis Cluster. Needs the ``redis`` extra (redis-py), imported when the backend is
built.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .protocol import Plan

__all__ = ["RedisBackend"]

DEFAULT_PREFIX: Final = "tushare_typed:rl"

# KEYS: for each scope, its call log then its block key. ARGV: the new entry's unique member, the number of
# scopes, their retentions (-1: checked, not logged, as in a peek), the number of windows, then per window its
# scope's position (1-based), calls, period.
_ACQUIRE: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local scopes = tonumber(ARGV[2])
local wait = 0
for i = 1, scopes do
  local untl = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  if untl > now then wait = math.max(wait, untl - now) end
end
local windows = tonumber(ARGV[3 + scopes])
for w = 0, windows - 1 do
  local base = 4 + scopes + 3 * w
  local log = KEYS[2 * tonumber(ARGV[base]) - 1]
  local calls, period = tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2])
  local since = '(' .. (now - period)
  local excess = redis.call('ZCOUNT', log, since, '+inf') - calls
  if excess >= 0 then
    local entry = redis.call('ZRANGEBYSCORE', log, since, '+inf', 'WITHSCORES', 'LIMIT', excess, 1)
    wait = math.max(wait, tonumber(entry[2]) + period - now, 0.000001)
  end
end
if wait > 0 then return tostring(wait) end
for i = 1, scopes do
  local retention = tonumber(ARGV[2 + i])
  if retention >= 0 then
    redis.call('ZADD', KEYS[2 * i - 1], now, ARGV[1])
    redis.call('ZREMRANGEBYSCORE', KEYS[2 * i - 1], '-inf', now - retention)
    redis.call('PEXPIRE', KEYS[2 * i - 1], math.ceil(retention * 1000) + 1000)
  end
end
return '0'
"""

# KEYS: the block key. ARGV: until, span (seconds). A later block never shortens an earlier one.
_BLOCK: Final = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local untl = tonumber(ARGV[1])
if untl > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', math.ceil(tonumber(ARGV[2]) * 1000) + 1000)
end
return 1
"""


class RedisBackend:
    """Call logs in Redis at ``url`` (or an existing ``redis.Redis`` client), under ``prefix``."""

    def __init__(self, url: str = "redis://127.0.0.1:6379/0", *, client: Any = None, prefix: str = DEFAULT_PREFIX):
        if client is None:
            try:
                import redis
            except ImportError as error:
                raise ImportError(
                    f"RedisBackend needs the optional 'redis' extra: pip install 'tushare-typed[redis]' ({error})"
                ) from None
            client = redis.Redis.from_url(url)
        self._redis = client
        self._prefix = prefix
        self._acquire = client.register_script(_ACQUIRE)
        self._block = client.register_script(_BLOCK)

    def __repr__(self) -> str:
        return f"RedisBackend(prefix={self._prefix!r})"

    @property
    def default_clock(self) -> Callable[[], float]:
        return self.server_time

    @property
    def blocking_io(self) -> bool:
        return True

    def server_time(self) -> float:
        """Redis's clock, in seconds: the one timeline every process sharing the quota agrees on."""
        seconds, micros = self._redis.time()
        return float(seconds) + float(micros) / 1e6

    def _keys(self, key: str, scope: str) -> tuple[str, str]:
        # The {key} hash tag keeps one account's keys in one cluster slot, as a multi-key script requires.
        return f"{self._prefix}:{{{key}}}:log:{scope}", f"{self._prefix}:{{{key}}}:block:{scope}"

    def try_acquire(self, key: str, plan: Plan, clock: Callable[[], float]) -> float:
        """See :class:`~.ratelimit.WindowBackend`; ``clock`` is not read: the script reads Redis's own."""
        # Scopes only checked (a plan without retention for them, as RateLimiter's peek) get retention -1.
        retentions = dict(plan.retention)
        scopes = [scope for scope, _ in plan.retention]
        scopes += [window.scope for window in plan.windows if window.scope not in retentions]
        scopes = list(dict.fromkeys(scopes))
        keys = [name for scope in scopes for name in self._keys(key, scope)]
        # A unique member per call: two calls logged at the same instant must stay two entries of the log.
        args: list[object] = [uuid.uuid4().hex, len(scopes), *(retentions.get(scope, -1) for scope in scopes)]
        args.append(len(plan.windows))
        for window in plan.windows:
            args += [scopes.index(window.scope) + 1, window.calls, window.period]
        wait = float(self._acquire(keys=keys, args=args))
        return wait if math.isfinite(wait) else 0.0

    def block(self, key: str, scope: str, until: float, span: float) -> None:
        self._block(keys=[self._keys(key, scope)[1]], args=[until, span])

    def count(self, key: str, scope: str, period: float, now: float) -> int:
        return int(self._redis.zcount(self._keys(key, scope)[0], f"({now - period}", "+inf"))

    def close(self) -> None:
        self._redis.close()

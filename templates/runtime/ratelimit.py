"""Rate limiting for tushare's per-account, per-interface call quotas: the public names.

:class:`RateLimiter` (the policy: account tier, per-interface limits, limits learned from 40203 replies) keeps
sliding-window call logs in a backend: :class:`MemoryBackend` (one process), :class:`SQLiteBackend` (several
processes sharing one token) or :class:`RedisBackend` (several machines; extra ``redis``). :class:`Limiter` is
what a client accepts as ``limiter=``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._internal.limiter.memory import MemoryBackend
from ._internal.limiter.policy import POINTS_TIERS, RateLimit, RateLimiter, token_key
from ._internal.limiter.protocol import Limiter, Plan, Window, WindowBackend

if TYPE_CHECKING:
    from ._internal.limiter.redis import RedisBackend
    from ._internal.limiter.sqlite import SQLiteBackend

__all__ = [
    "POINTS_TIERS",
    "Limiter",
    "MemoryBackend",
    "Plan",
    "RateLimit",
    "RateLimiter",
    "RedisBackend",
    "SQLiteBackend",
    "Window",
    "WindowBackend",
    "token_key",
]


def __getattr__(name: str) -> Any:
    # sqlite3 (and redis-py) are imported only by those who share a limiter between processes (or machines).
    if name == "SQLiteBackend":
        from ._internal.limiter.sqlite import SQLiteBackend

        return SQLiteBackend
    if name == "RedisBackend":
        from ._internal.limiter.redis import RedisBackend

        return RedisBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

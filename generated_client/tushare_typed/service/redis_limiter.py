"""The service's limiter over Redis, for several hosts or pods sharing one tushare quota per token.

    TUSHARE_TYPED_SERVICE_LIMITER=tushare_typed.service.redis_limiter:limiter
    TUSHARE_TYPED_SERVICE_REDIS_URL=redis://redis:6379/0

One :class:`~tushare_typed.ratelimit.RedisBackend` per process (built at the first call), one
:class:`~tushare_typed.ratelimit.RateLimiter` per token key over it, with the account's ``TUSHARE_POINTS``.
``tushare-typed serve`` runs :meth:`RedisLimiterFactory.preflight` before it listens, so an unreachable Redis stops
the start with one clear line instead of failing every request. Needs the ``redis`` extra.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from ..errors import ParameterError, ServiceConnectionError

if TYPE_CHECKING:
    from ..ratelimit import Limiter, RedisBackend

__all__ = ["ENV_REDIS_URL", "RedisLimiterFactory", "limiter"]

ENV_REDIS_URL: Final = "TUSHARE_TYPED_SERVICE_REDIS_URL"


class RedisLimiterFactory:
    """A limiter factory (``key → Limiter``) over the Redis server at ``$TUSHARE_TYPED_SERVICE_REDIS_URL``."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ
        self._backend: RedisBackend | None = None
        self._lock = threading.Lock()

    def _env(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    def _url(self) -> str:
        url = self._env().get(ENV_REDIS_URL, "").strip()
        if not url:
            raise ParameterError(
                f"{ENV_REDIS_URL} is not set: the Redis limiter needs the server's URL",
                remediation=f"set {ENV_REDIS_URL}=redis://HOST:6379/0, or unset TUSHARE_TYPED_SERVICE_LIMITER",
            )
        return url

    def backend(self) -> RedisBackend:
        with self._lock:
            if self._backend is None:
                from ..ratelimit import RedisBackend

                self._backend = RedisBackend(self._url())
            return self._backend

    def preflight(self) -> None:
        """Ping the server; unreachable → :class:`ServiceConnectionError` naming it (without a password)."""
        url = self._url()
        try:
            self.backend()._redis.ping()
        except Exception as error:
            shown = url.split("@")[-1] if "@" in url else url.removeprefix("redis://")
            raise ServiceConnectionError(
                f"cannot reach the limiter's Redis at {shown}: {str(error).splitlines()[0] if str(error) else error}",
                remediation=f"start Redis, or fix {ENV_REDIS_URL}; the service exits so that its supervisor starts "
                "it again",
            ) from None

    def __call__(self, key: str) -> Limiter:
        from ..catalog import load_catalog
        from ..ratelimit import RateLimiter
        from ._executor import metered_async_sleep, metered_sleep
        from .config import ENV_POINTS, _points

        return RateLimiter(
            _points(self._env().get(ENV_POINTS)),
            catalog=load_catalog,
            key=key,
            backend=self.backend(),
            sleep=metered_sleep,
            async_sleep=metered_async_sleep,
        )


#: The factory ``TUSHARE_TYPED_SERVICE_LIMITER`` names.
limiter: Final = RedisLimiterFactory()

"""How the service is set up: the database, the upstream, the limiter, CORS; from arguments or the environment.

=================================  ===============================================================================
variable                           meaning
=================================  ===============================================================================
``TUSHARE_TYPED_SERVICE_DB``       database URL (``sqlite:///path``, a bare path, or ``postgresql://...``);
                                   default: ``service.sqlite3`` in the data folder
``TUSHARE_TYPED_SERVICE_DATA``     data folder; default ``$XDG_DATA_HOME/tushare-typed`` (``~/.local/share/...``)
``TUSHARE_TYPED_SERVICE_CORS``     comma-separated origins allowed by CORS; default none (cross-origin denied)
``TUSHARE_TYPED_SERVICE_LIMITER``  ``module:function`` taking a token's key and returning a limiter (e.g. a Redis
                                   one); default: a ``RateLimiter`` over ``ratelimit.sqlite3`` in the data folder,
                                   shared by every worker
``TUSHARE_API_URL``                the upstream tushare URL (as for the client)
``TUSHARE_POINTS``                 the account's points: its quotas are respected before tushare enforces them
``TUSHARE_TYPED_KEY``              the Fernet key tushare tokens are stored under
=================================  ===============================================================================

The bounds (fields of :class:`ServiceConfig`) keep every request short and small: ``quota_wait`` (seconds a call
may wait for its quota before a 429 RATE-201 with ``Retry-After``), ``request_deadline`` (one request, every
attempt and wait included; below common 60 s proxy timeouts), ``upstream_timeout`` (one attempt),
``max_body_bytes`` (a request body, 413 beyond), ``body_read_timeout`` (a body arriving slower, 408),
``idempotency_ttl`` (how long a stored reply is replayed), ``breaker_reset`` (seconds the shared circuit breaker
fails calls fast once the upstream failed repeatedly).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ..catalog import Catalog
from ..errors import ParameterError
from ..ratelimit import Limiter

if TYPE_CHECKING:
    from ..sources import SourceSettings

__all__ = ["DEFAULT_MAX_ROWS", "MAX_PARAM_CHARS", "MAX_ROWS_CAP", "ServiceConfig"]

ENV_DB: Final = "TUSHARE_TYPED_SERVICE_DB"
ENV_DATA: Final = "TUSHARE_TYPED_SERVICE_DATA"
ENV_CORS: Final = "TUSHARE_TYPED_SERVICE_CORS"
ENV_LIMITER: Final = "TUSHARE_TYPED_SERVICE_LIMITER"
ENV_POINTS: Final = "TUSHARE_POINTS"
#: Rows an execution returns when the request sets no ``pagination.limit``.
DEFAULT_MAX_ROWS: Final = 10_000
#: The largest ``pagination.limit`` accepted: a reply is held in memory whole.
MAX_ROWS_CAP: Final = 200_000
#: The longest parameter value (as text) forwarded upstream.
MAX_PARAM_CHARS: Final = 4096

LimiterFactory = Callable[[str], Limiter]


def _default_data_dir(environ: Mapping[str, str]) -> Path:
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "tushare-typed"


def _points(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit():
        raise ParameterError(f"{ENV_POINTS}={text!r} is not a number of points", remediation="e.g. 2000, or unset it")
    return int(text.strip())


def load_limiter_factory(reference: str) -> LimiterFactory:
    """``package.module:function`` → the function (it gets a token's key and returns a limiter)."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise ParameterError(
            f"limiter factory {reference!r} is not 'module:function'",
            remediation=f"set {ENV_LIMITER} to e.g. mypackage.limits:make_limiter",
        )
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise ParameterError(
            f"cannot load the limiter factory {reference!r}: {error}",
            remediation=f"check {ENV_LIMITER}: the module must be importable and define the function",
        ) from None
    if not callable(factory):
        raise ParameterError(f"limiter factory {reference!r} is not callable")
    return factory  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ServiceConfig:
    """Everything :func:`~tushare_typed.service.app.create_app` needs; :meth:`from_env` reads the environment."""

    database_url: str | None = None
    data_dir: Path | None = None
    upstream_url: str | None = None
    points: int | None = None
    cors_origins: tuple[str, ...] = ()
    limiter_factory: LimiterFactory | None = None
    #: The interfaces served (default: the package's whole catalog); a smaller one starts faster.
    catalog: Catalog | None = None
    token_key: str | None = field(default=None, repr=False)
    run_migrations: bool = True
    default_max_rows: int = DEFAULT_MAX_ROWS
    idempotency_wait: float = 30.0
    #: Seconds a stored idempotent reply is replayed; older records are purged by the service.
    idempotency_ttl: float = 86_400.0
    #: Seconds a call may wait for its quota; a longer wait (a per-hour or per-day cap) is a prompt 429.
    quota_wait: float = 20.0
    #: Seconds one request may take upstream, every attempt and wait included.
    request_deadline: float = 45.0
    #: Seconds one upstream attempt may take.
    upstream_timeout: float = 15.0
    #: Seconds the shared circuit breaker fails calls fast after repeated upstream failures.
    breaker_reset: float = 10.0
    #: The largest request body accepted (413 beyond), counted while it is read.
    max_body_bytes: int = 1_048_576
    #: Seconds a request body may take to arrive (408 beyond).
    body_read_timeout: float = 10.0
    #: Seconds a worker trusts a live API key and an owner's stored token without reading them again: a key
    #: revoked (or a token stored) through another process takes effect within this time; 0 reads every time.
    key_cache_ttl: float = 2.0
    #: The sources of ``/v1/sources/*`` (default: :meth:`SourceSettings.resolve` from the environment, tushare at
    #: ``upstream_url``).
    sources: SourceSettings | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> ServiceConfig:
        env = os.environ if environ is None else environ
        limiter = env.get(ENV_LIMITER, "").strip()
        values: dict[str, object] = {
            "database_url": env.get(ENV_DB, "").strip() or None,
            "data_dir": Path(env[ENV_DATA]) if env.get(ENV_DATA, "").strip() else None,
            "upstream_url": env.get("TUSHARE_API_URL", "").strip() or None,
            "points": _points(env.get(ENV_POINTS)),
            "cors_origins": tuple(o.strip() for o in env.get(ENV_CORS, "").split(",") if o.strip()),
            "limiter_factory": load_limiter_factory(limiter) if limiter else None,
        }
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls(**values)  # type: ignore[arg-type]

    def resolved_data_dir(self) -> Path:
        return self.data_dir if self.data_dir is not None else _default_data_dir(os.environ)

    def resolved_database_url(self) -> str:
        return self.database_url or str(self.resolved_data_dir() / "service.sqlite3")

    def make_limiter_factory(self) -> LimiterFactory:
        """The configured factory, else one ``RateLimiter`` per token over a SQLite file every worker shares."""
        if self.limiter_factory is not None:
            return self.limiter_factory
        from ..catalog import load_catalog
        from ..ratelimit import RateLimiter, SQLiteBackend
        from ._executor import metered_async_sleep, metered_sleep

        backend = SQLiteBackend(self.resolved_data_dir() / "ratelimit.sqlite3")
        points = self.points

        def factory(key: str) -> Limiter:
            return RateLimiter(
                points,
                catalog=load_catalog,
                key=key,
                backend=backend,
                sleep=metered_sleep,
                async_sleep=metered_async_sleep,
            )

        return factory

"""What the running service holds: the database, the credentials, the executor and the catalog."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ..catalog import Catalog, load_catalog
from .config import ServiceConfig

_log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from ._credentials import Credentials
    from ._db import Database
    from ._executor import Executor
    from ._log_writer import ExecutionLogWriter
    from ._observability import Metrics


@dataclass
class Service:
    """Built with the app; :meth:`start` and :meth:`stop` run in its lifespan."""

    config: ServiceConfig
    metrics: Metrics
    catalog: Catalog = field(init=False)
    db: Database | None = None
    credentials: Credentials | None = None
    executor: Executor | None = None
    _logs: ExecutionLogWriter | None = None
    _purger: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        self.catalog = self.config.catalog if self.config.catalog is not None else load_catalog()

    async def start(self) -> None:
        from ._credentials import Credentials
        from ._db import Database
        from ._executor import Executor
        from ._log_writer import ExecutionLogWriter

        config = self.config
        self.db = await asyncio.to_thread(
            Database.open,
            config.resolved_database_url(),
            run_migrations=config.run_migrations,
            key_ttl=config.key_cache_ttl,
        )
        self.credentials = Credentials(self.db, config.token_key, ttl=config.key_cache_ttl)
        self.executor = Executor(
            config.make_limiter_factory(),
            base_url=config.upstream_url,
            timeout=config.upstream_timeout,
            quota_wait=config.quota_wait,
            deadline=config.request_deadline,
            breaker_reset=config.breaker_reset,
        )
        self._logs = ExecutionLogWriter(self.db)
        self._purger = asyncio.create_task(self._purge_idempotency())

    async def _purge_idempotency(self) -> None:
        """Delete expired idempotency records now and then (every tenth of their lifetime, at most 10 minutes)."""
        ttl = self.config.idempotency_ttl
        interval = min(max(ttl / 10, 1.0), 600.0)
        while self.db is not None:
            expired = datetime.now(UTC) - timedelta(seconds=ttl)
            try:
                await asyncio.to_thread(self.db.purge_idempotency, expired)
            except Exception as error:  # the next round tries again; a request never depends on it
                _log.warning("tushare_typed.service: purging idempotency records failed (%s)", type(error).__name__)
            await asyncio.sleep(interval)

    async def stop(self) -> None:
        if self._purger is not None:
            self._purger.cancel()
            await asyncio.gather(self._purger, return_exceptions=True)
            self._purger = None
        if self._logs is not None:
            await self._logs.aclose()
            self._logs = None
        if self.executor is not None:
            await self.executor.aclose()
        if self.db is not None:
            await asyncio.to_thread(self.db.close)
        self.db = self.credentials = self.executor = None

    @property
    def ready(self) -> bool:
        return self.db is not None and self.executor is not None

    def parts(self) -> tuple[Database, Credentials, Executor]:
        if self.db is None or self.credentials is None or self.executor is None:
            raise RuntimeError("the service is not started (its lifespan has not run)")
        return self.db, self.credentials, self.executor

    def log_writer(self) -> ExecutionLogWriter:
        if self._logs is None:
            raise RuntimeError("the service is not started (its lifespan has not run)")
        return self._logs

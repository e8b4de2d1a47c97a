"""What the running service holds: the database, the credentials, the executor and the catalog."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..catalog import Catalog, load_catalog
from .config import ServiceConfig

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
        self.executor = Executor(config.make_limiter_factory(), base_url=config.upstream_url)
        self._logs = ExecutionLogWriter(self.db)

    async def stop(self) -> None:
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

"""``tushare-typed serve``: migrate the database once, then run the app under uvicorn (one or several workers).

Workers are processes: each builds its app from the environment (:func:`app_from_env`), so the options travel as
environment variables, and they share the database and the limiter's SQLite file (or Redis).
"""

from __future__ import annotations

import os
from pathlib import Path

from .config import ENV_DATA, ENV_DB, ServiceConfig

__all__ = ["app_from_env", "serve"]

_NO_MIGRATE = "TUSHARE_TYPED_SERVICE_MIGRATED"
_LOG_JSON = "TUSHARE_TYPED_SERVICE_LOG_JSON"


def app_from_env() -> object:
    """The uvicorn factory of a worker: the app as the environment configures it."""
    from ..logs import configure_logging
    from .app import create_app

    # Each worker is its own process: it configures its own logging (JSON lines on stderr).
    configure_logging(json=os.environ.get(_LOG_JSON) == "1")
    migrated = os.environ.get(_NO_MIGRATE) == "1"
    return create_app(ServiceConfig.from_env(run_migrations=False if migrated else None))


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    database_url: str | None = None,
    data_dir: Path | None = None,
    workers: int = 1,
    log_json: bool = True,
) -> None:
    """Serve until interrupted. Binds 127.0.0.1 unless told otherwise."""
    import uvicorn

    from ._db import Database

    if database_url:
        os.environ[ENV_DB] = database_url
    if data_dir is not None:
        os.environ[ENV_DATA] = str(data_dir)
    config = ServiceConfig.from_env()
    Database.open(config.resolved_database_url(), run_migrations=True).close()
    os.environ[_NO_MIGRATE] = "1"
    os.environ[_LOG_JSON] = "1" if log_json else "0"
    uvicorn.run(
        "tushare_typed.service.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        server_header=False,
        log_level="warning",
    )

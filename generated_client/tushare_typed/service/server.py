"""``tushare-typed serve``: migrate the database once, then run the app under uvicorn (one or several workers).

Workers are processes: each builds its app from the environment (:func:`app_from_env`), so the options travel as
environment variables, and they share the database and the limiter's SQLite file (or Redis). On Linux each worker
listens on its own socket of the same port, so that the kernel spreads connections across them (:mod:`._workers`).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, Final

from ..errors import ParameterError
from .config import ENV_DATA, ENV_DB, ServiceConfig

__all__ = ["DRAIN_SECONDS", "app_from_env", "serve"]

_NO_MIGRATE = "TUSHARE_TYPED_SERVICE_MIGRATED"
_LOG_JSON = "TUSHARE_TYPED_SERVICE_LOG_JSON"


def app_from_env() -> object:
    """The uvicorn factory of a worker: the app as the environment configures it."""
    from .._internal.otel_setup import configure_from_env
    from ..logs import configure_logging
    from .app import create_app

    # Each worker is its own process: it configures its own logging (JSON lines on stderr).
    configure_logging(json=os.environ.get(_LOG_JSON) == "1")
    configure_from_env("tushare-typed-service")  # traces and metrics by OTLP when OTEL_* ask for them
    migrated = os.environ.get(_NO_MIGRATE) == "1"
    return create_app(ServiceConfig.from_env(run_migrations=False if migrated else None))


_APP: Final = "tushare_typed.service.server:app_from_env"
#: Seconds SIGTERM waits for requests in flight (each bounded by the service's deadline) before cancelling them.
DRAIN_SECONDS: Final = 20
_UVICORN_OPTIONS: Final[dict[str, Any]] = {
    "factory": True,
    "access_log": False,
    "server_header": False,
    "log_level": "warning",
    # Headers within HEADER_TIMEOUT of connecting (._http), an idle keep-alive connection closed after 5 s.
    "http": "tushare_typed.service._http:BoundedH11Protocol",
    "timeout_keep_alive": 5,
    "timeout_graceful_shutdown": DRAIN_SECONDS,
    "h11_max_incomplete_event_size": 16_384,
}


def _serve_on(sock: socket.socket) -> None:
    """One worker process: the app on its own listening socket (see :mod:`._workers`)."""
    import uvicorn

    uvicorn.Server(uvicorn.Config(_APP, **_UVICORN_OPTIONS)).run(sockets=[sock])


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

    from ._preflight import check_limiter, open_database, secrets_from_files, warn_missing_key
    from ._workers import reuse_port_supported, run_workers

    secrets_from_files(os.environ)
    if database_url:
        os.environ[ENV_DB] = database_url
    if data_dir is not None:
        os.environ[ENV_DATA] = str(data_dir)
    config = ServiceConfig.from_env()
    open_database(config.resolved_database_url())
    check_limiter(config)
    warn_missing_key(json=log_json)
    os.environ[_NO_MIGRATE] = "1"
    os.environ[_LOG_JSON] = "1" if log_json else "0"
    if workers > 1 and reuse_port_supported():
        try:
            status = run_workers(_serve_on, host, port, workers)
        except OSError as error:
            raise ParameterError(
                f"cannot listen on {host}:{port}: {error.strerror or error}",
                remediation="stop what listens there, or pass another --port / --host",
            ) from None
        if status:
            raise SystemExit(status)
        return
    uvicorn.run(_APP, host=host, port=port, workers=workers, **_UVICORN_OPTIONS)

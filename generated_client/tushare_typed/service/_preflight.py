"""What ``tushare-typed serve`` checks before it listens: secrets given as files, the database, the limiter.

A deployment hands secrets over as files (compose and Kubernetes secrets): ``NAME_FILE`` names a file whose content
is ``NAME`` when ``NAME`` itself is unset, for the tushare token, the store key and the database URL. An unreachable
database or limiter stops the start with one clear line (the supervisor restarts the service), and a missing store
key is logged once, as the service runs without it but cannot store tokens.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path
from typing import Final

from ..errors import ParameterError, ServiceConnectionError
from ..token import ENV_KEY, ENV_TOKEN
from .config import ENV_DB, ServiceConfig

__all__ = ["SECRET_VARIABLES", "check_limiter", "open_database", "secrets_from_files", "warn_missing_key"]

#: The variables that may come from a file named by ``<NAME>_FILE``.
SECRET_VARIABLES: Final = (ENV_TOKEN, ENV_KEY, ENV_DB)
_MAX_SECRET_BYTES: Final = 64 * 1024


def secrets_from_files(environ: MutableMapping[str, str]) -> None:
    """Set each unset secret variable from the file its ``_FILE`` twin names (stripped of surrounding space)."""
    for name in SECRET_VARIABLES:
        path = environ.get(f"{name}_FILE", "").strip()
        if not path or environ.get(name, "").strip():
            continue
        try:
            with Path(path).open("rb") as file:
                content = file.read(_MAX_SECRET_BYTES + 1)
        except OSError as error:
            raise ParameterError(
                f"{name}_FILE={path!r} cannot be read: {error.strerror or error}",
                remediation=f"mount the secret at that path, or set {name} itself",
            ) from None
        value = content.decode("utf-8", "replace").strip()
        if not value or len(content) > _MAX_SECRET_BYTES:
            raise ParameterError(
                f"{name}_FILE={path!r} is {'empty' if not value else 'larger than 64 KiB'}",
                remediation=f"write the value of {name} (one line) into that file",
            )
        environ[name] = value


def _shown(url: str) -> str:
    """The database URL without its password."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the configured database"


def open_database(url: str) -> None:
    """Open (and migrate) the database once; unreachable → :class:`ServiceConnectionError` naming it."""
    from sqlalchemy.exc import OperationalError

    from ._db import Database

    try:
        Database.open(url, run_migrations=True).close()
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        raise ServiceConnectionError(
            f"cannot reach the service database {_shown(url)}: {reason}",
            remediation=f"start the database, or fix --db / {ENV_DB}; the service exits so that its supervisor "
            "(compose restart policy, Kubernetes) starts it again",
        ) from None


def check_limiter(config: ServiceConfig) -> None:
    """Run the configured limiter factory's ``preflight()`` when it has one (the Redis one pings its server)."""
    preflight = getattr(config.limiter_factory, "preflight", None)
    if callable(preflight):
        preflight()


def warn_missing_key(*, json: bool, environ: MutableMapping[str, str] = os.environ) -> None:
    """One log line when the store key is missing: the service runs, but ``POST /auth/token`` refuses."""
    if environ.get(ENV_KEY, "").strip():
        return
    import structlog

    from ..logs import configure_logging

    configure_logging(json=json)

    structlog.get_logger("tushare_typed.service").warning(
        "service.start",
        problem=f"{ENV_KEY} is not set: POST /auth/token will refuse to store tokens (AUTH-012)",
        fix=f"set {ENV_KEY} (or {ENV_KEY}_FILE) to a key from TokenStore.generate_key()",
    )

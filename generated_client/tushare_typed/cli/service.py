"""``tushare-typed serve`` and ``api-key create | revoke | list``: the REST service (the `service` extra, imported
by the command run)."""

from __future__ import annotations

import contextlib
import os
from typing import Any, Final

import click

from .._internal.tabular import to_table
from ._output import CliError

__all__ = ["api_key_group", "serve_command"]

# Modules whose absence means the `service` extra is not installed.
_SERVICE_EXTRA_MODULES: Final = frozenset(
    {"fastapi", "uvicorn", "sqlalchemy", "alembic", "prometheus_client", "starlette", "psycopg"}
)
_DB_HELP: Final = "Database URL (sqlite:///FILE, a path, or postgresql://...); default: TUSHARE_TYPED_SERVICE_DB, else "
_DB_HELP_DEFAULT: Final = "an SQLite file in the data folder."


def _service_extra(error: ImportError) -> CliError:
    if (error.name or "").partition(".")[0] not in _SERVICE_EXTRA_MODULES:
        raise error
    return CliError(
        f"the REST service needs the optional service extra ({error})", "pip install 'tushare-typed[service]'"
    )


def _service_db(database_url: str | None) -> Any:
    try:
        from ..service._db import Database
        from ..service._preflight import secrets_from_files
        from ..service.config import ServiceConfig
    except ImportError as error:
        raise _service_extra(error) from None
    secrets_from_files(os.environ)
    config = ServiceConfig.from_env(database_url=database_url)
    return Database.open(config.resolved_database_url())


def _actor() -> str:
    import getpass

    return f"cli:{getpass.getuser()}"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep 127.0.0.1 unless proxied).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--db", "database_url", metavar="URL", help=_DB_HELP + _DB_HELP_DEFAULT)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
def serve_command(host: str, port: int, database_url: str | None, workers: int) -> None:
    """Serve the REST API (/mcp/*, /auth/token, /metadata/*, typed /v1/<api_name>); needs the `service` extra."""
    try:
        from ..service.server import serve
    except ImportError as error:
        raise _service_extra(error) from None
    with contextlib.suppress(KeyboardInterrupt):
        serve(host=host, port=port, database_url=database_url, workers=workers)


@click.group("api-key")
def api_key_group() -> None:
    """API keys of the REST service (the X-MCP-Token header): create, revoke, list."""


@api_key_group.command("create")
@click.option("--owner", required=True, help="Who the key belongs to; their tushare token is used for their calls.")
@click.option("--db", "database_url", metavar="URL", help=_DB_HELP + _DB_HELP_DEFAULT)
def api_key_create(owner: str, database_url: str | None) -> None:
    """Create a key and print it once (only its hash is stored)."""
    from ..service._keys import create_key

    db = _service_db(database_url)
    try:
        issued = create_key(db, owner, _actor())
    finally:
        db.close()
    click.echo(issued.key)
    click.echo(f"key {issued.key_id} created for {issued.owner}; it is shown only now", err=True)


@api_key_group.command("revoke")
@click.argument("key_id")
@click.option("--db", "database_url", metavar="URL", help=_DB_HELP + _DB_HELP_DEFAULT)
def api_key_revoke(key_id: str, database_url: str | None) -> None:
    """Revoke the key KEY_ID (as `api-key list` shows it)."""
    from ..service._keys import revoke_key

    db = _service_db(database_url)
    try:
        revoked = revoke_key(db, key_id, _actor())
    finally:
        db.close()
    if not revoked:
        raise CliError(f"no live API key {key_id!r}", "see the keys with `tushare-typed api-key list`")
    click.echo(f"key {key_id} revoked", err=True)


@api_key_group.command("list")
@click.option("--owner", help="Only this owner's keys.")
@click.option("--db", "database_url", metavar="URL", help=_DB_HELP + _DB_HELP_DEFAULT)
def api_key_list(owner: str | None, database_url: str | None) -> None:
    """List the keys: id, owner, created, revoked (never the key)."""
    db = _service_db(database_url)
    try:
        rows = db.api_keys(owner)
    finally:
        db.close()
    table = [
        (row.key_id, row.owner, row.created_at.isoformat(timespec="seconds"), _when(row.revoked_at)) for row in rows
    ]
    click.echo(to_table(["key_id", "owner", "created_at", "revoked_at"], table), nl=False)


def _when(moment: Any) -> str:
    return moment.isoformat(timespec="seconds") if moment is not None else ""

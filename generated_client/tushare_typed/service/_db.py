"""Persistence of the service: the tables (as Alembic's migrations create them), the engine, and every query.

An SQLite file by default (embedded, nothing to set up), PostgreSQL by URL (``postgresql://user:pw@host/db``; the
psycopg 3 driver is chosen for a URL that names none). Queries are SQLAlchemy Core, blocking: the app runs them in
worker threads.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from ._ttl import TTLCache

__all__ = [
    "ApiKeyRow",
    "Claim",
    "CredentialRow",
    "Database",
    "ExecutionRecord",
    "migrate",
    "normalize_url",
]

_MIGRATIONS: Final = "tushare_typed.service:migrations"
_TS = sa.DateTime(timezone=True)

metadata = sa.MetaData()

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True),
    sa.Column("owner", sa.String(200), nullable=False, index=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("revoked_at", _TS, nullable=True),
)
token_credentials = sa.Table(
    "token_credentials",
    metadata,
    sa.Column("credential_id", sa.String(32), primary_key=True),
    sa.Column("encrypted_token", sa.LargeBinary(), nullable=False),
    sa.Column("salt", sa.LargeBinary(), nullable=False),
    sa.Column("owner", sa.String(200), nullable=False, unique=True),
    sa.Column("last_rotated_at", _TS, nullable=False),
)
credential_audit = sa.Table(
    "credential_audit",
    metadata,
    sa.Column("audit_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("credential_id", sa.String(32), nullable=False, index=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("meta", sa.JSON(), nullable=True),
    sa.Column("created_at", _TS, nullable=False),
)
execution_logs = sa.Table(
    "execution_logs",
    metadata,
    sa.Column("log_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("command_id", sa.String(100), nullable=False),
    sa.Column("owner", sa.String(200), nullable=True),
    sa.Column(
        "credential_id",
        sa.String(32),
        sa.ForeignKey("token_credentials.credential_id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("retries", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("duration_ms", sa.Integer(), nullable=False),
    sa.Column("rate_limit_hits", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("response_size", sa.Integer(), nullable=True),
    sa.Column("error_payload", sa.JSON(), nullable=True),
    sa.Column("created_at", _TS, nullable=False),
    sa.Index("ix_execution_logs_status_command", "status", "command_id"),
    sa.Index("ix_execution_logs_owner_request", "owner", "request_id"),
)
idempotency_records = sa.Table(
    "idempotency_records",
    metadata,
    sa.Column("scope_key", sa.String(300), primary_key=True),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=False),
    sa.Column("status_code", sa.Integer(), nullable=True),
    sa.Column("body", sa.Text(), nullable=True),
    sa.Column("created_at", _TS, nullable=False, index=True),
)


def _now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    """A random 32-hex-digit identifier (credential and key ids)."""
    return secrets.token_hex(16)


def normalize_url(url: str | Path) -> str:
    """A database URL SQLAlchemy accepts: a bare path is an SQLite file; ``postgresql://`` uses psycopg 3."""
    text = str(url)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    scheme, rest = text.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return text


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the one writer; the busy timeout queues writers instead of failing them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL keeps the database consistent on a crash; it may lose the last commits on power loss,
    # which for execution logs is worth the fsync it saves on every request.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(url: str | Path) -> Engine:
    """An engine for ``url``; an SQLite file's folder (mode 0700) and the file itself (mode 0600, so SQLite's
    journal files get that mode too) are created private when missing."""
    url = normalize_url(url)
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            path = Path(parsed.database)
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        engine = sa.create_engine(url, pool_size=10, max_overflow=20)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` with the migrations shipped in the package."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _MIGRATIONS)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True, slots=True)
class ApiKeyRow:
    key_id: str
    owner: str
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class CredentialRow:
    credential_id: str
    owner: str
    encrypted_token: bytes
    last_rotated_at: datetime


@dataclass(frozen=True, slots=True)
class ExecutionRecord:
    request_id: str
    command_id: str
    owner: str | None
    credential_id: str | None
    status: str
    retries: int
    duration_ms: int
    rate_limit_hits: int
    response_size: int | None
    error_payload: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of claiming an idempotency key: ``fresh`` (execute now) or the stored record of an earlier one."""

    fresh: bool
    owner: str
    fingerprint: str
    request_id: str
    status_code: int | None
    body: str | None


class Database:
    """Every query the service makes, one short transaction each.

    Live API keys are cached for ``key_ttl`` seconds (0: not at all), so an authenticated request costs no query;
    a revocation through this object takes effect at once, one through another process (the CLI) within
    ``key_ttl``.
    """

    def __init__(self, engine: Engine, *, key_ttl: float = 0.0) -> None:
        self.engine = engine
        self._live_keys: TTLCache[str, ApiKeyRow] = TTLCache(key_ttl)

    @classmethod
    def open(cls, url: str | Path, *, run_migrations: bool = True, key_ttl: float = 0.0) -> Database:
        engine = create_engine(url)
        if run_migrations:
            migrate(engine)
        return cls(engine, key_ttl=key_ttl)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    # --- API keys ---------------------------------------------------------------------------------------------

    def add_api_key(self, key_id: str, owner: str, key_hash: str, actor: str) -> None:
        with self._begin() as conn:
            conn.execute(api_keys.insert().values(key_id=key_id, owner=owner, key_hash=key_hash, created_at=_now()))
            self._audit(conn, key_id, "api_key.create", actor, {"owner": owner})

    def api_key(self, key_id: str) -> ApiKeyRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.key_id == key_id)).first()
        if row is None:
            return None
        key = ApiKeyRow(**row._mapping)
        if key.revoked_at is None:
            self._live_keys.put(key_id, key)
        return key

    def cached_api_key(self, key_id: str) -> ApiKeyRow | None:
        """The live key ``key_id`` if :meth:`api_key` read it within the cache's time, else None (ask the database)."""
        return self._live_keys.get(key_id)[1]

    def api_keys(self, owner: str | None = None) -> list[ApiKeyRow]:
        query = sa.select(api_keys).order_by(api_keys.c.created_at, api_keys.c.key_id)
        if owner is not None:
            query = query.where(api_keys.c.owner == owner)
        with self.engine.connect() as conn:
            return [ApiKeyRow(**row._mapping) for row in conn.execute(query)]

    def revoke_api_key(self, key_id: str, actor: str) -> bool:
        """Revoke a live key; False when there is no such key or it was already revoked."""
        self._live_keys.discard(key_id)
        with self._begin() as conn:
            done = conn.execute(
                api_keys.update()
                .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=_now())
            )
            if done.rowcount != 1:
                return False
            self._audit(conn, key_id, "api_key.revoke", actor, None)
        # Again once committed: a read that raced the update may have cached the key as live.
        self._live_keys.discard(key_id)
        return True

    # --- token credentials -----------------------------------------------------------------------------------

    def credential(self, owner: str) -> CredentialRow | None:
        columns = (
            token_credentials.c.credential_id,
            token_credentials.c.owner,
            token_credentials.c.encrypted_token,
            token_credentials.c.last_rotated_at,
        )
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*columns).where(token_credentials.c.owner == owner)).first()
        return CredentialRow(**row._mapping) if row is not None else None

    def put_credential(self, owner: str, encrypted_token: bytes, salt: bytes, actor: str) -> tuple[str, bool]:
        """Store ``owner``'s sealed token (new, or replacing theirs); returns (credential_id, created)."""
        with self._begin() as conn:
            existing = conn.execute(
                sa.select(token_credentials.c.credential_id).where(token_credentials.c.owner == owner)
            ).scalar()
            values = {"encrypted_token": encrypted_token, "salt": salt, "last_rotated_at": _now()}
            if existing is None:
                credential_id = new_id()
                conn.execute(token_credentials.insert().values(credential_id=credential_id, owner=owner, **values))
            else:
                credential_id = str(existing)
                conn.execute(
                    token_credentials.update()
                    .where(token_credentials.c.credential_id == credential_id)
                    .values(**values)
                )
            action = "token.set" if existing is None else "token.rotate"
            self._audit(conn, credential_id, action, actor, {"owner": owner})
            return credential_id, existing is None

    def audit_rows(self, credential_id: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(credential_audit).order_by(credential_audit.c.audit_id)
        if credential_id is not None:
            query = query.where(credential_audit.c.credential_id == credential_id)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    @staticmethod
    def _audit(conn: Connection, credential_id: str, action: str, actor: str, meta: Mapping[str, Any] | None) -> None:
        conn.execute(
            credential_audit.insert().values(
                credential_id=credential_id, action=action, actor=actor, meta=meta, created_at=_now()
            )
        )

    # --- execution logs ----------------------------------------------------------------------------------------

    def log_execution(self, record: ExecutionRecord) -> None:
        self.log_executions([record])

    def log_executions(self, records: Sequence[ExecutionRecord]) -> None:
        """Insert several execution_logs rows in one transaction (the service commits concurrent ones together)."""
        rows = [
            {**{name: getattr(record, name) for name in record.__slots__}, "created_at": _now()} for record in records
        ]
        with self._begin() as conn:
            conn.execute(execution_logs.insert(), rows)

    def executions(self, command_id: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(execution_logs).order_by(execution_logs.c.created_at)
        if command_id is not None:
            query = query.where(execution_logs.c.command_id == command_id)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # --- idempotency -------------------------------------------------------------------------------------------

    def claim(self, scope_key: str, owner: str, fingerprint: str, request_id: str, *, expired: datetime) -> Claim:
        """Claim ``scope_key`` for one execution, or return the record of whoever claimed it first; a record
        created before ``expired`` no longer counts (it is replaced)."""
        try:
            with self._begin() as conn:
                conn.execute(
                    idempotency_records.delete().where(
                        idempotency_records.c.scope_key == scope_key, idempotency_records.c.created_at < expired
                    )
                )
                conn.execute(
                    idempotency_records.insert().values(
                        scope_key=scope_key,
                        owner=owner,
                        fingerprint=fingerprint,
                        request_id=request_id,
                        created_at=_now(),
                    )
                )
            return Claim(True, owner, fingerprint, request_id, None, None)
        except IntegrityError:
            pass
        existing = self.claimed(scope_key)
        if existing is None:  # released between our insert and this read: claim it again
            return self.claim(scope_key, owner, fingerprint, request_id, expired=expired)
        return existing

    def claimed(self, scope_key: str) -> Claim | None:
        """The record under ``scope_key`` (``fresh`` False), or None when nobody holds it."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(idempotency_records).where(idempotency_records.c.scope_key == scope_key)
            ).first()
        if row is None:
            return None
        return Claim(False, row.owner, row.fingerprint, row.request_id, row.status_code, row.body)

    def complete(self, scope_key: str, status_code: int, body: Mapping[str, Any]) -> None:
        with self._begin() as conn:
            conn.execute(
                idempotency_records.update()
                .where(idempotency_records.c.scope_key == scope_key)
                .values(status_code=status_code, body=json.dumps(body, ensure_ascii=False))
            )

    def release(self, scope_key: str) -> None:
        """Forget a claim whose execution ended without a final reply (so a retry may run it)."""
        with self._begin() as conn:
            conn.execute(idempotency_records.delete().where(idempotency_records.c.scope_key == scope_key))

    def purge_idempotency(self, expired: datetime) -> int:
        """Delete the idempotency records created before ``expired``; returns how many."""
        with self._begin() as conn:
            done = conn.execute(idempotency_records.delete().where(idempotency_records.c.created_at < expired))
        return int(done.rowcount)

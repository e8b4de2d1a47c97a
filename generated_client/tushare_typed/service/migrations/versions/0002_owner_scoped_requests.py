"""Request ids are unique per owner: execution_logs gets a surrogate key (a request id may recur across owners and
across retries of a failure); idempotency records are indexed by age (they expire) and restart empty (their keys
are now hashed per owner, so the earlier global ones could never match again).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_NOW = sa.DateTime(timezone=True)
_COPIED = (
    "request_id, command_id, owner, credential_id, status, retries, duration_ms, rate_limit_hits, response_size, "
    "error_payload, created_at"
)


def _logs_table(name: str, key: sa.Column[object]) -> None:
    op.create_table(
        name,
        key,
        *([] if key.name == "request_id" else [sa.Column("request_id", sa.String(64), nullable=False)]),
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
        sa.Column("created_at", _NOW, nullable=False),
    )


def _swap_logs(key: sa.Column[object], indexes: list[tuple[str, list[str]]]) -> None:
    _logs_table("execution_logs_next", key)
    # Constant column names, no input.
    op.execute(f"INSERT INTO execution_logs_next ({_COPIED}) SELECT {_COPIED} FROM execution_logs")  # noqa: S608
    op.drop_index("ix_execution_logs_status_command", table_name="execution_logs")
    if key.name == "request_id":
        op.drop_index("ix_execution_logs_owner_request", table_name="execution_logs")
    op.drop_table("execution_logs")
    op.rename_table("execution_logs_next", "execution_logs")
    for name, columns in indexes:
        op.create_index(name, "execution_logs", columns)


def upgrade() -> None:
    _swap_logs(
        sa.Column("log_id", sa.Integer(), primary_key=True, autoincrement=True),
        [
            ("ix_execution_logs_status_command", ["status", "command_id"]),
            ("ix_execution_logs_owner_request", ["owner", "request_id"]),
        ],
    )
    op.execute("DELETE FROM idempotency_records")
    op.create_index("ix_idempotency_records_created_at", "idempotency_records", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_records_created_at", table_name="idempotency_records")
    # One row per request id again: the first of each.
    op.execute(
        "DELETE FROM execution_logs WHERE log_id NOT IN (SELECT MIN(log_id) FROM execution_logs GROUP BY request_id)"
    )
    _swap_logs(
        sa.Column("request_id", sa.String(64), primary_key=True),
        [("ix_execution_logs_status_command", ["status", "command_id"])],
    )

"""The service's run-time tables: API keys, token credentials, their audit, execution logs, idempotency records.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_NOW = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _NOW, nullable=False),
        sa.Column("revoked_at", _NOW, nullable=True),
    )
    op.create_index("ix_api_keys_owner", "api_keys", ["owner"])
    op.create_table(
        "token_credentials",
        sa.Column("credential_id", sa.String(32), primary_key=True),
        sa.Column("encrypted_token", sa.LargeBinary(), nullable=False),
        sa.Column("salt", sa.LargeBinary(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False, unique=True),
        sa.Column("last_rotated_at", _NOW, nullable=False),
    )
    op.create_table(
        "credential_audit",
        sa.Column("audit_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("credential_id", sa.String(32), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=True),
        sa.Column("created_at", _NOW, nullable=False),
    )
    op.create_index("ix_credential_audit_credential_id", "credential_audit", ["credential_id"])
    op.create_table(
        "execution_logs",
        sa.Column("request_id", sa.String(64), primary_key=True),
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
    op.create_index("ix_execution_logs_status_command", "execution_logs", ["status", "command_id"])
    op.create_table(
        "idempotency_records",
        sa.Column("scope_key", sa.String(300), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", _NOW, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("idempotency_records")
    op.drop_index("ix_execution_logs_status_command", table_name="execution_logs")
    op.drop_table("execution_logs")
    op.drop_index("ix_credential_audit_credential_id", table_name="credential_audit")
    op.drop_table("credential_audit")
    op.drop_table("token_credentials")
    op.drop_index("ix_api_keys_owner", table_name="api_keys")
    op.drop_table("api_keys")

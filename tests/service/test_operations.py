"""Health, readiness, Prometheus metrics, and the database: migrations, SQLite and PostgreSQL."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tushare_typed.service._db import Database, ExecutionRecord, create_engine, current_revision, metadata, migrate

pytestmark = pytest.mark.timeout(60)


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready", "database": "ok", "upstream": "ok"}


def test_metrics_count_requests_latency_and_errors(client: TestClient, headers: dict[str, str]) -> None:
    client.post("/mcp/execute", json={"commandId": "daily", "params": {}}, headers=headers)
    client.post("/mcp/execute", json={"commandId": "daily", "params": {"x": 1}}, headers=headers)
    text = client.get("/metrics").text
    assert 'tushare_service_requests_total{http_status="200",route="/mcp/execute"} 1.0' in text
    assert 'tushare_service_requests_total{http_status="400",route="/mcp/execute"} 1.0' in text
    assert 'tushare_service_request_seconds_count{route="/mcp/execute"} 2.0' in text
    assert 'tushare_service_upstream_errors_total{code="PARAM-101"} 1.0' in text
    assert "tushare_service_rate_limit_hits_total" in text


def test_migrations_build_the_declared_schema(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(database_url)
    migrate(engine)
    migrate(engine)  # idempotent
    assert current_revision(engine) == "0002"
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


def test_database_round_trip(database_url: str) -> None:
    db = Database.open(database_url)
    try:
        db.add_api_key("k" * 32, "alice", "h" * 64, "test")
        credential_id, created = db.put_credential("alice", b"sealed", b"", "test")
        assert created and db.put_credential("alice", b"sealed2", b"", "test") == (credential_id, False)
        record = ExecutionRecord("r1", "daily", "alice", credential_id, "SUCCESS", 0, 12, 0, 30, None)
        db.log_execution(record)
        long_ago = datetime(2000, 1, 1, tzinfo=UTC)
        claim = db.claim("request:x", "alice", "f", "r1", expired=long_ago)
        assert claim.fresh and not db.claim("request:x", "alice", "f", "r2", expired=long_ago).fresh
        db.complete("request:x", 200, {"ok": True})
        stored = db.claimed("request:x")
        assert stored is not None and stored.status_code == 200 and stored.request_id == "r1"
        assert [row["action"] for row in db.audit_rows()] == ["api_key.create", "token.set", "token.rotate"]
        assert db.executions()[0]["duration_ms"] == 12
    finally:
        db.close()


def test_the_service_runs_on_each_database(make_client: object, database_url: str) -> None:
    from tests.service.conftest import key_headers

    client = make_client(database_url=database_url)  # type: ignore[operator]
    headers = key_headers(client)
    reply = client.post("/mcp/execute", json={"commandId": "daily", "params": {}, "requestId": "pg-1"}, headers=headers)
    again = client.post("/mcp/execute", json={"commandId": "daily", "params": {}, "requestId": "pg-1"}, headers=headers)
    assert reply.status_code == 200 and reply.json() == again.json()


def test_a_new_database_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "service.sqlite3"
    Database.open(str(path)).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700

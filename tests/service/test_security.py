"""API keys, owners' tokens (sealed, audited), security headers, CORS, and secrets kept out of replies and logs."""

from __future__ import annotations

from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient

from tests.service.conftest import AppFactory, db_of, key_headers
from tushare_typed.service._keys import create_key, revoke_key
from tushare_typed.testing import TushareEmulator

pytestmark = pytest.mark.timeout(60)

OWNER_TOKEN = "alice-own-tushare-token-0123456789"


@pytest.mark.parametrize("value", [None, "", "ttk_nope", "ttk_" + "0" * 32 + "_" + "A" * 43, "Bearer something-else"])
def test_requests_without_a_live_key_are_401(client: TestClient, value: str | None) -> None:
    headers = {} if value is None else {"X-MCP-Token": value}
    for method, path in (("get", "/mcp/commands"), ("post", "/mcp/execute"), ("post", "/v1/daily")):
        reply = client.request(method, path, headers=headers, json={"commandId": "daily", "params": {}})
        assert reply.status_code == 401, (path, reply.text)
        assert reply.json()["code"] == "AUTH-001"
        if value:
            assert value not in reply.text


def test_a_revoked_key_stops_working_and_both_changes_are_audited(client: TestClient) -> None:
    issued = create_key(db_of(client), "bob", "cli:test")
    headers = {"X-MCP-Token": issued.key}
    assert client.get("/mcp/commands", headers=headers).status_code == 200
    assert revoke_key(db_of(client), issued.key_id, "cli:test")
    assert not revoke_key(db_of(client), issued.key_id, "cli:test")
    reply = client.get("/mcp/commands", headers=headers)
    assert reply.status_code == 401 and "revoked" in reply.json()["message"]
    audit = db_of(client).audit_rows(issued.key_id)
    assert [(row["action"], row["actor"]) for row in audit] == [
        ("api_key.create", "cli:test"),
        ("api_key.revoke", "cli:test"),
    ]
    (row,) = db_of(client).api_keys("bob")
    assert row.key_hash != issued.key and issued.key.split("_")[-1] not in row.key_hash


def test_owner_token_is_sealed_audited_and_used(small_catalog: Any, make_client: AppFactory) -> None:
    with TushareEmulator(small_catalog, tokens=[OWNER_TOKEN]) as upstream:
        client = make_client(upstream_url=upstream.url)
        headers = key_headers(client, "alice")
        # The service's own TUSHARE_TOKEN is not accepted upstream: alice must set hers.
        assert (
            client.post("/mcp/execute", json={"commandId": "daily", "params": {}}, headers=headers).status_code == 403
        )
        reply = client.post("/auth/token", json={"token": OWNER_TOKEN, "owner": "alice"}, headers=headers)
        assert reply.status_code == 204 and reply.content == b""
        ok = client.post("/mcp/execute", json={"commandId": "daily", "params": {}}, headers=headers)
        assert ok.status_code == 200 and upstream.calls(token=OWNER_TOKEN) == 1
        assert client.post("/auth/token", json={"token": OWNER_TOKEN}, headers=headers).status_code == 204
    db = db_of(client)
    credential = db.credential("alice")
    assert credential is not None and OWNER_TOKEN.encode() not in credential.encrypted_token
    actions = [row["action"] for row in db.audit_rows(credential.credential_id)]
    assert actions == ["token.set", "token.rotate"]
    (log,) = [row for row in db.executions() if row["status"] == "SUCCESS"]
    assert log["credential_id"] == credential.credential_id


def test_a_key_sets_only_its_owners_token(client: TestClient, headers: dict[str, str]) -> None:
    reply = client.post("/auth/token", json={"token": OWNER_TOKEN, "owner": "mallory"}, headers=headers)
    assert reply.status_code == 400 and OWNER_TOKEN not in reply.text
    assert client.post("/auth/token", json={"token": ""}, headers=headers).status_code == 400


def test_storing_a_token_needs_the_service_key(make_client: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUSHARE_TYPED_KEY", raising=False)
    client = make_client(token_key=None)
    reply = client.post("/auth/token", json={"token": OWNER_TOKEN}, headers=key_headers(client))
    # The service's own configuration: a server error, not the caller's credentials.
    assert reply.status_code == 500 and reply.json()["code"] == "AUTH-012"
    assert "TUSHARE_TYPED_KEY" in reply.json()["message"]


def test_security_headers_and_cors_denied_by_default(client: TestClient, headers: dict[str, str]) -> None:
    reply = client.get("/mcp/commands", headers={**headers, "Origin": "https://evil.example"})
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["x-frame-options"] == "DENY"
    assert "max-age" in reply.headers["strict-transport-security"]
    assert "access-control-allow-origin" not in reply.headers
    preflight = client.options(
        "/mcp/execute", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_only_configured_origins(make_client: AppFactory) -> None:
    client = make_client(cors_origins=("https://console.example",))
    ask = {"Access-Control-Request-Method": "POST"}
    allowed = client.options("/mcp/execute", headers={"Origin": "https://console.example", **ask})
    assert allowed.headers["access-control-allow-origin"] == "https://console.example"
    denied = client.options("/mcp/execute", headers={"Origin": "https://evil.example", **ask})
    assert "access-control-allow-origin" not in denied.headers


def test_one_log_event_per_request_without_secrets(client: TestClient, headers: dict[str, str]) -> None:
    with structlog.testing.capture_logs() as events:
        client.post("/auth/token", json={"token": OWNER_TOKEN}, headers=headers)
        client.post("/mcp/execute", json={"commandId": "daily", "params": {}}, headers=headers)
    requests = [event for event in events if event["event"] == "service.request"]
    assert len(requests) == 2
    execute = requests[1]
    for name in ("request_id", "command_id", "status", "duration_ms", "retries", "rate_limit_hits"):
        assert name in execute
    assert execute["command_id"] == "daily" and execute["status"] == "SUCCESS" and execute["owner"] == "alice"
    text = repr(events)
    assert OWNER_TOKEN not in text and headers["X-MCP-Token"] not in text


def test_the_serve_command_binds_loopback_by_default() -> None:
    from tushare_typed.cli.service import serve_command

    host = next(p for p in serve_command.params if p.name == "host")
    assert host.default == "127.0.0.1"

"""`POST /mcp/execute` runs once per requestId or Idempotency-Key; repeats get the first reply."""

from __future__ import annotations

import concurrent.futures
import time

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import AppFactory, db_of, key_headers
from tushare_typed.catalog import Catalog
from tushare_typed.service._idempotency import scope_key
from tushare_typed.testing import Faults, TushareEmulator

pytestmark = pytest.mark.timeout(60)

BODY = {"commandId": "daily", "params": {"ts_code": "000001.SZ"}}


def test_request_id_executes_once(client: TestClient, headers: dict[str, str], emulator: TushareEmulator) -> None:
    first = client.post("/mcp/execute", json={**BODY, "requestId": "job-1"}, headers=headers)
    again = client.post("/mcp/execute", json={**BODY, "requestId": "job-1"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["requestId"] == "job-1"
    assert again.headers["idempotent-replayed"] == "true"
    assert emulator.calls("daily") == 1
    assert len(db_of(client).executions()) == 1


def test_idempotency_key_is_per_owner(client: TestClient, headers: dict[str, str], emulator: TushareEmulator) -> None:
    other = key_headers(client, "bob")
    replies = [
        client.post("/mcp/execute", json=BODY, headers={**h, "Idempotency-Key": "k1"})
        for h in (headers, headers, other)
    ]
    assert replies[0].json() == replies[1].json()
    assert replies[2].json()["requestId"] != replies[0].json()["requestId"]
    assert emulator.calls("daily") == 2


def test_reusing_a_key_for_another_request_is_refused(client: TestClient, headers: dict[str, str]) -> None:
    client.post("/mcp/execute", json={**BODY, "requestId": "job-2"}, headers=headers)
    changed = client.post(
        "/mcp/execute", json={**BODY, "params": {"ts_code": "600000.SH"}, "requestId": "job-2"}, headers=headers
    )
    assert changed.status_code == 400 and changed.json()["code"] == "PARAM-101"
    # requestIds are per owner: another owner's job-2 is theirs, whatever its content.
    stranger = client.post(
        "/mcp/execute",
        json={**BODY, "params": {"ts_code": "600000.SH"}, "requestId": "job-2"},
        headers=key_headers(client, "eve"),
    )
    assert stranger.status_code == 200 and "idempotent-replayed" not in stranger.headers


def test_errors_are_replayed_too(client: TestClient, headers: dict[str, str]) -> None:
    body = {"commandId": "daily", "params": {"bogus": 1}, "requestId": "job-3"}
    first, again = (client.post("/mcp/execute", json=body, headers=headers) for _ in range(2))
    assert first.status_code == again.status_code == 400 and first.json() == again.json()


def test_concurrent_repeats_execute_once(
    client: TestClient, headers: dict[str, str], emulator: TushareEmulator
) -> None:
    def send() -> dict[str, object]:
        reply = client.post("/mcp/execute", json={**BODY, "requestId": "job-4"}, headers=headers)
        assert reply.status_code == 200
        return dict(reply.json())

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        bodies = list(pool.map(lambda _: send(), range(6)))
    assert all(body == bodies[0] for body in bodies)
    assert emulator.calls("daily") == 1


def test_retryable_failures_are_not_stored(small_catalog: Catalog, make_client: AppFactory) -> None:
    outage = Faults(on_calls={1: "http_500", 2: "http_500", 3: "http_500"})
    with TushareEmulator(small_catalog, tokens=None, faults=outage) as upstream:
        client = make_client(upstream_url=upstream.url)
        headers = key_headers(client)
        body = {**BODY, "requestId": "job-5"}
        failed = client.post("/mcp/execute", json=body, headers=headers)
        assert failed.status_code == 503
        recovered = client.post("/mcp/execute", json=body, headers=headers)
        assert recovered.status_code == 200 and "idempotent-replayed" not in recovered.headers
        replayed = client.post("/mcp/execute", json=body, headers=headers)
        assert replayed.headers["idempotent-replayed"] == "true" and replayed.json() == recovered.json()
    # Both runs are logged under the one requestId.
    assert [row["request_id"] for row in db_of(client).executions()] == ["job-5", "job-5"]


def test_records_expire_and_are_purged(make_client: AppFactory, emulator: TushareEmulator) -> None:
    client = make_client(idempotency_ttl=0.5)
    headers = key_headers(client)
    body = {**BODY, "requestId": "job-6"}
    client.post("/mcp/execute", json=body, headers=headers)
    time.sleep(0.6)
    again = client.post("/mcp/execute", json=body, headers=headers)
    assert "idempotent-replayed" not in again.headers and emulator.calls("daily") == 2
    # The service purges every second at this lifetime: the record goes without any request.
    scope = scope_key("request", "alice", "job-6")
    for _ in range(50):
        if db_of(client).claimed(scope) is None:
            break
        time.sleep(0.1)
    assert db_of(client).claimed(scope) is None

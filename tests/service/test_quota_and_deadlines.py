"""Bounded waits: a quota beyond the service's wait is a prompt 429, a request ends by its deadline, the shared
circuit breaker recovers for every owner at once, and /readyz reports the upstream."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.service.conftest import AppFactory, db_of, key_headers
from tushare_typed.catalog import Catalog
from tushare_typed.ratelimit import RateLimit, RateLimiter
from tushare_typed.testing import Faults, TushareEmulator

pytestmark = pytest.mark.timeout(60)
BODY = {"commandId": "daily", "params": {}}


def _daily_cap(key: str) -> RateLimiter:
    # No max_wait of its own: only the service's quota_wait bounds the wait.
    return RateLimiter(RateLimit(1, 86_400.0), key=key)


def test_a_per_day_cap_is_a_prompt_429_with_retry_after(make_client: AppFactory, emulator: TushareEmulator) -> None:
    client = make_client(limiter_factory=_daily_cap)
    headers = key_headers(client)
    assert client.post("/mcp/execute", json=BODY, headers=headers).status_code == 200
    capped = client.post("/mcp/execute", json=BODY, headers=headers)
    assert capped.status_code == 429 and capped.json()["code"] == "RATE-201"
    assert int(capped.headers["retry-after"]) > 80_000  # the day's slot, not the 20 s the call may wait
    gateway = client.post("/v1/daily", json={}, headers=headers)
    assert gateway.status_code == 429 and "retry-after" in gateway.headers
    assert emulator.calls("daily") == 1
    statuses = [row["status"] for row in db_of(client).executions()]
    assert statuses == ["SUCCESS", "ERROR", "ERROR"]


def test_the_deadline_bounds_a_request_across_retries(small_catalog: Catalog, make_client: AppFactory) -> None:
    frozen = Faults(slow=1.0, slow_seconds=10.0)
    with TushareEmulator(small_catalog, tokens=None, faults=frozen) as upstream:
        client = make_client(upstream_url=upstream.url, upstream_timeout=1.0, request_deadline=1.5)
        reply = client.post("/mcp/execute", json=BODY, headers=key_headers(client))
        # Three attempts of 1 s would not fit in 1.5 s: the deadline stopped the second.
        assert upstream.calls("daily") <= 2
    assert reply.status_code == 503 and reply.json()["code"] == "SERVICE-302"
    assert "retry-after" in reply.headers
    (log,) = db_of(client).executions()
    assert log["status"] == "ERROR" and log["error_payload"]["code"] == "SERVICE-302"


def test_the_circuit_breaker_is_shared_and_recovers_for_every_owner(
    small_catalog: Catalog, make_client: AppFactory
) -> None:
    outage = Faults(on_calls={n: "http_500" for n in range(1, 6)})
    with TushareEmulator(small_catalog, tokens=None, faults=outage) as upstream:
        client = make_client(upstream_url=upstream.url, breaker_reset=3.0)
        alice, bob = key_headers(client, "alice"), key_headers(client, "bob")
        # alice calls with a token of her own, bob with the service's: two clients, one upstream.
        assert client.post("/auth/token", json={"token": "a" * 40}, headers=alice).status_code == 204
        failures = [client.post("/mcp/execute", json=BODY, headers=alice) for _ in range(2)]
        # 3 failed attempts, then 2 more: the fifth in a row opens the breaker before the last retry.
        assert [r.json()["code"] for r in failures] == ["SERVICE-301", "SERVICE-305"]
        fast = client.post("/mcp/execute", json=BODY, headers=bob)  # alice's failures opened it for bob too
        assert fast.status_code == 503 and fast.json()["code"] == "SERVICE-305"
        assert int(fast.headers["retry-after"]) >= 1
        time.sleep(3.1)
        assert client.post("/mcp/execute", json=BODY, headers=bob).status_code == 200
        # bob's success closed it for alice: she is not kept failing after the recovery.
        assert client.post("/mcp/execute", json=BODY, headers=alice).status_code == 200


def test_readyz_reports_the_upstream_and_the_database(make_client: AppFactory, emulator: TushareEmulator) -> None:
    client = make_client(upstream_url="http://127.0.0.1:9")  # nothing listens on the discard port
    reply = client.get("/readyz")
    assert reply.status_code == 503
    body: dict[str, Any] = reply.json()
    assert body["database"] == "ok" and body["upstream"].startswith("unreachable")

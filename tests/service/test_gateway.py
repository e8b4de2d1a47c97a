"""/v1/<api>: the same row cap, PARTIAL semantics and route names in metrics as /mcp/execute."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import AppFactory, db_of, key_headers
from tushare_typed.catalog import Catalog
from tushare_typed.service.config import MAX_ROWS_CAP
from tushare_typed.testing import Faults, TushareEmulator

pytestmark = pytest.mark.timeout(60)


def test_the_row_cap_applies(client: TestClient, headers: dict[str, str], emulator: TushareEmulator) -> None:
    for rows in (MAX_ROWS_CAP + 1, 10**12):
        reply = client.post("/v1/daily", json={"max_rows": rows}, headers=headers)
        assert reply.status_code == 400 and reply.json()["code"] == "PARAM-101"
        execute = client.post(
            "/mcp/execute", json={"commandId": "daily", "params": {}, "pagination": {"limit": rows}}, headers=headers
        )
        assert execute.status_code == 400
    assert emulator.calls("daily") == 0


def test_a_failure_midway_is_partial_with_the_rows_so_far(small_catalog: Catalog, make_client: AppFactory) -> None:
    second_page_fails = Faults(on_calls={2: "http_500", 3: "http_500", 4: "http_500"})
    emulator = TushareEmulator(
        small_catalog, tokens=None, total_rows=30, row_caps={"daily": 10}, faults=second_page_fails
    )
    with emulator as upstream:
        client = make_client(upstream_url=upstream.url)
        reply = client.post("/v1/daily", json={}, headers=key_headers(client))
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "PARTIAL" and len(body["rows"]) == 10
    assert body["completed"] is False and body["nextOffset"] == 10
    assert body["error"]["code"] == "SERVICE-301"
    (log,) = db_of(client).executions()
    assert log["status"] == "PARTIAL" and log["response_size"] == 10


def test_gateway_calls_are_named_by_their_route(client: TestClient, headers: dict[str, str]) -> None:
    assert client.post("/v1/trade_cal", json={"max_rows": 2}, headers=headers).json()["status"] == "PARTIAL"
    text = client.get("/metrics").text
    assert 'tushare_service_requests_total{http_status="200",route="/v1/trade_cal"} 1.0' in text
    assert 'route="unmatched"' not in text

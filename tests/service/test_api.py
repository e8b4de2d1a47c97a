"""The spec's routes over the emulator: commands, metadata, execution (success, partial, each error status)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import AppFactory, db_of, key_headers
from tushare_typed.ratelimit import RateLimit, RateLimiter
from tushare_typed.testing import Faults, TushareEmulator

pytestmark = pytest.mark.timeout(60)


def _execute(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post("/mcp/execute", json={"params": {}, **body}, headers=headers)


def test_commands_filter_by_source_and_keyword(client: TestClient, headers: dict[str, str]) -> None:
    everything = client.get("/mcp/commands", headers=headers).json()["commands"]
    assert {c["commandId"] for c in everything} == {"daily", "shibor", "stock_basic", "trade_cal", "daily_basic"}
    daily = next(c for c in everything if c["commandId"] == "daily")
    assert daily["title"] == "A股日线行情" and daily["source"].startswith("股票数据")
    by_source = client.get("/mcp/commands", params={"source": "宏观"}, headers=headers).json()["commands"]
    assert [c["commandId"] for c in by_source] == ["shibor"]
    by_keyword = client.get("/mcp/commands", params={"keyword": "日线"}, headers=headers).json()["commands"]
    assert [c["commandId"] for c in by_keyword] == ["daily"]


def test_command_detail_and_404(client: TestClient, headers: dict[str, str]) -> None:
    detail = client.get("/mcp/commands/daily", headers=headers).json()
    assert detail["commandId"] == "daily"
    assert [p["name"] for p in detail["parameters"]] == ["ts_code", "trade_date", "start_date", "end_date"]
    assert "500 calls per minute" in detail["rateLimitHint"] and "6000 rows per call" in detail["rateLimitHint"]
    missing = client.get("/mcp/commands/dailyy", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "PARAM-101" and "did you mean daily" in missing.json()["remediation"]


def test_interface_metadata(client: TestClient, headers: dict[str, str]) -> None:
    meta = client.get("/metadata/interfaces/shibor", headers=headers).json()
    assert meta["interfaceName"] == "shibor"
    assert {"name": "1w", "type": "float"}.items() <= next(
        f for f in meta["responseFields"] if f["name"] == "1w"
    ).items()
    assert meta["throttleHint"]
    assert client.get("/metadata/interfaces/nope", headers=headers).status_code == 404


def test_execute_success_pages_through_the_typed_client(
    client: TestClient, headers: dict[str, str], emulator: TushareEmulator
) -> None:
    reply = _execute(client, headers, commandId="daily", params={"ts_code": "000001.SZ"}, fields=["ts_code", "close"])
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "SUCCESS" and body["error"] is None
    assert body["data"]["fields"] == ["ts_code", "close"]
    assert len(body["data"]["items"]) == 30 and body["data"]["items"][0][0] == "000001.SZ"
    assert body["pagination"] == {"nextOffset": None, "completed": True}
    assert body["metrics"]["retries"] == 0 and body["metrics"]["rateLimitHits"] == 0
    assert emulator.calls("daily") == 1
    (log,) = db_of(client).executions("daily")
    assert log["request_id"] == body["requestId"] and log["status"] == "SUCCESS" and log["response_size"] == 30
    assert log["owner"] == "alice" and log["error_payload"] is None


def test_execute_bounded_is_partial_and_resumes(client: TestClient, headers: dict[str, str]) -> None:
    first = _execute(client, headers, commandId="daily", pagination={"limit": 10}).json()
    assert first["status"] == "PARTIAL" and first["pagination"] == {"nextOffset": 10, "completed": False}
    rest = _execute(client, headers, commandId="daily", pagination={"offset": 10}).json()
    assert rest["status"] == "SUCCESS" and len(rest["data"]["items"]) == 20
    assert rest["data"]["items"][0] != first["data"]["items"][0]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"commandId": "daily", "params": {"bogus": 1}}, "PARAM-101"),
        ({"commandId": "daily", "params": {"trade_date": "2024-13-45"}}, "PARAM-101"),
        ({"commandId": "daily"}, "PARAM-101"),
        ({"commandId": "daily", "params": {}, "pagination": {"limit": 0}}, "PARAM-101"),
        ({"commandId": "nope", "params": {}}, "PARAM-101"),
    ],
)
def test_execute_parameter_errors_are_400(
    client: TestClient, headers: dict[str, str], body: dict[str, Any], code: str
) -> None:
    reply = client.post("/mcp/execute", json=body, headers=headers)
    assert reply.status_code == (404 if body["commandId"] == "nope" else 400)
    payload = reply.json()
    assert payload["code"] == code and payload["category"] == "PARAMETER"
    assert payload["message"] and payload["remediation"] and payload["requestId"]


def test_execute_without_a_token_anywhere_is_403_with_a_rest_remedy(
    client: TestClient, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.delenv("TUSHARE_TOKEN")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "empty-config"))
    reply = _execute(client, headers, commandId="daily")
    assert reply.status_code == 403 and reply.json()["code"] == "AUTH-002"
    assert "POST /auth/token" in reply.json()["remediation"]
    (log,) = db_of(client).executions()
    assert log["status"] == "ERROR" and log["error_payload"]["code"] == "AUTH-002"


def test_execute_rate_limited_is_429(make_client: AppFactory) -> None:
    def refusing_limiter(key: str) -> RateLimiter:
        return RateLimiter(RateLimit(1, 60), key=key, max_wait=0)

    client = make_client(limiter_factory=refusing_limiter)
    headers = key_headers(client)
    assert _execute(client, headers, commandId="daily").status_code == 200
    reply = _execute(client, headers, commandId="daily")
    assert reply.status_code == 429 and reply.json()["code"] == "RATE-201"


def test_upstream_failure_is_503_with_retry_after_after_retries(small_catalog: Any, make_client: AppFactory) -> None:
    with TushareEmulator(small_catalog, tokens=None, faults=Faults(http_500=1.0)) as failing:
        client = make_client(upstream_url=failing.url)
        reply = _execute(client, key_headers(client), commandId="daily")
        assert failing.calls("daily") == 3
    assert reply.status_code == 503 and reply.json()["code"] == "SERVICE-301"
    assert int(reply.headers["retry-after"]) >= 1
    (log,) = db_of(client).executions()
    assert log["retries"] == 2 and log["status"] == "ERROR"


def test_unknown_route_is_an_error_payload(client: TestClient, headers: dict[str, str]) -> None:
    reply = client.get("/nowhere", headers=headers)
    assert reply.status_code == 404 and reply.json()["category"] == "PARAMETER"

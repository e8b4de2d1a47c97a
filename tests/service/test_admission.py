"""Admission: the API key before the body, bounded bodies (413 while reading, 408 when slow), bounded parameters
and error texts, no redirects, and a request cancelled when its client goes away (its log row still written)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import AppFactory, db_of, key_headers
from tushare_typed.catalog import Catalog
from tushare_typed.service._errors import MAX_TEXT
from tushare_typed.testing import Faults, TushareEmulator

pytestmark = pytest.mark.timeout(60)


class _Wire:
    """An ASGI client: sends ``chunks`` (then, optionally, a disconnect) and records what it was asked for."""

    def __init__(self, chunks: Iterable[bytes], *, gap: float = 0.0, then_disconnect: float | None = None) -> None:
        self.chunks = list(chunks)
        self.gap = gap
        self.then_disconnect = then_disconnect
        self.received = 0
        self.messages: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        if self.received < len(self.chunks):
            await asyncio.sleep(self.gap)
            self.received += 1
            return {
                "type": "http.request",
                "body": self.chunks[self.received - 1],
                "more_body": self.received < len(self.chunks),
            }
        if self.then_disconnect is None:
            await asyncio.Event().wait()
        await asyncio.sleep(self.then_disconnect or 0.0)
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int | None:
        starts = [m["status"] for m in self.messages if m["type"] == "http.response.start"]
        return starts[0] if starts else None


def _call(client: TestClient, wire: _Wire, path: str, headers: dict[str, str]) -> None:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    assert client.portal is not None
    app: Any = client.app

    async def run() -> None:
        await app(scope, wire.receive, wire.send)

    client.portal.call(run)


def test_the_key_is_checked_before_a_byte_of_the_body_is_read(client: TestClient) -> None:
    wire = _Wire([b"x" * 65_536] * 100)
    _call(client, wire, "/mcp/execute", {"content-type": "application/json"})
    assert wire.status == 401 and wire.received == 0


def test_a_declared_oversized_body_is_refused_unread(client: TestClient, headers: dict[str, str]) -> None:
    wire = _Wire([b"x" * 65_536] * 100)
    _call(client, wire, "/mcp/execute", {**headers, "content-length": str(100 * 65_536)})
    assert wire.status == 413 and wire.received == 0


def test_a_body_growing_past_the_limit_is_refused_as_it_arrives(make_client: AppFactory) -> None:
    client = make_client(max_body_bytes=100_000)
    wire = _Wire([b"x" * 10_000] * 1000)  # no Content-Length: counted while read
    _call(client, wire, "/mcp/execute", key_headers(client))
    assert wire.status == 413 and wire.received == 11
    body = b"".join(m.get("body", b"") for m in wire.messages)
    assert b"PARAM-110" in body


def test_a_slow_body_is_refused(make_client: AppFactory) -> None:
    client = make_client(body_read_timeout=0.3)
    wire = _Wire([b"{"] * 100, gap=0.05)
    _call(client, wire, "/mcp/execute", key_headers(client))
    assert wire.status == 408 and wire.received < 100


def test_a_client_going_away_cancels_the_request_and_its_row_is_written(
    small_catalog: Catalog, make_client: AppFactory
) -> None:
    with TushareEmulator(small_catalog, tokens=None, faults=Faults(slow=1.0, slow_seconds=20.0)) as upstream:
        client = make_client(upstream_url=upstream.url, upstream_timeout=15.0)
        wire = _Wire([b'{"commandId": "daily", "params": {}}'], then_disconnect=0.5)
        _call(client, wire, "/mcp/execute", {**key_headers(client), "content-type": "application/json"})
        assert wire.status is None  # nobody to answer
    (log,) = db_of(client).executions()
    assert log["status"] == "ERROR" and log["error_payload"]["code"] == "SERVICE-310"


def test_parameter_values_are_bounded(client: TestClient, headers: dict[str, str], emulator: TushareEmulator) -> None:
    reply = client.post("/mcp/execute", json={"commandId": "daily", "params": {"ts_code": "A" * 5000}}, headers=headers)
    assert reply.status_code == 400 and "longer than" in reply.json()["message"]
    gateway = client.post("/v1/daily", json={"ts_code": "A" * 5000}, headers=headers)
    assert gateway.status_code == 400
    assert emulator.calls("daily") == 0


def test_error_texts_and_stored_payloads_are_bounded(client: TestClient, headers: dict[str, str]) -> None:
    params = {f"unknown_{i}_{'p' * 100}": 1 for i in range(2000)}
    reply = client.post("/mcp/execute", json={"commandId": "daily", "params": params}, headers=headers)
    assert reply.status_code == 400 and "and 1990 more" in reply.json()["message"]
    assert len(reply.json()["message"]) <= MAX_TEXT + 50
    (log,) = db_of(client).executions()
    assert len(log["error_payload"]["message"]) <= MAX_TEXT + 50
    invalid = client.post("/mcp/execute", json=[{"x": i} for i in range(5000)], headers=headers)
    assert invalid.status_code == 400 and len(invalid.json()["message"]) <= MAX_TEXT + 50


def test_no_redirect_reflects_the_host_header(client: TestClient, headers: dict[str, str]) -> None:
    for who in ({}, headers):
        reply = client.get("/mcp/commands/", headers={**who, "Host": "evil.example"}, follow_redirects=False)
        assert reply.status_code in (401, 404) and "location" not in reply.headers
        assert "evil.example" not in reply.text


def test_query_and_path_values_are_bounded(client: TestClient, headers: dict[str, str]) -> None:
    assert client.get("/mcp/commands", params={"keyword": "k" * 1000}, headers=headers).status_code == 400
    assert client.get(f"/mcp/commands/{'c' * 1000}", headers=headers).status_code == 400

"""Fan-out: one upstream per topic and code set, SSE and WebSocket with the API key first, a stalled client dropped
without holding the others back, and the quotes topic fed by stream_quotes."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("fastapi", reason="the service extra is not installed")

from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tushare_typed.errors import ServiceError
from tushare_typed.service._fanout import Ended, Hub, Lagged
from tushare_typed.service._keys import create_key
from tushare_typed.service.app import create_app
from tushare_typed.service.config import ServiceConfig
from tushare_typed.testing._realtime import RealtimeLookalikes
from tushare_typed.token import TokenStore

from .conftest import db_of
from .streaming import served, ticking

pytestmark = pytest.mark.timeout(90)


def _config(tmp_path: Path) -> ServiceConfig:
    return ServiceConfig(
        database_url=str(tmp_path / "service.sqlite3"),
        data_dir=tmp_path / "data",
        upstream_url="http://127.0.0.1:9",
        token_key=TokenStore.generate_key(),
    )


# --- the hub -----------------------------------------------------------------------------------------------------


def test_one_upstream_per_topic_and_code_set() -> None:
    source = ticking(3)

    async def run() -> tuple[list[Any], list[Any]]:
        hub = Hub({"t": source})
        a = hub.subscribe("t", ["B", "A"])
        b = hub.subscribe("t", ["A", "B", "A"])
        got_a = [item async for item in a]
        got_b = [item async for item in b]
        await hub.close()
        return got_a, got_b

    got_a, got_b = asyncio.run(run())
    assert source.opened == [("A", "B")]
    assert [r["n"] for r in got_a[:-1]] == [0, 1, 2] and got_a[-1] == Ended(None)
    assert got_b == got_a


def test_a_slow_subscriber_is_dropped_and_told() -> None:
    async def run() -> tuple[list[Any], list[Any], int]:
        hub = Hub({"t": ticking(50)}, buffer=5)
        reader, sleeper = hub.subscribe("t", ["A"]), hub.subscribe("t", ["A"])
        fast = [item async for item in reader]  # never waits for the sleeper
        slow = [item async for item in sleeper]
        await hub.close()
        return fast, slow, hub.lagged

    fast, slow, lagged = asyncio.run(run())
    assert [r["n"] for r in fast[:-1]] == list(range(50))
    assert slow == [Lagged(5)] and lagged == 1  # what it missed is not kept


def test_last_unsubscribe_closes_the_upstream_and_errors_end_everyone() -> None:
    closed: list[bool] = []

    def endless(codes: tuple[str, ...]) -> Any:
        async def records() -> Any:
            try:
                while True:
                    yield {"n": 1}
                    await asyncio.sleep(0.01)
            finally:
                closed.append(True)

        return records()

    def failing(codes: tuple[str, ...]) -> Any:
        async def records() -> Any:
            yield {"n": 1}
            raise ServiceError("upstream down")

        return records()

    async def run() -> list[Any]:
        hub = Hub({"e": endless, "f": failing})
        sub = hub.subscribe("e", ["A"])
        await asyncio.sleep(0.05)
        hub.unsubscribe(sub)
        await asyncio.sleep(0.05)
        assert not hub.channels
        got = [item async for item in hub.subscribe("f", ["A"])]
        await hub.close()
        return got

    got = asyncio.run(run())
    assert closed == [True]
    assert isinstance(got[-1], Ended) and got[-1].error is not None and "upstream down" in got[-1].error.message


# --- the routes --------------------------------------------------------------------------------------------------


def _events(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":"))
        if "event" in lines:
            events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_sse_needs_the_key_first_then_streams(tmp_path: Path) -> None:
    with TestClient(create_app(_config(tmp_path), hub=Hub({"t": ticking(3)}))) as client:
        refused = client.get("/v1/stream/t", params={"codes": "A"})
        assert refused.status_code == 401 and refused.json()["code"] == "AUTH-001"
        headers = {"X-MCP-Token": create_key(db_of(client), "alice", "test").key}
        with client.stream("GET", "/v1/stream/t", params={"codes": "A"}, headers=headers) as reply:
            assert reply.headers["content-type"].startswith("text/event-stream")
            events = _events(reply.read().decode())
        assert [name for name, _ in events] == ["record"] * 3 + ["end"]
        assert client.get("/v1/stream/nope", params={"codes": "A"}, headers=headers).status_code == 400


def test_websocket_needs_the_key_then_streams(tmp_path: Path) -> None:
    with TestClient(create_app(_config(tmp_path), hub=Hub({"t": ticking(2)}))) as client:
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/v1/stream/t/ws?codes=A") as ws:
            ws.receive_text()
        assert refused.value.code == 4401
        headers = {"X-MCP-Token": create_key(db_of(client), "alice", "test").key}
        with client.websocket_connect("/v1/stream/t/ws?codes=A", headers=headers) as ws:
            messages = [json.loads(ws.receive_text()) for _ in range(3)]
        assert [m["event"] for m in messages] == ["record", "record", "end"] and messages[1]["data"]["n"] == 1


def test_hundred_clients_one_stalled(tmp_path: Path) -> None:
    count = 400
    hub = Hub({"t": ticking(count, every=0.005, pad=2000)}, buffer=64)
    app = create_app(_config(tmp_path), hub=hub)
    with served(app) as url:
        key = create_key(app.state.service.db, "alice", "test").key
        host, port = url.removeprefix("http://").split(":")
        stalled = socket.socket()
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: a small window
        stalled.connect((host, int(port)))
        stalled.sendall(f"GET /v1/stream/t?codes=A HTTP/1.1\r\nHost: x\r\nX-MCP-Token: {key}\r\n\r\n".encode())

        async def client(http: httpx.AsyncClient) -> list[int]:
            async with http.stream("GET", "/v1/stream/t", params={"codes": "A"}) as reply:
                text = (await reply.aread()).decode()
            return [data["n"] for name, data in _events(text) if name == "record"]

        async def run() -> list[list[int]]:
            await asyncio.sleep(0.2)  # the stalled client subscribes first
            limits = httpx.Limits(max_connections=200)
            async with httpx.AsyncClient(base_url=url, headers={"X-MCP-Token": key}, limits=limits, timeout=60) as http:
                return await asyncio.gather(*(client(http) for _ in range(99)))

        results = asyncio.run(run())
        stalled.close()
        # Every other client got every record from when it joined to the end, in order, none missing (loopback
        # buffers absorb this much for the stalled one; test_a_stalled_writer_is_dropped shows the drop itself).
        assert all(r and r == list(range(r[0], count)) for r in results)


def test_a_stalled_writer_is_dropped_without_holding_the_others() -> None:
    """100 SSE responses on one upstream, one whose writes never complete: it is told nothing more, dropped after
    its buffer fills, and its response ends within the write timeout; the 99 others get every record."""
    from tushare_typed.service._stream_routes import EventStream

    count = 300

    async def run() -> tuple[list[bytes], int]:
        hub = Hub({"t": ticking(count, every=0.001)}, buffer=16)
        received: list[list[bytes]] = [[] for _ in range(99)]
        stuck = asyncio.Event()

        def fast(box: list[bytes]) -> Any:
            async def send(message: dict[str, Any]) -> None:
                box.append(message.get("body", b""))

            return send

        async def stalled(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.body":
                await stuck.wait()  # never set: a client that stopped reading

        async def receive() -> dict[str, Any]:
            await asyncio.Event().wait()
            return {}

        streams = [EventStream(hub, hub.subscribe("t", ["A"]), 0.5, 15.0) for _ in range(100)]
        tasks = [asyncio.create_task(streams[0]({}, receive, stalled))]
        tasks += [
            asyncio.create_task(stream({}, receive, fast(box)))
            for stream, box in zip(streams[1:], received, strict=True)
        ]
        await asyncio.wait_for(asyncio.gather(*tasks), 30)  # the stalled writer too: ended by its timeout
        await hub.close()
        return [b"".join(box) for box in received], hub.lagged

    bodies, lagged = asyncio.run(run())
    assert lagged == 1
    for body in bodies:
        events = _events(body.decode())
        assert [data["n"] for name, data in events if name == "record"] == list(range(count))
        assert events[-1][0] == "end"


def test_quotes_topic_streams_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tushare_typed.realtime import _compat

    with RealtimeLookalikes(seed=3) as lookalikes:
        for name in ("TUSHARE_TYPED_SINA_URL", "TUSHARE_TYPED_EASTMONEY_PUSH_URL", "TUSHARE_TYPED_TENCENT_URL"):
            monkeypatch.setenv(name, lookalikes.url)
        monkeypatch.setenv("TUSHARE_TYPED_QUOTE_INTERVAL", "0.1")
        monkeypatch.setattr(_compat, "_default", None)
        with TestClient(create_app(_config(tmp_path))) as client:
            headers = {"X-MCP-Token": create_key(db_of(client), "alice", "test").key}
            with client.websocket_connect("/v1/stream/quotes/ws?codes=000001.SZ,600000.SH", headers=headers) as ws:
                first = [json.loads(ws.receive_text()) for _ in range(2)]
        assert {m["data"]["ts_code"] for m in first} == {"000001.SZ", "600000.SH"}
        assert all(m["event"] == "record" for m in first)

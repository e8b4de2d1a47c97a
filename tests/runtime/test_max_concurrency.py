"""``max_concurrency=N``: at most N requests of one client in flight at the server, across threads (sync) or tasks
(async); checked when the client is built."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.errors import ParameterError

from .halves import HALVES, Half

CALLS = 8
REPLY = json.dumps({"code": 0, "msg": "", "data": {"fields": ["a"], "items": [[1]], "has_more": False}}).encode()


class CountingServer:
    """Counts the requests in flight. Each is held until ``crowd`` are in flight at once, or ``hold`` seconds pass:
    unbounded callers reach the crowd at once, bounded ones are held ``hold`` seconds each round."""

    def __init__(self, crowd: int = 3, hold: float = 0.3) -> None:
        self.crowd, self.hold = crowd, hold
        self.in_flight = self.most = self.served = 0
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with server._changed:
                    server.in_flight += 1
                    server.most = max(server.most, server.in_flight)
                    server._changed.notify_all()
                    server._changed.wait_for(lambda: server.in_flight >= server.crowd, timeout=server.hold)
                    server.in_flight -= 1
                    server.served += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(REPLY)))
                self.end_headers()
                self.wfile.write(REPLY)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def __enter__(self) -> CountingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def counting() -> Iterator[CountingServer]:
    with CountingServer() as server:
        yield server


def _run_concurrently(half: Half, url: str, max_concurrency: int | None) -> None:
    options: dict[str, Any] = {"base_url": url, "max_retries": 0, "max_concurrency": max_concurrency}
    if half == "sync":
        with TushareClient("concurrency-test-token", **options) as client, ThreadPoolExecutor(CALLS) as pool:
            for result in [pool.submit(client.query, "any_api") for _ in range(CALLS)]:
                assert result.result().rows == [(1,)]
        return

    async def calls() -> None:
        async with AsyncTushareClient("concurrency-test-token", **options) as client:
            results = await asyncio.gather(*(client.query("any_api") for _ in range(CALLS)))
        assert all(result.rows == [(1,)] for result in results)

    asyncio.run(calls())


@pytest.mark.timeout(30)
@pytest.mark.parametrize("half", HALVES)
def test_max_concurrency_bounds_the_requests_in_flight(half: Half, counting: CountingServer) -> None:
    _run_concurrently(half, counting.url, 2)
    assert counting.served == CALLS
    assert counting.most == 2


@pytest.mark.timeout(30)
@pytest.mark.parametrize("half", HALVES)
def test_without_a_bound_the_server_sees_the_crowd(half: Half, counting: CountingServer) -> None:
    # The control: the same calls without max_concurrency reach more than 2 in flight, so the server counts right.
    _run_concurrently(half, counting.url, None)
    assert counting.served == CALLS
    assert counting.most >= counting.crowd


@pytest.mark.timeout(10)
@pytest.mark.parametrize("client_type", [TushareClient, AsyncTushareClient])
@pytest.mark.parametrize("value", [0, -1, 1.5, True, "2"])
def test_max_concurrency_below_one_or_not_an_integer_is_refused(client_type: type[Any], value: object) -> None:
    with pytest.raises(ParameterError, match="max_concurrency") as caught:
        client_type("concurrency-test-token", max_concurrency=value)
    assert "max_concurrency=" in caught.value.remediation


@pytest.mark.timeout(10)
def test_the_bound_is_shared_by_copies_and_the_sync_twin() -> None:
    client = TushareClient("concurrency-test-token", max_concurrency=3)
    assert client.with_options(timeout=5)._transport.slots is client._transport.slots
    assert client.with_options(base_url="http://127.0.0.1:1")._transport.slots is client._transport.slots
    assert client._async_twin()._transport.slots.limit == 3


@pytest.mark.timeout(10)
def test_a_bound_for_an_injected_transport_is_refused_not_ignored() -> None:
    from tushare_typed._internal.transport import SyncTransport

    transport = SyncTransport("http://127.0.0.1:1")
    with pytest.raises(ParameterError, match="max_concurrency"):
        TushareClient("concurrency-test-token", transport=transport, max_concurrency=2)
    TushareClient("concurrency-test-token", transport=transport).close()

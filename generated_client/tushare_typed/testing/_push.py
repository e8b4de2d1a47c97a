"""A local tushare push server (``ws://127.0.0.1:PORT/listening``) for tests, the benchmarks and
``python -m tushare_typed.testing --push``: it speaks the protocol of ``wss://ws.tushare.pro/listening`` — a
``{"action": "listening", "token", "data": {TOPIC: [codes]}}`` subscription, ``{"action": "ping"}`` keep-alives,
``{"status", "message", "data": {"topic", "code", "record"}}`` frames — and streams deterministic records
(:mod:`._push_ticks`) for the codes asked, wildcards expanded, at ``rate`` records per second per connection.

A new connection of the same token and topic resumes ``replay`` records before where the last one stopped, as a
server replaying after a reconnect would. Faults, settable at any time: ``drop_after`` (close each connection after
that many records), ``stall_after`` (stop sending and reading, keep-alives unanswered), ``garbage_every`` (every
n-th frame garbage, of rotating kinds), ``refuse_subscriptions`` (``status: false``); tokens not in ``tokens`` are
refused the same way. Counts: ``connections``, ``subscriptions``, ``pings``, ``sent``, ``garbage_sent``.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from typing import Any, Final

from ..push._records import PING_ACTION, SUBSCRIBE_ACTION, TOPICS
from ._emulator import DEFAULT_TOKEN
from ._push_ticks import expand_codes, record

__all__ = ["PushEmulator"]

_GARBAGE: Final = (
    b"\xff\xfe not json",
    "[1, 2, 3]",
    '{"status": true, "data": {"topic": "HQ_STK_TICK", "code": "600000.SH"}}',
    '{"status": true, "data": "a string"}',
    '{"status": true, "data": {"topic": "HQ_STK_TICK", "code": "600000.SH", "record": {"ts_code": 7}}}',
    '{"status": true, "data": {"topic": "HQ_STK_TICK", "code": "600000.SH", "rec',
)


class PushEmulator:
    """``with PushEmulator(seed=0) as push: client.stream(..., url=push.url)``."""

    def __init__(
        self,
        *,
        tokens: tuple[str, ...] | None = (DEFAULT_TOKEN,),
        seed: int = 0,
        rate: float = 200.0,
        replay: int = 3,
        port: int = 0,
    ) -> None:
        self.tokens, self.seed, self.rate, self.replay = tokens, seed, rate, replay
        self.drop_after: int | None = None
        self.stall_after: int | None = None
        self.garbage_every: int | None = None
        self.refuse_subscriptions = False
        self.connections = 0
        self.pings = 0
        self.sent = 0
        self.garbage_sent = 0
        self.subscriptions: list[dict[str, list[str]]] = []
        self._cursors: Counter[tuple[str, str]] = Counter()
        self._requested_port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> PushEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the push emulator is not running: call start()")
        return int(next(iter(self._server.sockets)).getsockname()[1])

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/listening"

    def start(self) -> PushEmulator:
        from websockets.asyncio.server import serve

        loop = self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name="push-emulator", daemon=True)
        self._thread.start()

        async def open_server() -> Any:
            return await serve(self._handle, "127.0.0.1", self._requested_port, close_timeout=0.5, compression=None)

        self._server = asyncio.run_coroutine_threadsafe(open_server(), loop).result(10)
        return self

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        async def close() -> None:
            server.close()
            try:
                async with asyncio.timeout(5):
                    await server.wait_closed()
            finally:
                others = asyncio.all_tasks() - {asyncio.current_task()}
                for task in others:
                    task.cancel()
                await asyncio.gather(*others, return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(close(), loop).result(10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(10)
            loop.close()
            self._loop = self._server = None

    # --- one connection -------------------------------------------------------------------------------------------

    async def _handle(self, connection: Any) -> None:
        self.connections += 1
        try:
            async with asyncio.timeout(10):
                message = json.loads(await connection.recv())
        except (TimeoutError, ValueError):
            return
        except Exception:  # the client went away before subscribing
            return
        refusal = self._refusal(message)
        if refusal is not None:
            await connection.send(json.dumps({"status": False, "message": refusal, "data": {}}, ensure_ascii=False))
            await connection.close()
            return
        topic, codes = next(iter(message["data"].items()))
        self.subscriptions.append({topic: list(codes)})
        await connection.send(json.dumps({"status": True, "message": "subscribed", "data": {}}))
        listener = asyncio.get_running_loop().create_task(self._listen(connection))
        try:
            await self._send(connection, str(message["token"]), topic, expand_codes(list(codes)))
        except Exception:  # the client went away  # noqa: S110
            pass
        finally:
            listener.cancel()

    def _refusal(self, message: Any) -> str | None:
        if not isinstance(message, dict) or message.get("action") != SUBSCRIBE_ACTION:
            return f"expected a {SUBSCRIBE_ACTION!r} action first"
        token, data = message.get("token"), message.get("data")
        if not isinstance(token, str) or not token or (self.tokens is not None and token not in self.tokens):
            return "token不对，请确认"
        if not isinstance(data, dict) or len(data) != 1:
            return "订阅数据格式错误: data must map one topic to its codes"
        topic, codes = next(iter(data.items()))
        if topic not in TOPICS or not isinstance(codes, list) or not codes:
            return f"订阅失败: unknown topic or no codes ({str(topic)[:40]})"
        if self.refuse_subscriptions:
            return "您没有订阅该主题的权限"
        return None

    async def _listen(self, connection: Any) -> None:
        async for text in connection:
            try:
                message = json.loads(text)
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("action") == PING_ACTION:
                self.pings += 1
                await connection.send(json.dumps({"status": True, "message": "pong", "data": {}}))

    async def _send(self, connection: Any, token: str, topic: str, codes: list[str]) -> None:
        cursor_key = (token, topic)
        n = max(0, self._cursors[cursor_key] - self.replay)
        sent_here = 0
        batch = max(1, int(self.rate / 50))
        while True:
            for _ in range(batch):
                if self.drop_after is not None and sent_here >= self.drop_after:
                    await connection.close()
                    return
                if self.stall_after is not None and sent_here >= self.stall_after:
                    connection.transport.pause_reading()
                    await connection.wait_closed()  # until the client gives up or the server stops
                    return
                if self.garbage_every and (self.sent + self.garbage_sent + 1) % self.garbage_every == 0:
                    self.garbage_sent += 1
                    await connection.send(_GARBAGE[self.garbage_sent % len(_GARBAGE)])
                    continue
                code = codes[n % len(codes)]
                frame = {"topic": topic, "code": code, "record": record(self.seed, topic, code, n // len(codes))}
                await connection.send(json.dumps({"status": True, "message": "", "data": frame}, ensure_ascii=False))
                n += 1
                sent_here += 1
                self.sent += 1
                self._cursors[cursor_key] = max(self._cursors[cursor_key], n)
            await asyncio.sleep(batch / self.rate)

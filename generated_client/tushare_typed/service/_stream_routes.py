"""The streaming routes: ``GET /v1/stream/{topic}`` (Server-Sent Events) and ``WS /v1/stream/{topic}/ws``, both fed
by the :class:`~._fanout.Hub` (one upstream per topic and code set).

``codes`` is a comma-separated query parameter. The ``X-MCP-Token`` key is checked before anything streams (the
admission middleware does it for SSE; the WebSocket route before accepting, closing with 4401 otherwise). Each
client gets its own bounded buffer and a writer that sends what has accumulated in one write; a write that does not
complete within ``write_timeout`` (a client that stopped reading) ends that client's connection. Events:
``event: record`` with the record as JSON, ``event: lagged`` when the client fell ``buffer`` records behind and was
dropped, ``event: end`` (with the error, if any) when the upstream stops; a comment line every ``heartbeat``
seconds keeps proxies from closing an idle stream. Over WebSocket the same as JSON messages ``{"event", "data"}``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Depends, FastAPI, Path, Query, WebSocket
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..errors import ParameterError, TushareError
from ._errors import error_payload
from ._fanout import Ended, Hub, Lagged, Subscription
from ._keys import HEADER, authenticate_async
from ._state import Service

__all__ = ["Encoded", "EventStream", "add_stream_routes", "encoded", "event_of"]

WRITE_TIMEOUT: Final = 10.0
HEARTBEAT: Final = 15.0
_BATCH: Final = 256
_MAX_CODES: Final = 1000
_STREAM_DOC: Final[dict[str, Any]] = {
    "description": "Server-Sent Events: record, lagged and end events (each data a JSON value), keep-alive comments",
    "content": {"text/event-stream": {"schema": {"type": "string"}}},
}
_CODES_QUERY: Final = Query(max_length=12 * _MAX_CODES, description="Comma-separated codes, e.g. 000001.SZ,600000.SH")


@dataclass(frozen=True, slots=True)
class Encoded:
    """A record's JSON text and its SSE event, made once by the hub for every subscriber (``Hub(encode=encoded)``)."""

    json: str
    sse: bytes


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def encoded(record: Any) -> Encoded:
    """A record (a NamedTuple, a dict, plain data) as :class:`Encoded` JSON."""
    as_dict = getattr(record, "_asdict", None)
    text = _json(as_dict() if callable(as_dict) else record)
    return Encoded(text, f"event: record\ndata: {text}\n\n".encode())


def event_of(item: Any) -> tuple[str, str]:
    """(event name, JSON text of its data) of a subscription's item."""
    if isinstance(item, Lagged):
        return "lagged", _json({"buffer": item.buffer, "message": f"dropped: more than {item.buffer} records behind"})
    if isinstance(item, Ended):
        return "end", _json(None if item.error is None else error_payload(item.error, None))
    return "record", (item if isinstance(item, Encoded) else encoded(item)).json


def _sse(items: list[Any]) -> bytes:
    return b"".join(item.sse if isinstance(item, Encoded) else _sse_event(item) for item in items)


def _sse_event(item: Any) -> bytes:
    name, data = event_of(item)
    return f"event: {name}\ndata: {data}\n\n".encode()


def _codes(text: str) -> list[str]:
    codes = [part.strip().upper() for part in text.split(",") if part.strip()]
    if not codes or len(codes) > _MAX_CODES:
        raise ParameterError(f"{len(codes)} codes", remediation=f"Pass 1 to {_MAX_CODES} comma-separated codes.")
    return codes


async def _batches(subscription: Subscription, heartbeat: float) -> AsyncIterator[list[Any]]:
    """What the subscriber has, a batch at a time (an empty batch when ``heartbeat`` passes without a record)."""
    while True:
        try:
            await asyncio.wait_for(subscription.wait(), heartbeat)
        except TimeoutError:
            yield []
            continue
        batch = subscription.drain(_BATCH)
        yield batch
        if isinstance(batch[-1], Lagged | Ended):
            return


class EventStream(Response):
    """A response streaming a subscription as SSE, each write bounded by ``write_timeout``."""

    media_type = "text/event-stream"

    def __init__(self, hub: Hub, subscription: Subscription, write_timeout: float, heartbeat: float) -> None:
        super().__init__(status_code=200, media_type=self.media_type)
        self.hub, self.subscription = hub, subscription
        self.write_timeout, self.heartbeat = write_timeout, heartbeat

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"text/event-stream; charset=utf-8"), (b"x-accel-buffering", b"no")]
        try:
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            async for batch in _batches(self.subscription, self.heartbeat):
                chunk = _sse(batch) if batch else b": keep-alive\n\n"
                message = {"type": "http.response.body", "body": chunk, "more_body": True}
                await asyncio.wait_for(send(message), self.write_timeout)
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except TimeoutError:
            return  # the client stopped reading: its connection is dropped, nobody else waited
        finally:
            self.hub.unsubscribe(self.subscription)


def add_stream_routes(
    app: FastAPI,
    service: Service,
    hub: Hub,
    *,
    write_timeout: float = WRITE_TIMEOUT,
    heartbeat: float = HEARTBEAT,
    caller: Callable[..., Any],
    documented: dict[int | str, dict[str, Any]] | None = None,
) -> None:
    """``caller`` is the app's dependency that documents (and requires) the API key on HTTP routes."""

    @app.get(
        "/v1/stream/{topic}",
        operation_id="streamTopic",
        summary="Stream a topic's records (Server-Sent Events)",
        dependencies=[Depends(caller)],
        responses={**(documented or {}), 200: _STREAM_DOC},
    )
    async def stream(topic: Annotated[str, Path(max_length=64)], codes: Annotated[str, _CODES_QUERY]) -> EventStream:
        return EventStream(hub, hub.subscribe(topic, _codes(codes)), write_timeout, heartbeat)

    @app.websocket("/v1/stream/{topic}/ws")
    async def stream_ws(websocket: WebSocket, topic: str, codes: str = "") -> None:
        try:
            db, _, _ = service.parts()
            await authenticate_async(db, websocket.headers.get(HEADER))
            subscription = hub.subscribe(topic, _codes(codes))
        except TushareError as error:
            await websocket.close(code=4401 if error.category == "AUTH" else 4400, reason=error.code)
            return
        try:
            await websocket.accept()
            async for batch in _batches(subscription, heartbeat):
                for item in batch or [None]:
                    name, data = event_of(item) if item is not None else ("heartbeat", "null")
                    text = f'{{"event":"{name}","data":{data}}}'
                    await asyncio.wait_for(websocket.send_text(text), write_timeout)
            await websocket.close()
        except (TimeoutError, RuntimeError, OSError):
            return  # gone or not reading
        finally:
            hub.unsubscribe(subscription)

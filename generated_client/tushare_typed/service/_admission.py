"""Admission of a request, before the app sees it: the API key first, then a bounded body, then a life tied to the
client's.

- the ``X-MCP-Token`` key is checked before a byte of the body is read (401 at once, whatever follows);
- the body is read here, counted as it arrives: a ``Content-Length`` above ``max_body_bytes`` is refused at once,
  a body growing past it is refused when it does (413, the rest never read), a body arriving slower than
  ``body_read_timeout`` is refused (408); the app gets the buffered body, so FastAPI never parses more;
- once the body is in, the client's going away cancels the request (its execution-log row is still written).

``/healthz``, ``/readyz``, ``/metrics``, ``/openapi.json`` and CORS preflights need no key and carry no body.
"""

from __future__ import annotations

import asyncio
from typing import Final

from starlette.responses import JSONResponse

from ..errors import ParameterError, TushareError
from ._errors import error_headers, error_payload, http_status
from ._keys import HEADER, authenticate_async
from ._observability import ASGIApp, Message, Receive, Scope, Send, current_context
from ._state import Service

__all__ = ["PUBLIC_PATHS", "AdmissionMiddleware", "BodyTooLargeError", "BodyTooSlowError"]

PUBLIC_PATHS: Final = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.json"})
_KEY_HEADER: Final = HEADER.lower().encode()


class BodyTooLargeError(ParameterError):
    """The request body is larger than the service accepts (HTTP 413)."""

    default_code = "PARAM-110"


class BodyTooSlowError(ParameterError):
    """The request body arrived too slowly (HTTP 408)."""

    default_code = "PARAM-111"


_STATUS: Final[dict[type[TushareError], int]] = {BodyTooLargeError: 413, BodyTooSlowError: 408}


class _ClientGone(Exception):
    """The client disconnected while sending its body: there is nobody to answer."""


async def _refuse(error: TushareError, scope: Scope, receive: Receive, send: Send) -> None:
    context = current_context()
    context.status = "ERROR"
    status = _STATUS.get(type(error)) or http_status(error)
    # The body (if any) is never read: the connection closes rather than draining it.
    headers = {**(error_headers(error) or {}), "Connection": "close"}
    reply = JSONResponse(error_payload(error, context.request_id), status_code=status, headers=headers)
    await reply(scope, receive, send)


class AdmissionMiddleware:
    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        try:
            headers = dict(scope["headers"])
            presented = headers.get(_KEY_HEADER)
            db, _, _ = self.service.parts()
            caller = await authenticate_async(db, presented.decode("latin-1") if presented is not None else None)
            current_context().owner = caller.owner
            scope.setdefault("state", {})["caller"] = caller
            body = await self._body(headers.get(b"content-length"), receive)
        except TushareError as error:
            await _refuse(error, scope, receive, send)
            return
        except _ClientGone:
            current_context().client_gone = True
            return
        await _run_tied_to_client(self.app, scope, body, receive, send)

    async def _body(self, declared: bytes | None, receive: Receive) -> bytes:
        limit = self.service.config.max_body_bytes
        too_large = BodyTooLargeError(
            f"the request body is larger than {limit} bytes",
            remediation="send a smaller body: fewer parameters, shorter values, or several requests",
        )
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            raise too_large
        chunks: list[bytes] = []
        size = 0
        timeout = self.service.config.body_read_timeout
        try:
            async with asyncio.timeout(timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        raise _ClientGone
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > limit:
                        raise too_large
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError:
            raise BodyTooSlowError(
                f"the request body did not arrive within {timeout:g} s", remediation="send the body at once"
            ) from None


async def _run_tied_to_client(app: ASGIApp, scope: Scope, body: bytes, receive: Receive, send: Send) -> None:
    """Run the app on the buffered ``body``; cancel it when the client disconnects before the reply is complete."""
    gone = asyncio.Event()
    delivered = False
    completed = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def tracked_send(message: Message) -> None:
        nonlocal completed
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            completed = True
        await send(message)

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    async def serve() -> None:
        await app(scope, replay, tracked_send)

    watcher = asyncio.create_task(watch())
    serving = asyncio.create_task(serve())
    try:
        await asyncio.wait({serving, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if not serving.done() and gone.is_set() and not completed:
            current_context().client_gone = True
            serving.cancel()
        try:
            await serving
        except asyncio.CancelledError:
            if not current_context().client_gone:
                raise
    finally:
        for task in (watcher, serving):
            task.cancel()
        await asyncio.gather(watcher, serving, return_exceptions=True)

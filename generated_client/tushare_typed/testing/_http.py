"""The emulator's HTTP face: parsing a tushare request, encoding a reply, and the request handler class."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import socket
    from http.server import BaseHTTPRequestHandler

    from ._emulator import TushareEmulator


def parse_request(path: str, body: bytes) -> tuple[dict[str, Any], str | None]:
    import json

    path_api = path.rstrip("/").rpartition("/dataapi/")[2] if "/dataapi/" in path else ""
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        return {"api_name": path_api}, "the body is not JSON"
    if not isinstance(request, dict):
        return {"api_name": path_api}, "the body is not a JSON object"
    if not request.get("api_name"):
        request["api_name"] = path_api
    if not request["api_name"]:
        return request, "api_name is missing"
    if request.get("params") is not None and not isinstance(request["params"], dict):
        return request, "params must be an object"
    return request, None


def error_reply(code: int, msg: str) -> dict[str, Any]:
    return {"request_id": "", "code": code, "msg": msg, "data": None}


def encode_reply(payload: dict[str, Any]) -> bytes:
    import json
    import uuid

    payload["request_id"] = uuid.uuid4().hex
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def shutdown_socket(conn: socket.socket) -> None:
    import socket as socket_module

    with contextlib.suppress(OSError):  # already closed by the peer
        conn.shutdown(socket_module.SHUT_RDWR)


_SERVED_PATHS: Final = ("/", "/dataapi")
#: The largest request body read: far above any real request (codes and parameters are capped well below it).
_MAX_BODY: Final = 1 << 20


def make_handler(emulator: TushareEmulator) -> type[BaseHTTPRequestHandler]:
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as httpx uses it
        server_version = "TushareEmulator/1"

        def setup(self) -> None:
            super().setup()
            emulator._track(self.connection, True)

        def finish(self) -> None:
            try:
                super().finish()
            finally:
                emulator._track(self.connection, False)

        def do_POST(self) -> None:
            path = self.path.split("?", 1)[0]
            length = int(self.headers.get("Content-Length") or 0)
            if length > _MAX_BODY:
                # Read nothing more: answer as the server answers bad parameters, then drop the connection.
                self.close_connection = True
                self._send(200, encode_reply(error_reply(-2001, f"请求过大: {length} 字节 (最多 {_MAX_BODY})")))
                return
            body = self.rfile.read(length)
            if not (path in _SERVED_PATHS or path.startswith("/dataapi/")):
                self._send(404, b'{"error": "not found"}')
                return
            reply = emulator.handle(path, body)
            if reply.fault == "drop":
                # Close without a byte of reply: the client sees the connection die mid-request.
                self.close_connection = True
                shutdown_socket(self.connection)
                return
            if reply.delay:
                time.sleep(reply.delay)
            body_out = reply.body[: len(reply.body) // 2] if reply.fault == "truncate" else reply.body
            self._send(reply.status, body_out)

        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] == "/_emulator/stats":
                import json

                self._send(200, json.dumps(emulator.stats()).encode())
            else:
                self._send(404, b'{"error": "not found"}')

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # tests read the emulator's counts, not a log on stderr

    return Handler

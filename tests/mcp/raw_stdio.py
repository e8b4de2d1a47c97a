"""`python -m tushare_typed.mcp` in its own process, spoken to in raw lines, as a hostile client would."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from typing import IO, Any

#: Seconds to wait for one answer; a server that drops a message fails the test instead of hanging it.
ANSWER_TIMEOUT = 15.0
INITIALIZE = {
    "protocolVersion": "2025-06-18",
    "capabilities": {},
    "clientInfo": {"name": "raw-test", "version": "1"},
}


class RawStdioServer:
    """The server process; :meth:`send` writes one line, :meth:`receive` reads the next answer."""

    def __init__(self, env: dict[str, str], errlog: IO[str], *args: str) -> None:
        command = [sys.executable, "-m", "tushare_typed.mcp", *args]
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errlog, env=env
        )
        self._answers: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._answers.put(line)
        self._answers.put(b"")

    def send(self, line: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + b"\n")
        self.process.stdin.flush()

    def receive(self) -> tuple[dict[str, Any], int]:
        """The next message from the server and its size in bytes."""
        try:
            line = self._answers.get(timeout=ANSWER_TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no answer within {ANSWER_TIMEOUT} seconds") from None
        assert line, "the server closed its stdout"
        message: dict[str, Any] = json.loads(line)
        return message, len(line)

    def request(self, request_id: int, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(json.dumps(message).encode())
        answer, _ = self.receive()
        assert answer.get("id") == request_id, answer
        return answer

    def initialize(self) -> None:
        assert "result" in self.request(0, "initialize", INITIALIZE)
        self.send(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}')

    def tool_names(self, request_id: int) -> list[str]:
        """tools/list, answered: the names of the tools."""
        return [tool["name"] for tool in self.request(request_id, "tools/list")["result"]["tools"]]

    def close(self) -> int:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            return self.process.wait(timeout=ANSWER_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise

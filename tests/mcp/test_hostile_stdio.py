"""End to end: the stdio server answers every malformed request with a JSON-RPC error (and its id when it has one),
keeps serving after each, logs what it refused, and never lets an unbounded value through to tushare or back into
an error."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tushare_typed.mcp.bounds import MAX_ARGUMENT_CHARS
from tushare_typed.testing import TushareEmulator

from .raw_stdio import RawStdioServer
from .tool_names import DISCOVERY_TOOLS

pytestmark = pytest.mark.timeout(60)

HUGE = 20 * 1024 * 1024  # bytes: far over the default --max-request-bytes (1 MiB)


def call(request_id: int, tool: str, arguments: str) -> bytes:
    """A tools/call line whose arguments are the raw JSON text `arguments`."""
    envelope = f'{{"jsonrpc": "2.0", "id": {request_id}, "method": "tools/call", "params": {{"name": "{tool}", '
    return f'{envelope}"arguments": {arguments}}}}}'.encode()


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# (line, the error code, the id it is answered with)
MALFORMED: dict[str, tuple[bytes, int, int | None]] = {
    "lone surrogate in an argument": (call(1, "describe_interface", '{"api_name": "da\\ud800ily"}'), -32602, 1),
    "batch": (b'[{"jsonrpc": "2.0", "id": 2, "method": "tools/list"}]', -32600, 2),
    "missing jsonrpc": (b'{"id": 3, "method": "tools/list"}', -32600, 3),
    "jsonrpc 1.0": (b'{"jsonrpc": "1.0", "id": 4, "method": "tools/list"}', -32600, 4),
    "method not a string": (b'{"jsonrpc": "2.0", "id": 5, "method": 5}', -32600, 5),
    "method missing": (b'{"jsonrpc": "2.0", "id": 6}', -32600, 6),
    "params an array": (b'{"jsonrpc": "2.0", "id": 7, "method": "tools/list", "params": [1]}', -32602, 7),
    "params a string": (b'{"jsonrpc": "2.0", "id": 8, "method": "tools/list", "params": "x"}', -32602, 8),
    "nested 300 deep": (call(9, "describe_interface", f'{{"api_name": {nested(300)}}}'), -32602, 9),
    "nested 100000 deep": (call(10, "describe_interface", f'{{"api_name": {nested(100_000)}}}'), -32602, 10),
    "not JSON": (b"hello", -32700, None),
    "cut short": (b'{"jsonrpc": "2.0", "id": 11, "method": "tools/list",', -32700, 11),
    "not UTF-8": (call(12, "describe_interface", '{"api_name": "@"}').replace(b"@", b"\xff"), -32700, 12),
    "a number as id": (b'{"jsonrpc": "2.0", "id": 1.5, "method": "tools/list"}', -32600, None),
    "a JSON string": (b'"tools/list"', -32600, None),
    "an empty batch": (b"[]", -32600, None),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RawStdioServer, Path]]:
    """One server for the malformed lines (they never reach tushare, so nothing listens at its API address)."""
    home = tmp_path_factory.mktemp("hostile")
    env = {
        **os.environ,
        "TUSHARE_TOKEN": "unused",
        "TUSHARE_API_URL": "http://127.0.0.1:9",
        "XDG_CONFIG_HOME": str(home),
    }
    log = home / "server.log"
    with log.open("w") as errlog:
        running = RawStdioServer(env, errlog)
        running.initialize()
        yield running, log
        assert running.close() == 0


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_request_is_answered_and_the_server_keeps_serving(
    server: tuple[RawStdioServer, Path], case: str
) -> None:
    running, log = server
    line, code, request_id = MALFORMED[case]
    running.send(line)
    answer, _ = running.receive()
    assert answer["jsonrpc"] == "2.0"
    assert (answer["id"], answer["error"]["code"]) == (request_id, code), answer
    assert "result" not in answer
    assert len(answer["error"]["message"]) < 400
    assert running.tool_names(1000) == DISCOVERY_TOOLS
    assert f"error {code}, id {'null' if request_id is None else request_id}:" in log.read_text()


def test_a_batch_answers_each_of_its_requests(server: tuple[RawStdioServer, Path]) -> None:
    running, _ = server
    batch = [
        {"jsonrpc": "2.0", "id": 21, "method": "tools/list"},
        {"jsonrpc": "2.0", "method": "notifications/progress"},  # a notification: never answered
        7,
        {"jsonrpc": "2.0", "id": "twenty-two", "method": "ping"},
    ]
    running.send(json.dumps(batch).encode())
    answers = [running.receive()[0] for _ in range(3)]
    assert [(answer["id"], answer["error"]["code"]) for answer in answers] == [
        (21, -32600),
        ("twenty-two", -32600),
        (None, -32600),
    ]
    assert running.tool_names(1001) == DISCOVERY_TOOLS  # the next line answers this, not a stray error


def test_a_malformed_notification_is_logged_not_answered(server: tuple[RawStdioServer, Path]) -> None:
    running, log = server
    running.send(b'{"jsonrpc": "2.0", "method": "notifications/cancelled", "params": [1]}')
    running.send(b'{"jsonrpc": "2.0", "result": {}}')  # a response without an id
    assert running.tool_names(1002) == DISCOVERY_TOOLS
    assert log.read_text().count("not answered (a notification or response)") >= 2


def test_a_message_over_the_size_limit_is_answered_without_reading_it_whole(
    server: tuple[RawStdioServer, Path],
) -> None:
    running, _ = server
    line = call(31, "describe_interface", '{"api_name": "' + "a" * HUGE + '"}')
    running.send(line)
    answer, size = running.receive()
    assert (answer["id"], answer["error"]["code"]) == (31, -32600)
    assert f"holds {len(line)} bytes, more than the 1048576" in answer["error"]["message"]
    assert "--max-request-bytes" in answer["error"]["message"]
    assert size < 500
    assert running.tool_names(1003) == DISCOVERY_TOOLS


# --- what reaches tushare ------------------------------------------------------------------------------------------


@pytest.fixture
def upstream_server(tushare_emulator: TushareEmulator, tmp_path: Path) -> Iterator[RawStdioServer]:
    """A discovery-mode server calling the emulator (the fixture points TUSHARE_API_URL and TUSHARE_TOKEN at it)."""
    with (tmp_path / "server.log").open("w") as errlog:
        running = RawStdioServer({**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}, errlog)
        running.initialize()
        yield running
        assert running.close() == 0


def tool_text(answer: dict[str, object]) -> str:
    result = answer["result"]
    assert isinstance(result, dict) and result["isError"] is True, answer
    (content,) = result["content"]
    return str(content["text"])


def test_a_huge_api_name_comes_back_as_a_short_error(
    upstream_server: RawStdioServer, tushare_emulator: TushareEmulator
) -> None:
    long_name = "x" * (MAX_ARGUMENT_CHARS - 96)  # within the bounds, so the lookup itself reports it
    upstream_server.send(call(41, "describe_interface", json.dumps({"api_name": long_name})))
    unknown, unknown_size = upstream_server.receive()
    upstream_server.send(call(42, "call_interface", json.dumps({"api_name": "y" * 1_000_000})))
    oversized, oversized_size = upstream_server.receive()
    upstream_server.send(call(43, "call_interface", '{"api_name": "' + "z" * HUGE + '"}'))
    refused, refused_size = upstream_server.receive()
    assert f"no interface {'x' * 40!r}... ({len(long_name)} characters)" in tool_text(unknown)
    assert "api_name: holds 1000000 characters of text, more than the 4096" in tool_text(oversized)
    assert (refused["id"], refused["error"]["code"]) == (43, -32600)
    assert max(unknown_size, oversized_size, refused_size) < 1000
    assert tushare_emulator.calls() == 0
    assert upstream_server.tool_names(44) == DISCOVERY_TOOLS


def test_a_huge_ts_code_never_reaches_tushare(
    upstream_server: RawStdioServer, tushare_emulator: TushareEmulator
) -> None:
    codes = ",".join(["000001.SZ"] * 10_000)  # 99,999 characters: within the message limit, over an argument's
    upstream_server.send(call(51, "call_interface", json.dumps({"api_name": "daily", "params": {"ts_code": codes}})))
    via_params = tool_text(upstream_server.receive()[0])
    upstream_server.send(call(52, "pro_bar", json.dumps({"ts_code": codes})))
    direct = tool_text(upstream_server.receive()[0])
    upstream_server.send(
        call(53, "call_interface", '{"api_name": "daily", "params": {"ts_code": "' + "1" * HUGE + '"}}')
    )
    refused = upstream_server.receive()[0]
    upstream_server.send(
        call(54, "call_interface", '{"api_name": "daily", "params": {"ts_code": "000001.SZ"}, "max_rows": 1}')
    )
    fine = upstream_server.receive()[0]
    assert "params.ts_code: holds 99999 characters of text" in via_params
    assert "ts_code: holds 99999 characters of text" in direct
    assert (refused["id"], refused["error"]["code"]) == (53, -32600)
    assert fine["result"]["structuredContent"]["row_count"] == 1
    assert [(record.api_name, record.params.get("ts_code")) for record in tushare_emulator.records] == [
        ("daily", "000001.SZ")
    ]

"""Checking each line a stdio client sends before the MCP SDK reads it.

The SDK's stdio reader drops a line it cannot validate as a JSON-RPC message, without an answer or a log line, so a
client waiting on that request's id waits forever. :func:`check_line` sees every line first: a message the SDK
accepts passes through unchanged; anything else becomes :class:`Rejection`\\ s, the JSON-RPC errors to answer
(-32700 parse error, -32600 invalid request, -32602 invalid params), each with the request's id when it can be told
(``null`` when not). Notifications and responses are never answered, only logged. A message longer than the limit
is answered by :func:`oversized` from its first bytes. Sans-IO and free of the SDK: :mod:`.guarded_stdin` reads the
lines, and :mod:`.server` passes the SDK's own validation in as `validate`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from .bounds import shorten

__all__ = [
    "ENVELOPE_SCAN_BYTES",
    "INVALID_PARAMS",
    "INVALID_REQUEST",
    "MAX_DEPTH",
    "PARSE_ERROR",
    "Rejection",
    "Validate",
    "check_line",
    "oversized",
]

PARSE_ERROR: Final = -32700
INVALID_REQUEST: Final = -32600
INVALID_PARAMS: Final = -32602
#: Levels of nesting a message may have: tool arguments need four, and the SDK's parser refuses a few hundred.
MAX_DEPTH: Final = 64
#: Characters of a method name (the SDK repeats an unknown one in its error).
MAX_METHOD_CHARS: Final = 256
#: Bytes at the start of a message searched for its id when the message as a whole cannot be read.
ENVELOPE_SCAN_BYTES: Final = 64 * 1024
_BATCH: Final = "Invalid request: MCP has no batches; send each message on its own line"
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_SPACE: Final = re.compile(r"[ \t\n\r]*")
_STRUCTURE: Final = re.compile(r'["\[\]{}]')
_DECODER: Final = json.JSONDecoder()

RequestId = str | int
#: The SDK's validation of a line: None when it accepts the line, else what is wrong.
Validate = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Rejection:
    """A message the SDK would drop: the JSON-RPC error to send (`answer`) or only to log (not `answer`)."""

    id: RequestId | None
    code: int
    message: str
    answer: bool = True


def check_line(line: bytes, validate: Validate) -> str | list[Rejection]:
    """The text to hand the SDK, or what to answer instead; a blank line is neither."""
    if not line.strip():
        return []
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        found = _request_id(line[:ENVELOPE_SCAN_BYTES].decode("utf-8", "replace"))
        where = f"byte 0x{line[error.start]:02x} at offset {error.start}"
        return [Rejection(found, PARSE_ERROR, f"Parse error: the message is not UTF-8 ({where})")]
    try:
        message = json.loads(text)
    except RecursionError:
        deep = f"Invalid params: the message is nested deeper than {MAX_DEPTH} levels"
        return [Rejection(_request_id(text), INVALID_PARAMS, deep)]
    except ValueError as error:
        found = _request_id(text)
        return [Rejection(found, PARSE_ERROR, f"Parse error: the line is not JSON ({_position(error)})")]
    if isinstance(message, list):
        return _batch(message)
    rejection = _check(message)
    if rejection is None:
        problem = validate(text)
        if problem is None:
            return text
        request_id, answer = _identity(message)
        rejection = Rejection(request_id, INVALID_REQUEST, f"Invalid request: {shorten(problem, 200)}", answer)
    return [rejection]


def oversized(start: bytes, size: int, limit: int) -> Rejection:
    """The answer to a message of `size` bytes, more than `limit`, of which only `start` was kept."""
    message = (
        f"Invalid request: the message holds {size} bytes, more than the {limit} the server accepts; send a "
        "smaller one (fewer codes or fields per call) or start the server with a larger --max-request-bytes"
    )
    return Rejection(_request_id(start[:ENVELOPE_SCAN_BYTES].decode("utf-8", "replace")), INVALID_REQUEST, message)


def _position(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at character {error.pos}"
    return str(error)


def _valid_id(value: Any) -> RequestId | None:
    if isinstance(value, str) and not _SURROGATE.search(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _identity(message: dict[str, Any]) -> tuple[RequestId | None, bool]:
    """The message's id (None if absent or unusable), and whether an error about it is answered: yes for a request
    or a message that is none of request, notification, response; no for a notification or a response."""
    response = "method" not in message and ("result" in message or "error" in message)
    return _valid_id(message.get("id")), not response and ("id" in message or "method" not in message)


def _batch(items: list[Any]) -> list[Rejection]:
    """A batch: the answer to each of its requests, with its id, and one for those without a usable id."""
    if not items:
        return [Rejection(None, INVALID_REQUEST, "Invalid request: an empty batch")]
    rejections: list[Rejection] = []
    anonymous = False
    for item in items:
        request_id, answer = _identity(item) if isinstance(item, dict) else (None, True)
        if answer and request_id is not None:
            rejections.append(Rejection(request_id, INVALID_REQUEST, _BATCH))
        anonymous |= answer and request_id is None
    if anonymous:
        rejections.append(Rejection(None, INVALID_REQUEST, _BATCH))
    return rejections or [Rejection(None, INVALID_REQUEST, _BATCH, answer=False)]


def _check(message: Any) -> Rejection | None:
    """What is wrong with one parsed message that the SDK would only drop; None when nothing is."""
    if not isinstance(message, dict):
        return Rejection(None, INVALID_REQUEST, f"Invalid request: a message is a JSON object, not {_kind(message)}")
    request_id, answer = _identity(message)

    def refuse(code: int, problem: str) -> Rejection:
        prefix = "Invalid params" if code == INVALID_PARAMS else "Invalid request"
        return Rejection(request_id, code, f"{prefix}: {problem}", answer)

    if message.get("jsonrpc") != "2.0":
        given = f"got {_kind(message['jsonrpc'])}" if "jsonrpc" in message else "it is missing"
        return refuse(INVALID_REQUEST, f'"jsonrpc" must be "2.0" ({given})')
    if "id" in message and request_id is None:
        return refuse(INVALID_REQUEST, f'"id" must be a string or an integer, got {_kind(message["id"])}')
    if "method" in message or answer:
        method = message.get("method")
        if not isinstance(method, str):
            given = f"got {_kind(method)}" if "method" in message else "it is missing"
            return refuse(INVALID_REQUEST, f'"method" must be a string ({given})')
        if len(method) > MAX_METHOD_CHARS or _SURROGATE.search(method):
            return refuse(INVALID_REQUEST, f"no method {shorten(method)}")
        if not isinstance(message.get("params", {}), dict):
            return refuse(INVALID_PARAMS, f'"params" must be an object, got {_kind(message["params"])}')
    found = _content_problem(message)
    if found is not None:
        path, problem = found
        return refuse(INVALID_PARAMS if path.startswith("params") else INVALID_REQUEST, f"{path} {problem}")
    return None


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {shorten(value)}"
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    kinds = {int: "an integer", float: "a number", list: "an array", dict: "an object"}
    return next((text for kind, text in kinds.items() if isinstance(value, kind)), type(value).__name__)


def _content_problem(message: dict[str, Any]) -> tuple[str, str] | None:
    """Where a message nests deeper than :data:`MAX_DEPTH` or holds a lone surrogate (which no UTF-8 text can
    carry), and which of the two; None when neither."""
    pending: list[tuple[Any, str, int]] = [(value, key, 1) for key, value in message.items()]
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            return re.split(r"[.\[]", path, maxsplit=1)[0], f"is nested deeper than {MAX_DEPTH} levels"
        if isinstance(value, str) and _SURROGATE.search(value):
            return path, "holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its pair)"
        if isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    return path, "has a key with a lone UTF-16 surrogate"
                pending.append((item, f"{path}.{key if len(key) <= 40 else shorten(key)}", depth + 1))
        elif isinstance(value, list):
            pending += [(item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value)]
    return None


# --- the id of a message that cannot be parsed whole -------------------------------------------------------------


def _request_id(text: str) -> RequestId | None:
    """The id of the JSON object `text` starts, when its top level is well-formed up to the id."""
    value = _top_level(text[:ENVELOPE_SCAN_BYTES]).get("id")
    return _valid_id(value)


def _top_level(text: str) -> dict[str, Any]:
    """The scalar members of the object `text` starts, read until the first thing that is not well-formed: nested
    values are skipped bracket by bracket, never parsed, so any depth costs one pass."""
    members: dict[str, Any] = {}
    position = _skip_space(text, 0)
    if not text.startswith("{", position):
        return members
    position += 1
    try:
        while text.startswith('"', position := _skip_space(text, position)):
            key, position = _DECODER.raw_decode(text, position)
            position = _skip_space(text, position)
            if not text.startswith(":", position):
                break
            position = _skip_space(text, position + 1)
            if text.startswith(("{", "["), position):
                position = _skip_nested(text, position)
            else:
                value, position = _DECODER.raw_decode(text, position)
                members.setdefault(key, value)
            position = _skip_space(text, position)
            if not text.startswith(",", position):
                break
            position += 1
    except ValueError:
        pass
    return members


def _skip_space(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


def _skip_nested(text: str, position: int) -> int:
    """The position after the array or object starting at `position`; ValueError when it does not end."""
    depth = 0
    while match := _STRUCTURE.search(text, position):
        position = match.end()
        char = match.group()
        if char == '"':
            _, position = _DECODER.raw_decode(text, position - 1)
        elif char in "[{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return position
    raise ValueError("unterminated")

"""framing.py without a process: which lines pass to the SDK, and what the others are answered with."""

from __future__ import annotations

import json

import pytest

from tushare_typed.mcp.framing import (
    ENVELOPE_SCAN_BYTES,
    INVALID_PARAMS,
    INVALID_REQUEST,
    PARSE_ERROR,
    Rejection,
    Validate,
    check_line,
    oversized,
)

pytestmark = pytest.mark.timeout(30)

REQUEST = b'{"jsonrpc": "2.0", "id": 7, "method": "tools/list"}'


def accept(line: str) -> str | None:
    return None


def rejections(line: bytes, validate: Validate = accept) -> list[Rejection]:
    verdict = check_line(line, validate)
    assert isinstance(verdict, list), verdict
    return verdict


def test_a_valid_line_passes_unchanged_and_a_blank_one_is_skipped() -> None:
    assert check_line(REQUEST + b"\n", accept) == REQUEST.decode() + "\n"
    assert check_line(b"  \r\n", accept) == []


def test_what_the_sdk_refuses_is_answered_with_its_reason_and_the_id() -> None:
    def refuse(line: str) -> str:
        return "params.name: Field required " + "x" * 1000

    (rejection,) = rejections(REQUEST, refuse)
    assert (rejection.id, rejection.code, rejection.answer) == (7, INVALID_REQUEST, True)
    assert rejection.message.startswith("Invalid request: 'params.name: Field required xxx")
    assert len(rejection.message) < 300


@pytest.mark.parametrize(
    ("line", "request_id"),
    [
        (b'{"jsonrpc": "2.0", "id": "a", "method": "x", "params": {"deep": [[[', "a"),
        (b'{"params": {"k": "}]\\"{"}, "id": 9, "method": "x" trailing', 9),
        (b'{"jsonrpc": "2.0", "params": [' + b"[" * 50 + b', "id": 3}', None),
        (b'{"id": true, "jsonrpc": "2.0",', None),
        (b'{"id": "\\ud800", "method": ', None),
        (b"[1, 2", None),
    ],
)
def test_a_line_that_is_not_json_is_a_parse_error_with_the_id_when_it_can_be_read(
    line: bytes, request_id: str | int | None
) -> None:
    (rejection,) = rejections(line)
    assert (rejection.id, rejection.code, rejection.answer) == (request_id, PARSE_ERROR, True)


def test_nesting_past_the_parser_is_refused_with_the_id() -> None:
    line = b'{"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    (rejection,) = rejections(line)
    assert (rejection.id, rejection.code) == (4, INVALID_PARAMS)


def test_lone_surrogates_are_refused_where_they_are() -> None:
    in_params = b'{"jsonrpc": "2.0", "id": 1, "method": "m", "params": {"a": ["ok", "\\udc00"]}}'
    in_method = b'{"jsonrpc": "2.0", "id": 2, "method": "m\\ud800"}'
    in_key = b'{"jsonrpc": "2.0", "id": 3, "method": "m", "params": {"\\ud800": 1}}'
    paired = b'{"jsonrpc": "2.0", "id": 4, "method": "m", "params": {"a": "\\ud83d\\ude00"}}'
    assert [(r.id, r.code) for line in (in_params, in_method, in_key) for r in rejections(line)] == [
        (1, INVALID_PARAMS),
        (2, INVALID_REQUEST),
        (3, INVALID_PARAMS),
    ]
    assert "params.a[1] holds a lone UTF-16 surrogate" in rejections(in_params)[0].message
    assert isinstance(check_line(paired, accept), str)  # a pair is one character, not a lone surrogate


def test_notifications_and_responses_are_logged_but_never_answered() -> None:
    for line in (
        b'{"jsonrpc": "2.0", "method": "notifications/x", "params": 5}',
        b'{"jsonrpc": "2.0", "method": 5}',
        b'{"jsonrpc": "2.0", "id": 1, "result": {"a": "\\ud800"}}',
        b'[{"jsonrpc": "2.0", "method": "notifications/x"}]',
    ):
        assert [rejection.answer for rejection in rejections(line)] == [False], line
    assert [r.answer for r in rejections(b'{"jsonrpc": "2.0"}')] == [True]  # none of the three: answered


def test_an_oversized_message_is_answered_with_the_id_from_its_start() -> None:
    start = b'{"jsonrpc": "2.0", "id": "big", "method": "tools/call", "params": {"name": "' + b"n" * ENVELOPE_SCAN_BYTES
    rejection = oversized(start, 5_000_000, 1_048_576)
    assert (rejection.id, rejection.code) == ("big", INVALID_REQUEST)
    assert "holds 5000000 bytes, more than the 1048576" in rejection.message
    assert oversized(b'{"params": {"a": "' + b"n" * ENVELOPE_SCAN_BYTES, 9_000_000, 1_048_576).id is None


def test_error_texts_repeat_only_a_prefix_of_the_values() -> None:
    long_method = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "m" * 100_000}).encode()
    long_version = json.dumps({"jsonrpc": "v" * 100_000, "id": 2, "method": "x"}).encode()
    for line in (long_method, long_version):
        (rejection,) = rejections(line)
        assert rejection.code == INVALID_REQUEST
        assert "(100000 characters)" in rejection.message and len(rejection.message) < 200

"""Decoding replies: valid pages, server errors, and malformed bodies (always a typed error)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from tushare_typed._internal.envelope import Envelope, Page, decode_envelope, decode_page
from tushare_typed.errors import (
    AuthError,
    MalformedReplyError,
    PermissionDeniedError,
    RateLimitError,
    ServerParameterError,
    TushareError,
    UnknownError,
)

from .fakes import RATE_MINUTE, reply, reply_bytes, synthetic_token


def _decode(body: bytes) -> Page:
    return decode_page(body, "daily", "local-rid")


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


# --- valid replies ----------------------------------------------------------------------------


def test_a_valid_reply_becomes_a_page() -> None:
    body = reply_bytes(
        fields=["ts_code", "trade_date", "close"],
        items=[["000001.SZ", "20240102", 9.21], ["000001.SZ", "20240103", None]],
        has_more=True,
    )
    page = _decode(body)
    assert page.fields == ("ts_code", "trade_date", "close")
    assert page.items == [["000001.SZ", "20240102", 9.21], ["000001.SZ", "20240103", None]]
    assert page.has_more is True
    assert page.count is None
    assert page.request_id == "server-rid"
    assert page.records()[1] == {"ts_code": "000001.SZ", "trade_date": "20240103", "close": None}


def test_the_local_request_id_stands_in_when_the_server_sends_none() -> None:
    assert _decode(reply_bytes(request_id=None)).request_id == "local-rid"
    assert _decode(reply_bytes(request_id="")).request_id == "local-rid"


def test_count_and_extra_keys() -> None:
    body = reply(items=[])
    body["data"]["count"] = 12
    body["data"]["future_key"] = [1, 2]
    body["extra"] = "ignored"
    page = _decode(_dump(body))
    assert page.count == 12
    assert page.items == []


def test_a_success_without_data_is_an_error_not_an_empty_page() -> None:
    # "No rows" would be a plausible, silently wrong answer: data null with code 0 is malformed.
    with pytest.raises(MalformedReplyError, match="data is null"):
        _decode(reply_bytes(data=False))


def test_pages_are_frozen() -> None:
    page = _decode(reply_bytes())
    with pytest.raises(AttributeError):
        page.has_more = None  # type: ignore[misc]


# --- server errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "msg", "cls"),
    [
        (40101, "您的token不对，请确认。", AuthError),
        (40203, RATE_MINUTE, RateLimitError),
        (2002, "没有权限", PermissionDeniedError),
        (-2001, "参数错误", ServerParameterError),
        (99, "?", UnknownError),
    ],
)
def test_nonzero_codes_raise_the_typed_error(code: int, msg: str, cls: type[TushareError]) -> None:
    with pytest.raises(cls) as caught:
        _decode(reply_bytes(code=code, msg=msg, request_id="srv-9"))
    assert caught.value.tushare_code == code
    assert caught.value.request_id == "srv-9"
    assert caught.value.api_name == "daily"


def test_a_server_error_wins_over_broken_data() -> None:
    body = {"code": 40101, "msg": "token不对", "data": {"fields": 3}}
    with pytest.raises(AuthError):
        _decode(_dump(body))


def test_a_missing_message_still_gives_a_clear_error() -> None:
    with pytest.raises(UnknownError, match="no message"):
        _decode(_dump({"code": 5}))


# --- malformed replies ------------------------------------------------------------------------

VALID = reply_bytes()
MALFORMED: dict[str, bytes] = {
    "empty": b"",
    "truncated": VALID[: len(VALID) // 2],
    "html": b"<html><body>502 Bad Gateway</body></html>",
    "not utf-8": b"\xff\xfe\x00garbage",
    "a list": b"[1, 2, 3]",
    "a string": b'"ok"',
    "a number": b"0",
    "null": b"null",
    "no code": _dump({"msg": "", "data": None}),
    "code as string": _dump({"code": "0", "data": None}),
    "code as bool": _dump({"code": False, "data": None}),
    "code as float": _dump({"code": 0.0, "data": None}),
    "huge code": b'{"code": 1' + b"0" * 40 + b', "data": null}',
    "number out of range": b'{"code": 0, "data": {"fields": ["a"], "items": [[1' + b"0" * 5000 + b"]]}}",
    "deep nesting": b'{"code": 0, "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "data a list": _dump({"code": 0, "data": []}),
    "no fields": _dump({"code": 0, "data": {"items": []}}),
    "fields not strings": _dump({"code": 0, "data": {"fields": [1], "items": [[1]]}}),
    "items not a list": _dump({"code": 0, "data": {"fields": ["a"], "items": {"a": 1}}}),
    "row not a list": _dump({"code": 0, "data": {"fields": ["a"], "items": [1]}}),
    "short row": _dump({"code": 0, "data": {"fields": ["a", "b"], "items": [[1]]}}),
    "long row": _dump({"code": 0, "data": {"fields": ["a"], "items": [[1, 2]]}}),
    "has_more a string": _dump({"code": 0, "data": {"fields": [], "items": [], "has_more": "yes"}}),
    "negative count": _dump({"code": 0, "data": {"fields": [], "items": [], "count": -1}}),
    "huge count": _dump({"code": 0, "data": {"fields": [], "items": [], "count": 10**30}}),
    "msg a number": _dump({"code": 0, "msg": 5, "data": None}),
    "request_id a number": _dump({"code": 0, "request_id": 5, "data": None}),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_replies_raise_malformed_reply_error(body: bytes) -> None:
    with pytest.raises(MalformedReplyError) as caught:
        _decode(body)
    error = caught.value
    assert error.code == "SERVICE-304"
    assert error.api_name == "daily"
    assert error.request_id == "local-rid"
    assert "could not be decoded" in error.message
    # Raised with `from None`: no pydantic traceback rides along.
    assert error.__suppress_context__ or error.__context__ is None


def test_the_error_names_the_problem_and_quotes_a_redacted_excerpt() -> None:
    token = synthetic_token()
    body = _dump({"code": "zero", "echo": token})
    with pytest.raises(MalformedReplyError) as caught:
        _decode(body)
    assert "code" in caught.value.message
    assert token not in str(caught.value)
    assert "***" in caught.value.message


# --- typed decoders ---------------------------------------------------------------------------


class _Daily(BaseModel):
    fields: list[str]
    items: list[tuple[str, float]]


def test_decode_envelope_validates_a_typed_data_model() -> None:
    body = reply_bytes(items=[["000001.SZ", 10.5]])
    decoded = decode_envelope(body, "daily", "local", Envelope[_Daily])
    assert decoded.request_id == "server-rid"
    assert decoded.data is not None
    assert decoded.data.items == [("000001.SZ", 10.5)]


def test_a_typed_model_mismatch_is_a_malformed_reply() -> None:
    body = reply_bytes(items=[["000001.SZ", "not a number"]])
    with pytest.raises(MalformedReplyError, match="items"):
        decode_envelope(body, "daily", "local", Envelope[_Daily])


# --- fuzzing ----------------------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=30,
)


def _decodes_or_raises_typed(body: bytes) -> None:
    try:
        page = _decode(body)
    except TushareError as caught:
        error = caught
    else:
        assert isinstance(page, Page)
        assert all(len(row) == len(page.fields) for row in page.items)
        return
    assert error.code
    assert error.api_name == "daily"


@given(st.binary(max_size=300))
def test_fuzz_arbitrary_bytes(body: bytes) -> None:
    _decodes_or_raises_typed(body)


@given(json_values)
def test_fuzz_arbitrary_json(value: Any) -> None:
    _decodes_or_raises_typed(json.dumps(value).encode())


ENVELOPE_PATHS = [
    ("code",),
    ("msg",),
    ("request_id",),
    ("data",),
    ("data", "fields"),
    ("data", "items"),
    ("data", "has_more"),
    ("data", "count"),
]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(ENVELOPE_PATHS),
    replacement=json_values,
    delete=st.booleans(),
    cut=st.integers(min_value=0, max_value=400) | st.none(),
)
def test_fuzz_mutated_envelopes(path: tuple[str, ...], replacement: Any, delete: bool, cut: int | None) -> None:
    envelope = reply(items=[["000001.SZ", 1.0], ["000002.SZ", 2.0]], has_more=True)
    envelope["data"]["count"] = 2
    parent = envelope
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    body = _dump(envelope)
    _decodes_or_raises_typed(body if cut is None else body[:cut])


class _Counts(BaseModel):
    fields: list[str]
    items: list[tuple[str, int]]


def test_typed_decoders_may_validate_cells_leniently() -> None:
    body = reply_bytes(items=[["000001.SZ", 1000.0]])
    with pytest.raises(MalformedReplyError):
        decode_envelope(body, "daily", "local", Envelope[_Counts])
    decoded = decode_envelope(body, "daily", "local", Envelope[_Counts], strict=False)
    assert decoded.data is not None
    assert decoded.data.items == [("000001.SZ", 1000)]

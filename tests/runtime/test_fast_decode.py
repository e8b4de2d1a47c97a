"""The msgspec fast path changes speed only: for any reply, typed decoding with it returns the same page as the
pydantic path alone, or the same error."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tushare_typed._internal.decode import RowDecoder
from tushare_typed.errors import TushareError
from tushare_typed.models.daily import ENDPOINT, DailyRow

COLUMNS = ENDPOINT.default_fields

_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
)
_price = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False), st.integers(-(10**6), 10**6))
_good_row = st.tuples(st.one_of(st.none(), st.text(max_size=9)), st.one_of(st.none(), st.text(max_size=8))).flatmap(
    lambda head: st.lists(_price, min_size=len(COLUMNS) - 2, max_size=len(COLUMNS) - 2).map(lambda tail: [*head, *tail])
)
_any_row = st.lists(_scalar, min_size=len(COLUMNS) - 1, max_size=len(COLUMNS) + 1)


def _reply(rows: list[list[Any]], fields: list[str], **envelope: Any) -> bytes:
    data = {"fields": fields, "items": rows, "has_more": False, "count": len(rows)}
    return json.dumps({"request_id": "r", "code": 0, "msg": "", "data": data, **envelope}).encode()


def _outcome(body: bytes, fast: bool) -> object:
    decoder: RowDecoder[DailyRow] = RowDecoder(DailyRow, COLUMNS)
    if not fast:
        decoder._fast = None  # the pydantic path alone
    try:
        page = decoder.decode(body, "daily", "local", COLUMNS)
    except TushareError as error:
        return type(error), str(error)
    return page.fields, [tuple(row) for row in page.items], page.has_more, page.count, page.request_id


@pytest.mark.timeout(120)
@settings(max_examples=300)
@given(st.lists(st.one_of(_good_row, _any_row), max_size=6), st.sampled_from(["same", "reordered", "fewer"]))
def test_the_fast_path_agrees_with_the_pydantic_path(rows: list[list[Any]], columns: str) -> None:
    fields = list(COLUMNS)
    if columns == "reordered":
        fields = fields[::-1]
    elif columns == "fewer":
        fields = fields[:-1]
    body = _reply(rows, fields)
    assert _outcome(body, fast=True) == _outcome(body, fast=False)


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "body",
    [
        b'{"code": 0, "data": {"fields": %s, "items": [["a", "b", 1e400, 1, 1, 1, 1, 1, 1, 1, 1]]}}',
        b'{"code": 0, "data": {"fields": %s, "items": [["a", "b", NaN, 1, 1, 1, 1, 1, 1, 1, 1]]}}',
        b'{"code": 0, "data": {"fields": %s, "items": [["a", "b", true, 1, 1, 1, 1, 1, 1, 1, 1]]}}',
        b'{"code": 0, "data": {"fields": %s, "items": [["a", "b", "1", 1, 1, 1, 1, 1, 1, 1, 1]]}}',
        b'{"code": 0, "data": {"fields": %s, "items": [["a", "b", 1, 1, 1, 1, 1, 1, 1, 1]]}}',
        b'{"code": 0, "data": {"fields": %s, "items": [], "count": -1}}',
        b'{"code": 40203, "msg": "rate", "data": {"fields": %s, "items": []}}',
        b'{"code": 0, "data": null}',
        b'{"code": 0.0, "data": {"fields": %s, "items": []}}',
    ],
    ids=["overflow", "nan", "bool", "string", "short-row", "negative-count", "error-code", "null-data", "float-code"],
)
def test_what_the_fast_path_refuses_the_typed_decoder_refuses(body: bytes) -> None:
    raw = body.replace(b"%s", json.dumps(list(COLUMNS)).encode()) if b"%s" in body else body
    fast, slow = _outcome(raw, fast=True), _outcome(raw, fast=False)
    assert fast == slow
    assert isinstance(fast, tuple) and isinstance(fast[0], type) and issubclass(fast[0], TushareError)


def test_the_plain_reply_takes_the_fast_path() -> None:
    decoder: RowDecoder[DailyRow] = RowDecoder(DailyRow, COLUMNS)
    rows = [["000001.SZ", "20240102", 1.5, 2.0, 1.0, 1.8, 1.5, 0.3, 20.0, 100.0, 1000.0]]
    page = decoder.decode(_reply(rows, list(COLUMNS)), "daily", "local", COLUMNS)
    assert decoder._fast is not None, "the msgspec decoder was built and used"
    assert type(page.items[0]) is DailyRow and page.items[0].close == 1.8
    assert all(isinstance(v, float) and not math.isnan(v) for v in page.items[0][2:])

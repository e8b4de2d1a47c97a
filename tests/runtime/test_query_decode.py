"""``query()``'s page decoder on raw bodies: the typed decoder's rules for a known interface, finite cells and the
requested columns exactly once for an unknown one (the hostile suite drives the same cases over HTTP)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tushare_typed._internal.query_decode import QueryDecoder
from tushare_typed.errors import MalformedReplyError


def body(fields: list[str], items: str) -> bytes:
    """A reply whose items are the JSON text ``items`` (which may hold NaN or Infinity literals)."""
    return b'{"code":0,"data":{"fields":%s,"items":%s}}' % (json.dumps(fields).encode(), items.encode())


def decode(api_name: str, fields: list[str] | None, reply: bytes) -> Any:
    return QueryDecoder(api_name, fields)(reply, api_name, "local-rid")


@pytest.mark.timeout(10)
@pytest.mark.parametrize("cell", ["[1.0, NaN]", '{"a": [Infinity]}', "-Infinity", "1e400"])
def test_an_unknown_interface_refuses_a_non_finite_number_even_inside_a_container(cell: str) -> None:
    with pytest.raises(MalformedReplyError, match=r"row 1, column 'b'.*finite number"):
        decode("brand_new_api", None, body(["a", "b"], f'[["x", 1], ["y", {cell}]]'))


@pytest.mark.timeout(10)
def test_an_unknown_interface_keeps_every_json_value_in_the_servers_order() -> None:
    page = decode("brand_new_api", ["b", "a"], body(["b", "a"], '[[true, "x"], [[1, {"k": 2.5}], null]]'))
    assert page.fields == ("b", "a")
    assert page.items == [(True, "x"), ([1, {"k": 2.5}], None)]


@pytest.mark.timeout(10)
def test_a_known_interface_converts_and_orders_as_its_typed_method() -> None:
    # vol is a float column (the integer 1 becomes 1.0, as in the typed method); the reply's column order is kept,
    # the unknown column stays where the server put it.
    page = decode("daily", ["vol", "ts_code"], body(["vol", "new", "ts_code"], '[[1, "n", "000001.SZ"]]'))
    assert page.fields == ("vol", "new", "ts_code")
    assert page.items == [(1.0, "n", "000001.SZ")]
    assert type(page.items[0][0]) is float


@pytest.mark.timeout(10)
def test_a_known_interface_refuses_a_string_where_the_metadata_says_number() -> None:
    with pytest.raises(MalformedReplyError, match="row 0, column 'vol'"):
        decode("daily", ["vol"], body(["vol"], '[["12.5"]]'))

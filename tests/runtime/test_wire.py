"""Wire encoding of a request (:mod:`tushare_typed._internal.wire`): parameters and the fields list."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from tushare_typed._internal.wire import encode_fields, encode_params
from tushare_typed.errors import ParameterError


class Market(enum.Enum):
    SSE = "SSE"


def test_encode_params_wire_forms() -> None:
    params = {
        "ts_code": ["000001.SZ", "600000.SH"],
        "exchange": Market.SSE,
        "start_date": date(2024, 1, 2),
        "start_time": datetime(2024, 1, 2, 9, 30, 0),
        "limit": 100,
        "ratio": 0.5,
        "is_open": True,
        "amount": Decimal("1.50"),
        "codes": {"b", "a"},
        "skip": None,
    }
    assert encode_params(params) == {
        "ts_code": "000001.SZ,600000.SH",
        "exchange": "SSE",
        "start_date": "20240102",
        "start_time": "2024-01-02 09:30:00",
        "limit": 100,
        "ratio": 0.5,
        "is_open": True,
        "amount": "1.50",
        "codes": "a,b",
    }


def test_encode_params_rejects_unsendable_values() -> None:
    with pytest.raises(ParameterError, match="'where'") as caught:
        encode_params({"where": {"nested": 1}})
    assert caught.value.code == "PARAM-101"
    with pytest.raises(ParameterError, match="finite"):
        encode_params({"ratio": float("nan")})
    with pytest.raises(ParameterError, match="finite"):
        encode_params({"ratios": [1.0, float("inf")]})


@pytest.mark.parametrize(
    ("fields", "wire"),
    [
        (None, ""),
        ([], ""),
        (["ts_code", "close"], "ts_code,close"),
        (("close", "close", " open "), "close,open"),
        ("ts_code, close", "ts_code,close"),
    ],
)
def test_encode_fields(fields: Any, wire: str) -> None:
    assert encode_fields(fields) == wire


def test_encode_fields_rejects_non_strings() -> None:
    with pytest.raises(ParameterError):
        encode_fields([1])  # type: ignore[list-item]

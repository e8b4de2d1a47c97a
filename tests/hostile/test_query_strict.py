"""``query()`` against the hostile server: no silently wrong data, on both halves, for a known and an unknown interface.

An interface the metadata knows decodes through its typed decoder (the same errors as the typed method); one it
does not know still refuses non-finite numbers and requested columns that are missing or doubled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.compat import pro_api
from tushare_typed.errors import MalformedReplyError

from ..runtime.halves import HALVES, Half
from .catalogs import keyed_catalog
from .server import DAILY_FIELDS, HostileServer

TOKEN = "hostile-query-token-4567"
CATALOG = keyed_catalog()
KNOWN, UNKNOWN = "daily", "brand_new_api"
SETTINGS: dict[str, Any] = {"max_retries": 0, "timeout": 2.0, "catalog": CATALOG}


class Calls:
    """The client methods of one half against one behaviour; each call runs on a client of its own (the async one
    within one event loop), closed after it."""

    def __init__(self, url: str, half: Half) -> None:
        self.url = url
        self.half = half

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if self.half == "sync":
                with TushareClient(TOKEN, base_url=self.url, **SETTINGS) as client:
                    return getattr(client, name)(*args, **kwargs)

            async def run() -> Any:
                async with AsyncTushareClient(TOKEN, base_url=self.url, **SETTINGS) as client:
                    return await getattr(client, name)(*args, **kwargs)

            return asyncio.run(run())

        return call


@pytest.fixture(params=HALVES)
def hostile_client(hostile: HostileServer, request: pytest.FixtureRequest) -> Callable[[str], Calls]:
    """``hostile_client(behaviour)``: the client methods of one half (each test runs once per half)."""
    return lambda behaviour: Calls(hostile.url(behaviour), request.param)


def refused(client: Any, api_name: str, **arguments: Any) -> MalformedReplyError:
    with pytest.raises(MalformedReplyError) as caught:
        client.query(api_name, **arguments)
    error = caught.value
    assert error.api_name == api_name
    assert f"the reply to {api_name!r}" in error.message
    assert TOKEN not in str(error)
    return error


@pytest.mark.timeout(10)
@pytest.mark.parametrize("api_name", [KNOWN, UNKNOWN])
@pytest.mark.parametrize("behaviour", ["nan", "infinity", "minus_infinity", "float_overflow"])
def test_a_non_finite_number_is_refused_naming_row_and_column(
    hostile_client: Any, api_name: str, behaviour: str
) -> None:
    error = refused(hostile_client(behaviour), api_name)
    assert "row 0, column 'close'" in error.message


@pytest.mark.timeout(10)
@pytest.mark.parametrize("api_name", [KNOWN, UNKNOWN])
@pytest.mark.parametrize("behaviour", ["nan_in_new_column", "infinity_in_new_column"])
def test_a_non_finite_number_in_a_column_newer_than_the_metadata_is_refused(
    hostile_client: Any, api_name: str, behaviour: str
) -> None:
    error = refused(hostile_client(behaviour), api_name)
    assert "row 0, column 'new_column'" in error.message


@pytest.mark.timeout(10)
@pytest.mark.parametrize("api_name", [KNOWN, UNKNOWN])
def test_a_column_newer_than_the_metadata_is_kept_with_its_value(hostile_client: Any, api_name: str) -> None:
    response = hostile_client("new_column").query(api_name)
    assert response.fields == [*DAILY_FIELDS, "new_column"]
    assert response.columns()["new_column"] == [42.5]
    assert response.columns()["close"] == [10.0]


@pytest.mark.timeout(10)
@pytest.mark.parametrize(("api_name", "fields"), [(KNOWN, None), (KNOWN, "ts_code,close"), (UNKNOWN, "ts_code,close")])
def test_a_reply_lacking_a_requested_column_is_refused(hostile_client: Any, api_name: str, fields: str | None) -> None:
    # The server answers ts_code … low whatever is asked: close (asked, or a default column of daily) is missing.
    error = refused(hostile_client("missing_column"), api_name, fields=fields)
    assert "lacks the requested columns" in error.message
    assert "'close'" in error.message


@pytest.mark.timeout(10)
@pytest.mark.parametrize("api_name", [KNOWN, UNKNOWN])
def test_a_reply_with_a_column_twice_is_refused(hostile_client: Any, api_name: str) -> None:
    error = refused(hostile_client("duplicate_columns"), api_name, fields="close")
    assert "duplicate column names ('close', 'close')" in error.message


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "behaviour",
    [
        "nan",
        "float_overflow",
        "int_401_digits_in_float",
        "bool_in_float",
        "string_in_float",
        "number_in_str",
        "missing_column",
        "duplicate_columns",
        "row_too_short",
        "nan_in_new_column",
    ],
)
def test_a_known_interface_fails_exactly_as_its_typed_method(hostile_client: Any, behaviour: str) -> None:
    client = hostile_client(behaviour)
    with pytest.raises(MalformedReplyError) as typed:
        client.daily()
    assert refused(client, KNOWN).message == typed.value.message


@pytest.mark.timeout(10)
def test_a_known_interface_returns_typed_values_in_the_servers_column_order(hostile_client: Any) -> None:
    # 42.5 in an int column would be refused; a whole float in a typed column is converted as the typed method does.
    response = hostile_client("ok").query(KNOWN, fields="close,ts_code", limit=3)
    assert response.fields == ["close", "ts_code"]
    assert response.rows == [(10.0, "000000.SZ"), (11.0, "000001.SZ"), (12.0, "000002.SZ")]


@pytest.mark.timeout(10)
def test_pro_api_query_of_an_unknown_interface_refuses_nan(hostile: HostileServer) -> None:
    pro = pro_api(TOKEN, base_url=hostile.url("nan"), max_retries=0, catalog=CATALOG)
    with pytest.raises(MalformedReplyError, match="row 0, column 'close'"):
        pro.query(UNKNOWN)
    pro.client.close()

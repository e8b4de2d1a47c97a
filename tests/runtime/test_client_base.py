"""BaseClient / AsyncBaseClient: token handling, options, pooling, the limiter hook."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import respx

from tushare_typed._internal.client_base import AsyncBaseClient, BaseClient
from tushare_typed._internal.transport import (
    DEFAULT_BASE_URL,
    AsyncTransport,
    RequestOptions,
    SyncTransport,
)
from tushare_typed.errors import MissingTokenError, ParameterError, ServiceError
from tushare_typed.models.daily import DailyResponse
from tushare_typed.ratelimit import Limiter, RateLimit, RateLimiter
from tushare_typed.response import QueryResponse
from tushare_typed.token import Secret, TokenStore

from .fakes import AsyncSleeper, FakeLimiter, Sleeper, reply_bytes, synthetic_token
from .halves import HALVES, AsyncClientDriver

URL = "http://tushare.test/"


@pytest.fixture(autouse=True)
def _no_ambient_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.delenv("TUSHARE_TOKEN", raising=False)
    monkeypatch.delenv("TUSHARE_TYPED_KEY", raising=False)
    monkeypatch.delenv("TUSHARE_API_URL", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def token() -> str:
    return synthetic_token()


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


def ok(**kwargs: Any) -> httpx.Response:
    return httpx.Response(200, content=reply_bytes(**kwargs))


#: daily's default columns: ``query("daily")`` decodes as strictly as the typed method, so a reply must hold them.
DAILY_FIELDS = list(DailyResponse.wire_names)


def daily_ok(*codes: str, has_more: bool = False) -> httpx.Response:
    """A complete daily reply, one row per code (default one row)."""
    rows = [[code, "20240102", 1.0, 2.0, 0.5, 1.5, 1.0, 0.5, 50.0, 100.0, 150.0] for code in codes or ("000001.SZ",)]
    return ok(fields=DAILY_FIELDS, items=rows, has_more=has_more)


def _body(route: respx.Route, index: int = -1) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(route.calls[index].request.content)
    return parsed


class DailyRows(list[tuple[str, float]]):
    """What a typed decoder might return."""


def decode_daily(body: bytes, api_name: str, request_id: str) -> DailyRows:
    data = json.loads(body)["data"]
    return DailyRows((row[0], float(row[1])) for row in data["items"])


class Client(BaseClient):
    """A generated client in miniature: one typed method over ``_call``."""

    def daily(self, ts_code: str | None = None, fields: list[str] | None = None) -> DailyRows:
        return self._call("daily", {"ts_code": ts_code}, fields, decode=decode_daily)


class AsyncClient(AsyncBaseClient):
    async def daily(self, ts_code: str | None = None, fields: list[str] | None = None) -> DailyRows:
        return await self._call("daily", {"ts_code": ts_code}, fields, decode=decode_daily)


def _client(token: str | None, **kwargs: Any) -> Client:
    transport = SyncTransport(URL, sleep=Sleeper(), random=lambda: 0.0)
    return Client(token, transport=transport, **kwargs)


ClientFactory = Callable[..., Any]


@pytest.fixture(params=HALVES)
def make_client(request: pytest.FixtureRequest) -> ClientFactory:
    """Builds the miniature client of one half: every test taking it runs on the sync and the async client.
    ``quiet=True`` gives it a transport that never sleeps (and is not closed by the client)."""

    def make(*args: Any, quiet: bool = False, **kwargs: Any) -> Any:
        if request.param == "sync":
            if quiet:
                kwargs["transport"] = SyncTransport(URL, sleep=Sleeper(), random=lambda: 0.0)
            return Client(*args, **kwargs)
        if quiet:
            kwargs["transport"] = AsyncTransport(URL, sleep=AsyncSleeper(), random=lambda: 0.0)
        return AsyncClientDriver(AsyncClient(*args, **kwargs))

    return make


# --- construction and the token ---------------------------------------------------------------


def test_a_generated_method_calls_through_with_its_decoder(
    make_client: ClientFactory, mock: respx.MockRouter, token: str
) -> None:
    route = mock.post(URL).mock(return_value=ok(items=[["000001.SZ", 10]]))
    with make_client(token, quiet=True) as client:
        rows = client.daily("000001.SZ", ["ts_code", "close"])
    assert rows == [("000001.SZ", 10.0)]
    assert _body(route) == {
        "api_name": "daily",
        "token": token,
        "params": {"ts_code": "000001.SZ"},
        "fields": "ts_code,close",
    }


def test_query_is_the_untyped_escape_hatch(make_client: ClientFactory, mock: respx.MockRouter, token: str) -> None:
    route = mock.post(URL).mock(return_value=ok(fields=["ts_code", "name"], items=[["600000.SH", "浦发银行"]]))
    with make_client(token, quiet=True) as client:
        result = client.query("stock_basic", fields="ts_code,name", exchange="SSE", list_status=None)
    assert isinstance(result, QueryResponse)
    assert result.completed
    assert _body(route)["params"] == {"exchange": "SSE", "offset": 0, "limit": 5000}
    assert _body(route)["fields"] == "ts_code,name"


def test_query_pages_through_every_row(make_client: ClientFactory, mock: respx.MockRouter, token: str) -> None:
    pages = [ok(items=[["000001.SZ", 1.0]], has_more=True), ok(items=[["000002.SZ", 2.0]], has_more=False)]
    route = mock.post(URL).mock(side_effect=pages)
    with make_client(token, quiet=True) as client:
        result = client.query("brand_new_api", limit=None, offset=10)
    assert result.rows == [("000001.SZ", 1.0), ("000002.SZ", 2.0)]
    assert [json.loads(call.request.content)["params"]["offset"] for call in route.calls] == [10, 11]


def test_query_limit_caps_the_rows_and_bad_paging_is_refused(
    make_client: ClientFactory, mock: respx.MockRouter, token: str
) -> None:
    mock.post(URL).mock(return_value=daily_ok("000001.SZ", "000002.SZ", has_more=True))
    with make_client(token, quiet=True) as client:
        result = client.query("daily", limit=2)
        assert len(result) == 2
        assert not result.completed
        assert result.next_offset == 2
        with pytest.raises(ParameterError, match="offset must be a non-negative integer"):
            client.query("daily", offset=-1)


def test_the_token_comes_from_the_environment_lazily(
    make_client: ClientFactory, mock: respx.MockRouter, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = mock.post(URL).mock(return_value=daily_ok())
    client = make_client(None, quiet=True)
    assert "<unresolved>" in repr(client)
    monkeypatch.setenv("TUSHARE_TOKEN", token)
    client.query("daily")
    assert _body(route)["token"] == token
    assert "<hidden>" in repr(client)


def test_a_missing_token_fails_on_the_first_call_without_a_request(
    make_client: ClientFactory,
    mock: respx.MockRouter,
) -> None:
    route = mock.post(URL).mock(return_value=daily_ok())
    client = make_client(None, quiet=True)  # building a client without a token is fine (e.g. to list tools)
    with pytest.raises(MissingTokenError) as caught:
        client.query("daily")
    assert route.call_count == 0
    assert "TUSHARE_TOKEN" in caught.value.remediation


def test_the_token_can_come_from_a_given_store(
    make_client: ClientFactory, mock: respx.MockRouter, token: str, tmp_path: Any
) -> None:
    route = mock.post(URL).mock(return_value=daily_ok())
    path = tmp_path / "token.enc"
    TokenStore(path, passphrase="pw", scrypt_n=2**10).save(token)
    client = make_client(None, quiet=True, token_store=TokenStore(path, passphrase="pw"))
    client.query("daily")
    assert _body(route)["token"] == token


def test_no_client_repr_shows_the_token(make_client: ClientFactory, token: str) -> None:
    client = make_client(Secret(token), base_url=URL)
    for text in (repr(client), str(client), repr(vars(client)), repr(client.with_options())):
        assert token not in text
    assert repr(client).removeprefix("Async") == f"Client(base_url='{URL}', token=<hidden>)"
    client.close()


def test_defaults_reach_the_transport(make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    with make_client("t") as client:
        assert client.base_url == DEFAULT_BASE_URL
    monkeypatch.setenv("TUSHARE_API_URL", "https://proxy.test/")
    with make_client("t") as client:
        assert client.base_url == "https://proxy.test/"
    with make_client("t", base_url="http://x.test/") as client:
        assert client.base_url == "http://x.test/"


def test_invalid_options_are_rejected_up_front(make_client: ClientFactory) -> None:
    with pytest.raises(ParameterError):
        make_client("t", max_retries=-1)
    with pytest.raises(ParameterError):
        make_client("t", timeout=0)


# --- options ----------------------------------------------------------------------------------


def test_max_retries_from_the_constructor(make_client: ClientFactory, mock: respx.MockRouter, token: str) -> None:
    route = mock.post(URL).mock(return_value=httpx.Response(500))
    with pytest.raises(ServiceError):
        make_client(token, quiet=True, max_retries=0).query("daily")
    assert route.call_count == 1


def test_with_options_copies_and_shares_the_pool(
    make_client: ClientFactory, mock: respx.MockRouter, token: str
) -> None:
    route = mock.post(URL).mock(return_value=httpx.Response(500))
    client = make_client(token, quiet=True, max_retries=2)
    quick = client.with_options(max_retries=0, timeout=1.5)
    assert isinstance(quick, type(client))
    assert quick._transport is client._transport
    with pytest.raises(ServiceError):
        quick.query("daily")
    assert route.call_count == 1
    assert route.calls[0].request.extensions["timeout"]["read"] == 1.5
    with pytest.raises(ServiceError):
        client.query("daily")
    assert route.call_count == 4  # the original kept max_retries=2


def test_closing_a_copy_leaves_the_shared_pool_open(make_client: ClientFactory, token: str) -> None:
    client = make_client(token, base_url=URL)
    with client.with_options(timeout=5.0):
        pass
    assert not client._transport.http.is_closed
    client.close()
    assert client._transport.http.is_closed


def test_with_options_base_url_shares_the_connection_pool(
    make_client: ClientFactory, mock: respx.MockRouter, token: str
) -> None:
    route = mock.post("http://mirror.test/").mock(return_value=daily_ok())
    client = make_client(token, base_url=URL)
    mirror = client.with_options(base_url="http://mirror.test/")
    mirror.query("daily")
    assert route.call_count == 1
    assert mirror.base_url == "http://mirror.test/"
    assert client.base_url == URL
    assert mirror._transport.http is client._transport.http
    client.close()


def test_per_call_options_win_over_the_client(make_client: ClientFactory, mock: respx.MockRouter, token: str) -> None:
    route = mock.post(URL).mock(return_value=httpx.Response(500))
    client = make_client(token, quiet=True, max_retries=3)
    with pytest.raises(ServiceError):
        client._call("daily", {}, options=RequestOptions(max_retries=1))
    assert route.call_count == 2


def test_the_client_closes_a_pool_it_created_but_not_a_borrowed_one(make_client: ClientFactory) -> None:
    with make_client("t", base_url=URL) as client:
        assert not client._transport.http.is_closed  # the pool is built on first use
    assert client._transport.http.is_closed
    borrowed = httpx.Client()
    with make_client("t", base_url=URL, http_client=borrowed):
        pass
    assert not borrowed.is_closed
    borrowed.close()


def test_closing_a_client_that_never_called_builds_no_pool(make_client: ClientFactory) -> None:
    client = make_client("t", base_url=URL)
    client.close()
    assert client._transport._http is None


def test_an_injected_transport_is_not_closed_by_the_client() -> None:
    transport = SyncTransport(URL)
    Client("t", transport=transport).close()
    assert not transport.http.is_closed
    transport.close()


# --- the limiter hook -------------------------------------------------------------------------


def test_no_rate_limit_still_learns_from_the_server() -> None:
    client = Client("t", base_url=URL)
    limiter = client._transport.limiter
    assert isinstance(limiter, RateLimiter)
    assert limiter.account_limit is None
    assert limiter.limits_for("daily") == ()
    limiter.on_rate_limited("daily", 5, 60.0)
    assert limiter.limits_for("daily") == (RateLimit(calls=5, period=60.0),)
    client.close()


@pytest.mark.parametrize(
    ("rate_limit", "expected"),
    [
        (RateLimit(calls=200, period=60), RateLimit(200, 60)),
        ((30, 10.0), RateLimit(30, 10.0)),
        (5000, RateLimit(500, 60)),
    ],
)
def test_a_quota_builds_a_rate_limiter(rate_limit: object, expected: RateLimit) -> None:
    client = Client("t", base_url=URL, rate_limit=rate_limit)
    limiter = client._transport.limiter
    assert isinstance(limiter, RateLimiter)
    assert limiter.account_limit == expected
    client.close()


def test_an_explicit_limiter_is_used(mock: respx.MockRouter, token: str) -> None:
    mock.post(URL).mock(return_value=daily_ok())
    limiter = FakeLimiter()
    with Client(token, base_url=URL, limiter=limiter) as client:
        client.query("daily")
    assert limiter.acquired == ["daily"]


def test_a_limiter_object_passed_as_rate_limit_is_used() -> None:
    limiter = FakeLimiter()
    client = Client("t", base_url=URL, rate_limit=limiter)
    assert client._transport.limiter is limiter
    assert client.rate_limit is limiter
    client.close()


@pytest.mark.parametrize("rate_limit", ["fast", True, 1.5])
def test_a_value_that_is_no_quota_is_refused(rate_limit: object) -> None:
    with pytest.raises(ParameterError, match="is not a quota"):
        Client("t", base_url=URL, rate_limit=rate_limit)


def test_a_subclass_builds_its_limiter_from_the_opaque_value() -> None:
    built: list[object] = []

    class Limited(BaseClient):
        def _make_limiter(self, rate_limit: object | None) -> Limiter:
            built.append(rate_limit)
            return FakeLimiter()

    client = Limited("t", base_url=URL, rate_limit=(200, 60))
    assert built == [(200, 60)]
    assert isinstance(client._transport.limiter, FakeLimiter)
    client.close()


# --- async ------------------------------------------------------------------------------------


def _async_client(token: str | None, **kwargs: Any) -> AsyncClient:
    transport = AsyncTransport(URL, sleep=AsyncSleeper(), random=lambda: 0.0)
    return AsyncClient(token, transport=transport, **kwargs)


async def test_async_generated_method_and_query(mock: respx.MockRouter, token: str) -> None:
    typed = ok(items=[["000001.SZ", 3]])
    untyped = ok(fields=["close", "ts_code", "trade_date"], items=[[3, "000001.SZ", "20240102"]])
    route = mock.post(URL).mock(side_effect=[typed, untyped])
    async with _async_client(token) as client:
        assert await client.daily("000001.SZ") == [("000001.SZ", 3.0)]
        page = await client.query("daily", ["close"], trade_date="20240102")
    # daily's keys are sent for seam de-duplication and stripped again: only the asked-for column comes back.
    assert _body(route)["fields"] == "close,ts_code,trade_date"
    assert (page.fields, page.rows) == (["close"], [(3,)])
    assert _body(route)["params"] == {"trade_date": "20240102", "offset": 0, "limit": 5000}
    assert _body(route)["token"] == token


async def test_async_lazy_token_from_the_environment(
    mock: respx.MockRouter, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = mock.post(URL).mock(return_value=daily_ok())
    client = _async_client(None)
    monkeypatch.setenv("TUSHARE_TOKEN", token)
    await client.query("daily")
    assert _body(route)["token"] == token


async def test_async_missing_token(mock: respx.MockRouter) -> None:
    route = mock.post(URL).mock(return_value=daily_ok())
    with pytest.raises(MissingTokenError):
        await _async_client(None).query("daily")
    assert route.call_count == 0


async def test_async_with_options_and_close(mock: respx.MockRouter, token: str) -> None:
    route = mock.post(URL).mock(return_value=httpx.Response(500))
    client = AsyncClient(token, base_url=URL, max_retries=0)
    copy = client.with_options(timeout=2.0)
    with pytest.raises(ServiceError):
        await copy.query("daily")
    assert route.calls[0].request.extensions["timeout"]["read"] == 2.0
    await copy.aclose()
    assert not client._transport.http.is_closed
    mirror = client.with_options(base_url="http://mirror.test/")
    assert mirror._transport.http is client._transport.http
    await client.aclose()
    assert client._transport.http.is_closed
    assert token not in repr(client)


async def test_async_limiter_and_borrowed_pool(mock: respx.MockRouter, token: str) -> None:
    mock.post(URL).mock(return_value=daily_ok())
    limiter = FakeLimiter()
    borrowed = httpx.AsyncClient()
    async with AsyncClient(token, base_url=URL, limiter=limiter, http_client=borrowed) as client:
        await client.query("daily")
    assert limiter.acquired == ["daily"]
    assert not borrowed.is_closed
    await borrowed.aclose()


def test_points_from_the_environment_set_the_quota(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUSHARE_POINTS", "2000")
    client = Client("t", base_url=URL)
    assert client._transport.limiter.account_limit == RateLimit(200, 60)  # type: ignore[union-attr]
    client.close()
    monkeypatch.setenv("TUSHARE_POINTS", "lots")
    with pytest.raises(ParameterError, match="TUSHARE_POINTS"):
        Client("t", base_url=URL)

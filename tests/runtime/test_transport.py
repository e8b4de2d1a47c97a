"""HTTP transport: request shape, retries, rate-limit waits, the breaker, sync and async."""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import respx
import structlog
from structlog.testing import capture_logs

from tushare_typed._internal.envelope import Page
from tushare_typed._internal.log_events import CALL_EVENT
from tushare_typed._internal.transport import (
    DEFAULT_BASE_URL,
    REQUEST_ID_HEADER,
    AsyncTransport,
    CircuitBreaker,
    RequestOptions,
    SyncTransport,
    resolve_base_url,
)
from tushare_typed.errors import (
    AuthError,
    CircuitOpenError,
    MalformedReplyError,
    ParameterError,
    PermissionDeniedError,
    RateLimitError,
    ServerParameterError,
    ServiceConnectionError,
    ServiceError,
    ServiceTimeoutError,
    TushareError,
    UnexpectedStatusError,
    UnknownError,
)
from tushare_typed.ratelimit import Limiter
from tushare_typed.token import Secret

from .fakes import (
    NO_PERMISSION,
    RATE_MINUTE,
    AsyncSleeper,
    FakeClock,
    FakeLimiter,
    Sleeper,
    reply_bytes,
    synthetic_token,
)
from .halves import HALVES, AnySleeper, AsyncTransportDriver

URL = "http://tushare.test/"


@pytest.fixture
def token() -> str:
    return synthetic_token()


@pytest.fixture(params=HALVES)
def sleeper(request: pytest.FixtureRequest) -> AnySleeper:
    """The sleep the transport is given; its type picks the half: every test taking it runs on sync and async."""
    return Sleeper() if request.param == "sync" else AsyncSleeper()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture(autouse=True)
def _quiet_structlog() -> Iterator[None]:
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


def _transport(
    sleeper: AnySleeper,
    clock: FakeClock | None = None,
    *,
    limiter: FakeLimiter | None = None,
    **kwargs: Any,
) -> Any:  # SyncTransport, or AsyncTransportDriver with the same methods
    options: dict[str, Any] = {"clock": clock or FakeClock(), "random": lambda: 0.0, "limiter": limiter, **kwargs}
    if isinstance(sleeper, AsyncSleeper):
        return AsyncTransportDriver(AsyncTransport(URL, sleep=sleeper, **options))
    return SyncTransport(URL, sleep=sleeper, **options)


def ok(**kwargs: Any) -> httpx.Response:
    return httpx.Response(200, content=reply_bytes(**kwargs))


def server_error(code: int, msg: str) -> httpx.Response:
    return httpx.Response(200, content=reply_bytes(code=code, msg=msg))


def _state(breaker: CircuitBreaker) -> str:
    # A plain str: mypy would otherwise narrow the Literal across consecutive asserts.
    return breaker.state


def _sent_json(route: respx.Route, index: int = -1) -> dict[str, Any]:
    request = route.calls[index].request
    parsed: dict[str, Any] = json.loads(request.content)
    return parsed


# --- request building -------------------------------------------------------------------------


def test_base_url_argument_then_environment_then_default() -> None:
    assert resolve_base_url("https://a.test", {"TUSHARE_API_URL": "http://b.test"}) == ("https://a.test")
    assert resolve_base_url(None, {"TUSHARE_API_URL": "http://b.test"}) == "http://b.test"
    assert resolve_base_url(None, {}) == DEFAULT_BASE_URL
    with pytest.raises(ParameterError, match="http"):
        resolve_base_url("ftp://c.test", {})


USABLE_URLS = [
    "http://api.tushare.pro",
    "https://a.test:8443/api/",
    "http://127.0.0.1:9000",
    "http://[::1]:8080/a",
    "http://bücher.example",
    "http://a_b.test",
    "http://user:pw@h.test/path?q=1",
]
UNUSABLE_URLS = {
    "ftp://a.test": "scheme",
    "a.test": "scheme",
    "http://": "no host",
    "http://a.test:99999": "out of range",
    "http://a.test:abc": "Port",
    "http://a.test:0": "port 0",
    "http://exa mple.test": "whitespace",
    "http://a.test/\x00": "control",
    "http://[::1": "IPv6",
    "http://[zz]": "IPv6",
    "http://%41.test": "'%'",
}


@pytest.mark.parametrize("url", USABLE_URLS)
def test_a_usable_base_url_is_kept_and_httpx_takes_it(url: str) -> None:
    assert resolve_base_url(url, {}) == url
    assert httpx.URL(url).host


@pytest.mark.parametrize("url", sorted(UNUSABLE_URLS))
def test_an_unusable_base_url_is_refused_saying_why(url: str) -> None:
    with pytest.raises(ParameterError, match="base_url") as caught:
        resolve_base_url(url, {})
    assert UNUSABLE_URLS[url] in caught.value.message
    assert "http(s)://host" in caught.value.remediation


def test_transport_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUSHARE_API_URL", "http://env.test/api")
    transport = SyncTransport()
    assert transport.base_url == "http://env.test/api"
    assert "env.test" in repr(transport)
    transport.close()


def test_request_options_validate_and_merge() -> None:
    base = RequestOptions(timeout=30.0, max_retries=3, max_rate_limit_wait=65.0)
    merged = base.merged(RequestOptions(max_retries=0))
    assert merged == RequestOptions(timeout=30.0, max_retries=0, max_rate_limit_wait=65.0)
    assert base.merged(None) is base
    for bad in ({"timeout": 0.0}, {"max_retries": -1}, {"max_rate_limit_wait": -1.0}):
        with pytest.raises(ParameterError):
            RequestOptions(**bad)


# --- a successful call ------------------------------------------------------------------------


def test_a_call_posts_the_tushare_body_and_returns_a_page(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    route = mock.post(URL).mock(return_value=ok(items=[["000001.SZ", 1.0], ["000002.SZ", 2.0]]))
    transport = _transport(sleeper)
    page = transport.request(
        "daily",
        {"ts_code": "000001.SZ", "start_date": date(2024, 1, 2), "end_date": None},
        ["ts_code", "close"],
        token=Secret(token),
    )
    assert isinstance(page, Page)
    assert len(page.items) == 2
    assert page.request_id == "server-rid"
    assert _sent_json(route) == {
        "api_name": "daily",
        "token": token,
        "params": {"ts_code": "000001.SZ", "start_date": "20240102"},
        "fields": "ts_code,close",
    }
    request = route.calls[0].request
    assert request.headers["content-type"] == "application/json"
    assert len(request.headers[REQUEST_ID_HEADER]) == 32
    assert sleeper.calls == []


def test_each_call_gets_its_own_request_id_kept_across_retries(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    route = mock.post(URL).mock(side_effect=[httpx.Response(502), ok(), ok()])
    transport = _transport(sleeper)
    transport.request("daily", {}, token=token)
    transport.request("daily", {}, token=token)
    ids = [call.request.headers[REQUEST_ID_HEADER] for call in route.calls]
    assert ids[0] == ids[1]
    assert ids[1] != ids[2]


def test_a_custom_decoder_gets_body_api_name_and_local_request_id(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    mock.post(URL).mock(return_value=httpx.Response(200, content=b"raw"))
    seen: list[tuple[bytes, str, str]] = []

    def decode(body: bytes, api_name: str, request_id: str) -> int:
        seen.append((body, api_name, request_id))
        return 42

    assert _transport(sleeper).request("daily", {}, token=token, decode=decode) == 42
    assert seen[0][:2] == (b"raw", "daily")
    assert len(seen[0][2]) == 32


def test_a_decoder_that_breaks_its_contract_gives_a_malformed_reply(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    route = mock.post(URL).mock(return_value=ok())

    def decode(body: bytes, api_name: str, request_id: str) -> int:
        raise KeyError("oops")

    with pytest.raises(MalformedReplyError, match="KeyError"):
        _transport(sleeper, max_retries=1).request("daily", {}, token=token, decode=decode)
    assert route.call_count == 2


# --- retries ----------------------------------------------------------------------------------


def test_server_errors_are_retried_with_backoff_then_succeed(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    route = mock.post(URL).mock(side_effect=[httpx.Response(500), httpx.Response(503), ok()])
    page = _transport(sleeper).request("daily", {}, token=token)
    assert page.items
    assert route.call_count == 3
    assert sleeper.calls == [0.5, 1.0]


def test_retries_stop_after_max_retries(mock: respx.MockRouter, sleeper: AnySleeper, token: str) -> None:
    route = mock.post(URL).mock(return_value=httpx.Response(500))
    with pytest.raises(ServiceError) as caught:
        _transport(sleeper).request("daily", {}, token=token)
    assert caught.value.code == "SERVICE-301"
    assert route.call_count == 3  # the first attempt and the default max_retries=2 retries
    assert sleeper.calls == [0.5, 1.0]


def test_max_retries_zero_disables_retries(mock: respx.MockRouter, sleeper: AnySleeper, token: str) -> None:
    route = mock.post(URL).mock(return_value=httpx.Response(500))
    with pytest.raises(ServiceError):
        _transport(sleeper, max_retries=0).request("daily", {}, token=token)
    assert route.call_count == 1
    assert sleeper.calls == []


def test_per_call_options_override_the_transport(mock: respx.MockRouter, sleeper: AnySleeper, token: str) -> None:
    route = mock.post(URL).mock(return_value=httpx.Response(500))
    transport = _transport(sleeper, max_retries=3)
    with pytest.raises(ServiceError):
        transport.request("daily", {}, token=token, options=RequestOptions(max_retries=1))
    assert route.call_count == 2


def test_per_call_timeout_reaches_httpx(mock: respx.MockRouter, sleeper: AnySleeper, token: str) -> None:
    route = mock.post(URL).mock(return_value=ok())
    _transport(sleeper).request("daily", {}, token=token, options=RequestOptions(timeout=2.5))
    assert route.calls[0].request.extensions["timeout"]["read"] == 2.5


@pytest.mark.parametrize(
    ("failure", "error_type", "code"),
    [
        (httpx.ReadTimeout("timed out"), ServiceTimeoutError, "SERVICE-302"),
        (httpx.ConnectTimeout("timed out"), ServiceTimeoutError, "SERVICE-302"),
        (httpx.ConnectError("refused"), ServiceConnectionError, "SERVICE-303"),
        (httpx.RemoteProtocolError("closed"), ServiceConnectionError, "SERVICE-303"),
        (httpx.DecodingError("bad gzip"), MalformedReplyError, "SERVICE-304"),
    ],
)
def test_network_failures_are_retried_then_typed(
    mock: respx.MockRouter,
    sleeper: AnySleeper,
    token: str,
    failure: Exception,
    error_type: type[TushareError],
    code: str,
) -> None:
    route = mock.post(URL).mock(side_effect=failure)
    with pytest.raises(error_type) as caught:
        _transport(sleeper, max_retries=2).request("daily", {}, token=token)
    error = caught.value
    assert error.code == code
    assert route.call_count == 3
    assert error.api_name == "daily"
    assert error.request_id is not None
    # The httpx exception holds the request, whose body holds the token: it must not be chained.
    assert error.__cause__ is None
    assert error.__context__ is None
    assert token not in "".join(traceback.format_exception(error))


def test_a_timeout_then_success(mock: respx.MockRouter, sleeper: AnySleeper, token: str) -> None:
    mock.post(URL).mock(side_effect=[httpx.ReadTimeout("slow"), ok()])
    assert _transport(sleeper).request("daily", {}, token=token).items


def test_undecodable_replies_are_retried(mock: respx.MockRouter, sleeper: AnySleeper, token: str) -> None:
    route = mock.post(URL).mock(side_effect=[httpx.Response(200, content=b'{"code": 0, "da'), ok()])
    assert _transport(sleeper).request("daily", {}, token=token).items
    assert route.call_count == 2


@pytest.mark.parametrize(
    ("response", "error_type"),
    [
        (server_error(40101, "您的token不对，请确认。"), AuthError),
        (server_error(2002, "没有权限"), PermissionDeniedError),
        (server_error(40203, NO_PERMISSION), PermissionDeniedError),
        (server_error(-2001, "参数错误"), ServerParameterError),
        (server_error(31337, "?"), UnknownError),
        (httpx.Response(404), UnexpectedStatusError),
        (httpx.Response(302, headers={"Location": "https://x.test"}), UnexpectedStatusError),
    ],
)
def test_auth_parameter_unknown_and_odd_statuses_are_never_retried(
    mock: respx.MockRouter,
    sleeper: AnySleeper,
    token: str,
    response: httpx.Response,
    error_type: type[TushareError],
) -> None:
    route = mock.post(URL).mock(return_value=response)
    with pytest.raises(error_type):
        _transport(sleeper).request("daily", {}, token=token)
    assert route.call_count == 1
    assert sleeper.calls == []


# --- rate limits ------------------------------------------------------------------------------


def test_a_rate_reply_waits_out_the_window_then_retries(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    route = mock.post(URL).mock(side_effect=[server_error(40203, RATE_MINUTE), ok()])
    page = _transport(sleeper).request("daily", {}, token=token)
    assert page.items
    assert route.call_count == 2
    assert sleeper.calls == [60.0]


def test_a_rate_reply_tells_the_limiter_and_waits_what_it_says(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    mock.post(URL).mock(side_effect=[server_error(40203, RATE_MINUTE), ok()])
    limiter = FakeLimiter(rate_limited_wait=42.0)
    _transport(sleeper, limiter=limiter).request("daily", {}, token=token)
    assert limiter.rate_limited == [("daily", 50, 60.0)]
    assert sleeper.calls == [42.0]
    assert limiter.acquired == ["daily", "daily"]


def test_a_second_rate_reply_beyond_the_budget_is_raised(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    route = mock.post(URL).mock(return_value=server_error(40203, RATE_MINUTE))
    with pytest.raises(RateLimitError) as caught:
        _transport(sleeper).request("daily", {}, token=token)
    # A window's wait, then what is left of the 65 s budget; never a wait beyond it.
    assert route.call_count == 3
    assert sleeper.calls == [60.0, 5.0]
    assert (caught.value.limit_calls, caught.value.limit_period) == (50, 60.0)


def test_a_larger_budget_allows_more_waits(mock: respx.MockRouter, sleeper: AnySleeper, token: str) -> None:
    route = mock.post(URL).mock(side_effect=[server_error(40203, "频率超限"), server_error(40203, "频率超限"), ok()])
    transport = _transport(sleeper, max_rate_limit_wait=200.0)
    transport.request("daily", {}, token=token)
    assert route.call_count == 3
    # No number in the message: back off 1, 2, 4... s within the budget.
    assert sleeper.calls == [1.0, 2.0]


def test_a_zero_budget_raises_at_once_but_still_tells_the_limiter(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    route = mock.post(URL).mock(return_value=server_error(40203, RATE_MINUTE))
    limiter = FakeLimiter()
    transport = _transport(sleeper, limiter=limiter, max_rate_limit_wait=0.0)
    with pytest.raises(RateLimitError):
        transport.request("daily", {}, token=token)
    assert route.call_count == 1
    assert sleeper.calls == []
    assert limiter.rate_limited == [("daily", 50, 60.0)]


def test_an_hourly_cap_is_raised_at_once(mock: respx.MockRouter, sleeper: AnySleeper, token: str) -> None:
    mock.post(URL).mock(return_value=server_error(40203, "抱歉，您每小时最多访问该接口20次"))
    with pytest.raises(RateLimitError) as caught:
        _transport(sleeper).request("daily", {}, token=token)
    assert caught.value.limit_period == 3600.0
    assert sleeper.calls == []


def test_rate_waits_do_not_use_up_max_retries(mock: respx.MockRouter, sleeper: AnySleeper, token: str) -> None:
    mock.post(URL).mock(side_effect=[server_error(40203, RATE_MINUTE), ok()])
    assert _transport(sleeper, max_retries=0).request("daily", {}, token=token).items


def test_a_limiter_answering_zero_still_waits_a_little(mock: respx.MockRouter, sleeper: AnySleeper, token: str) -> None:
    mock.post(URL).mock(side_effect=[server_error(40203, RATE_MINUTE), ok()])
    _transport(sleeper, limiter=FakeLimiter(rate_limited_wait=0.0)).request("daily", {}, token=token)
    assert sleeper.calls == [1.0]


def test_http_429_takes_the_rate_limit_path_with_retry_after(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    mock.post(URL).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), ok()])
    _transport(sleeper).request("daily", {}, token=token)
    assert sleeper.calls == [7.0]


@pytest.mark.parametrize("headers", [{}, {"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}, {"Retry-After": "nan"}])
def test_http_429_without_a_usable_retry_after_assumes_a_minute(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str, headers: dict[str, str]
) -> None:
    mock.post(URL).mock(side_effect=[httpx.Response(429, headers=headers), ok()])
    _transport(sleeper).request("daily", {}, token=token)
    assert sleeper.calls == [60.0]


def test_the_limiter_is_asked_before_every_attempt_and_its_wait_is_logged(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    mock.post(URL).mock(side_effect=[httpx.Response(500), ok()])
    limiter = FakeLimiter(acquire_wait=0.25)
    with capture_logs() as events:
        _transport(sleeper, limiter=limiter).request("daily", {}, token=token)
    assert limiter.acquired == ["daily", "daily"]
    assert events[0]["rate_limit_wait_ms"] == 500.0


def test_a_limiter_refusal_is_raised_without_a_request_or_retry(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    route = mock.post(URL).mock(return_value=ok())
    limiter = FakeLimiter()
    limiter.refuse = RateLimitError("local quota", limit_calls=1, limit_period=60.0)
    with pytest.raises(RateLimitError) as caught:
        _transport(sleeper, limiter=limiter).request("daily", {}, token=token)
    assert route.call_count == 0
    assert sleeper.calls == []
    assert limiter.rate_limited == []
    assert caught.value.request_id is not None
    assert caught.value.api_name == "daily"


def test_the_fake_limiter_satisfies_the_protocol() -> None:
    assert isinstance(FakeLimiter(), Limiter)


# --- circuit breaker --------------------------------------------------------------------------


def test_breaker_opens_after_five_consecutive_failures_and_fails_fast(
    mock: respx.MockRouter, sleeper: AnySleeper, clock: FakeClock, token: str
) -> None:
    route = mock.post(URL).mock(return_value=httpx.Response(500))
    transport = _transport(sleeper, clock, max_retries=4)
    with pytest.raises(ServiceError):
        transport.request("daily", {}, token=token)
    assert route.call_count == 5
    assert _state(transport.breaker) == "open"

    with pytest.raises(CircuitOpenError) as caught:
        transport.request("daily", {}, token=token)
    assert route.call_count == 5  # failed fast, no request
    assert caught.value.code == "SERVICE-305"
    assert caught.value.retry_after == 60.0
    assert "fail fast" in caught.value.message


def test_breaker_half_opens_after_the_timeout_and_a_success_closes_it(
    mock: respx.MockRouter, sleeper: AnySleeper, clock: FakeClock, token: str
) -> None:
    route = mock.post(URL).mock(return_value=httpx.Response(500))
    transport = _transport(sleeper, clock, max_retries=4)
    with pytest.raises(ServiceError):
        transport.request("daily", {}, token=token)
    clock.advance(59.0)
    with pytest.raises(CircuitOpenError) as caught:
        transport.request("daily", {}, token=token)
    assert caught.value.retry_after == pytest.approx(1.0)
    clock.advance(1.0)
    assert _state(transport.breaker) == "half_open"
    route.mock(return_value=ok())
    assert transport.request("daily", {}, token=token).items
    assert _state(transport.breaker) == "closed"


def test_a_failed_probe_reopens_the_breaker(
    mock: respx.MockRouter, sleeper: AnySleeper, clock: FakeClock, token: str
) -> None:
    route = mock.post(URL).mock(return_value=httpx.Response(500))
    transport = _transport(sleeper, clock, max_retries=4)
    with pytest.raises(ServiceError):
        transport.request("daily", {}, token=token)
    clock.advance(60.0)
    with pytest.raises(CircuitOpenError):
        # The probe fails (one request), and the retry meets the reopened breaker.
        transport.request("daily", {}, token=token)
    assert route.call_count == 6
    assert _state(transport.breaker) == "open"


def test_replies_that_are_errors_still_count_as_the_service_being_up(
    mock: respx.MockRouter, sleeper: AnySleeper, clock: FakeClock, token: str
) -> None:
    mock.post(URL).mock(side_effect=[httpx.Response(500)] * 4 + [server_error(40101, "bad")] + [httpx.Response(500)])
    transport = _transport(sleeper, clock, max_retries=4)
    with pytest.raises(AuthError):
        transport.request("daily", {}, token=token)
    assert _state(transport.breaker) == "closed"


def test_breaker_allows_a_single_probe_at_a_time(clock: FakeClock) -> None:
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=10.0, clock=clock)
    breaker.record_failure()
    breaker.before_attempt("daily", "r")
    breaker.record_failure()
    with pytest.raises(CircuitOpenError):
        breaker.before_attempt("daily", "r")
    clock.advance(10.0)
    breaker.before_attempt("daily", "r")  # the probe
    with pytest.raises(CircuitOpenError) as caught:
        breaker.before_attempt("daily", "r")
    assert caught.value.retry_after == 0.0
    breaker.record_success()
    breaker.before_attempt("daily", "r")
    assert _state(breaker) == "closed"


def test_an_interrupted_probe_frees_the_probe_slot(clock: FakeClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10.0, clock=clock)
    breaker.record_failure()
    clock.advance(10.0)
    breaker.before_attempt("daily", "r")
    with pytest.raises(KeyboardInterrupt), breaker.track():
        raise KeyboardInterrupt
    breaker.before_attempt("daily", "r")  # the slot was released, so a new probe may go


def test_a_limiter_refusal_during_a_probe_frees_the_probe_slot(
    mock: respx.MockRouter, sleeper: AnySleeper, clock: FakeClock, token: str
) -> None:
    mock.post(URL).mock(return_value=ok())
    breaker = CircuitBreaker(failure_threshold=1, clock=clock)
    breaker.record_failure()
    clock.advance(60.0)
    limiter = FakeLimiter()
    limiter.refuse = RateLimitError("local quota")
    transport = _transport(sleeper, clock, limiter=limiter, breaker=breaker)
    with pytest.raises(RateLimitError):
        transport.request("daily", {}, token=token)
    limiter.refuse = None
    assert transport.request("daily", {}, token=token).items
    assert _state(breaker) == "closed"


def test_breaker_counts_failures_from_many_threads(clock: FakeClock) -> None:
    breaker = CircuitBreaker(failure_threshold=400, clock=clock)

    def fail_many() -> None:
        for _ in range(100):
            breaker.record_failure()

    threads = [threading.Thread(target=fail_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _state(breaker) == "open"


# --- logging ----------------------------------------------------------------------------------


def test_one_log_event_per_call_with_its_numbers(mock: respx.MockRouter, sleeper: AnySleeper, token: str) -> None:
    route = mock.post(URL).mock(side_effect=[httpx.Response(500), server_error(40203, RATE_MINUTE), ok()])
    with capture_logs() as events:
        _transport(sleeper).request("daily", {}, token=token)
    assert len(events) == 1
    event = events[0]
    assert event["event"] == CALL_EVENT
    assert event["api_name"] == "daily"
    assert event["attempts"] == 3
    assert event["rows"] == 1
    assert event["pages"] == 1
    assert event["outcome"] == "ok"
    assert event["rate_limit_wait_ms"] == 60000.0
    assert event["duration_ms"] >= 0
    assert event["request_id"] == route.calls[0].request.headers[REQUEST_ID_HEADER]
    assert event["server_request_id"] == "server-rid"
    assert token not in repr(events)


def test_a_failed_call_logs_its_error_code_and_never_the_token(
    mock: respx.MockRouter, sleeper: AnySleeper, token: str
) -> None:
    mock.post(URL).mock(return_value=server_error(40101, f"bad token {token}"))
    with capture_logs() as events, pytest.raises(AuthError) as caught:
        _transport(sleeper).request("daily", {}, token=token)
    assert events[0]["outcome"] == "error"
    assert events[0]["error_code"] == "AUTH-001"
    assert events[0]["tushare_code"] == 40101
    assert token not in repr(events)
    assert token not in str(caught.value)
    assert token not in repr(caught.value)


# --- pool ownership ---------------------------------------------------------------------------


def test_close_closes_only_a_pool_the_transport_created(sleeper: AnySleeper) -> None:
    own = _transport(sleeper)
    pool = own.http  # built on first use
    own.close()
    assert pool.is_closed

    shared = httpx.Client()
    borrowed = _transport(sleeper, http_client=shared)
    borrowed.close()
    assert not shared.is_closed
    shared.close()


def test_with_base_url_shares_the_pool(mock: respx.MockRouter, sleeper: AnySleeper, token: str) -> None:
    route = mock.post("http://other.test/").mock(return_value=ok())
    transport = _transport(sleeper)
    other = transport.with_base_url("http://other.test/")
    assert other.http is transport.http
    other.request("daily", {}, token=token)
    assert route.call_count == 1
    other.close()
    assert not transport.http.is_closed
    transport.close()


# --- async ------------------------------------------------------------------------------------


def _async_transport(sleeper: AsyncSleeper, *, limiter: FakeLimiter | None = None, **kwargs: Any) -> AsyncTransport:
    return AsyncTransport(URL, sleep=sleeper, clock=FakeClock(), random=lambda: 0.0, limiter=limiter, **kwargs)


async def test_async_call_returns_a_page(mock: respx.MockRouter, token: str) -> None:
    route = mock.post(URL).mock(return_value=ok())
    transport = _async_transport(AsyncSleeper())
    page = await transport.request("daily", {"ts_code": "000001.SZ"}, "close", token=token)
    assert page.items == [["000001.SZ", 10.5]]
    assert _sent_json(route)["fields"] == "close"
    await transport.aclose()
    assert transport.http.is_closed


async def test_async_retries_use_the_async_sleep(mock: respx.MockRouter, token: str) -> None:
    mock.post(URL).mock(side_effect=[httpx.ConnectError("down"), httpx.Response(502), ok()])
    sleeper = AsyncSleeper()
    await _async_transport(sleeper).request("daily", {}, token=token)
    assert sleeper.calls == [0.5, 1.0]


async def test_async_rate_reply_uses_aacquire_and_waits(mock: respx.MockRouter, token: str) -> None:
    mock.post(URL).mock(side_effect=[server_error(40203, RATE_MINUTE), ok()])
    sleeper = AsyncSleeper()
    limiter = FakeLimiter(rate_limited_wait=30.0)
    await _async_transport(sleeper, limiter=limiter).request("daily", {}, token=token)
    assert limiter.acquired == ["daily", "daily"]
    assert limiter.rate_limited == [("daily", 50, 60.0)]
    assert sleeper.calls == [30.0]


async def test_async_timeout_is_typed(mock: respx.MockRouter, token: str) -> None:
    mock.post(URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ServiceTimeoutError) as caught:
        await _async_transport(AsyncSleeper(), max_retries=1).request("daily", {}, token=token)
    assert caught.value.__context__ is None


async def test_async_auth_errors_are_not_retried(mock: respx.MockRouter, token: str) -> None:
    route = mock.post(URL).mock(return_value=server_error(40101, "bad"))
    with pytest.raises(AuthError):
        await _async_transport(AsyncSleeper()).request("daily", {}, token=token)
    assert route.call_count == 1


async def test_async_breaker_fails_fast(mock: respx.MockRouter, token: str) -> None:
    route = mock.post(URL).mock(return_value=httpx.Response(500))
    transport = _async_transport(AsyncSleeper(), max_retries=4)
    with pytest.raises(ServiceError):
        await transport.request("daily", {}, token=token)
    with pytest.raises(CircuitOpenError):
        await transport.request("daily", {}, token=token)
    assert route.call_count == 5


async def test_async_custom_decoder(mock: respx.MockRouter, token: str) -> None:
    mock.post(URL).mock(return_value=ok())

    def decode(body: bytes, api_name: str, request_id: str) -> str:
        return api_name.upper()

    transport = _async_transport(AsyncSleeper())
    assert await transport.request("daily", {}, token=token, decode=decode) == "DAILY"


async def test_async_with_base_url_shares_the_pool() -> None:
    transport = _async_transport(AsyncSleeper())
    other = transport.with_base_url("http://other.test/")
    assert other.http is transport.http
    await other.aclose()
    assert not transport.http.is_closed
    await transport.aclose()

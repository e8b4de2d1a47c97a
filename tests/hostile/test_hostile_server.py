"""The client against every behaviour of the hostile server: correct data or a typed error, within a hard cap."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tushare_typed import AsyncTushareClient, TushareClient
from tushare_typed.errors import (
    AuthError,
    MalformedReplyError,
    PermissionDeniedError,
    RateLimitError,
    ReplyTooLargeError,
    ServerParameterError,
    ServiceConnectionError,
    ServiceError,
    ServiceTimeoutError,
    TushareError,
    UnexpectedStatusError,
    UnknownError,
)

from .catalogs import keyed_catalog
from .server import ROWS_12K, HostileServer

TOKEN = "hostile-test-token-0123"
CATALOG = keyed_catalog()


def client(server: HostileServer, behaviour: str, **options: Any) -> TushareClient:
    settings: dict[str, Any] = {"max_retries": 0, "timeout": 2.0, "max_rate_limit_wait": 3.0, "catalog": CATALOG}
    return TushareClient(TOKEN, base_url=server.url(behaviour), **{**settings, **options})


ERRORS: dict[str, type[TushareError]] = {
    "ignore_offset": MalformedReplyError,
    "empty_with_has_more": MalformedReplyError,
    "empty_before_count": MalformedReplyError,
    "fields_change": MalformedReplyError,
    "float_overflow": MalformedReplyError,
    "int_401_digits_in_float": MalformedReplyError,
    "nan": MalformedReplyError,
    "infinity": MalformedReplyError,
    "minus_infinity": MalformedReplyError,
    "bool_in_float": MalformedReplyError,
    "string_in_float": MalformedReplyError,
    "object_in_float": MalformedReplyError,
    "number_in_str": MalformedReplyError,
    "missing_column": MalformedReplyError,
    "data_null": MalformedReplyError,
    "row_too_short": MalformedReplyError,
    "duplicate_columns": MalformedReplyError,
    "code_is_string": MalformedReplyError,
    "code_huge": MalformedReplyError,
    "count_negative": MalformedReplyError,
    "html": MalformedReplyError,
    "truncated_json": MalformedReplyError,
    "empty_body": MalformedReplyError,
    "garbage": MalformedReplyError,
    "json_array": MalformedReplyError,
    "deep_nesting": MalformedReplyError,
    "drip": ServiceTimeoutError,
    "slow_headers": ServiceTimeoutError,
    "reset": ServiceConnectionError,
    "short_content_length": ServiceError,
    "gzip_bomb": ReplyTooLargeError,
    "bad_gzip": MalformedReplyError,
    "brotli_claimed": MalformedReplyError,
    "http_500": ServiceError,
    "http_404": UnexpectedStatusError,
    "http_302": UnexpectedStatusError,
    "auth": AuthError,
    "permission": PermissionDeniedError,
    "server_params": ServerParameterError,
    "unknown_code": UnknownError,
    "rate_day": RateLimitError,
    "rate_hour": RateLimitError,
    "rate_numberless": RateLimitError,
    "echo_request_id": AuthError,
    "echo_msg": ServerParameterError,
    "echo_malformed": MalformedReplyError,
}


@pytest.mark.timeout(8)
@pytest.mark.parametrize("behaviour", sorted(ERRORS))
def test_each_hostile_reply_is_a_typed_error_in_bounded_time(hostile: HostileServer, behaviour: str) -> None:
    started = time.monotonic()
    with client(hostile, behaviour, max_body_bytes=1024 * 1024) as c, pytest.raises(ERRORS[behaviour]) as caught:
        c.daily(ts_code="000001.SZ")
    elapsed = time.monotonic() - started
    # timeout=2 s and a 3 s rate-limit budget bound every case; nothing sleeps the caller for longer.
    assert elapsed < 5.0
    assert TOKEN not in repr(caught.value) and TOKEN not in str(caught.value)
    assert caught.value.api_name == "daily"


@pytest.mark.timeout(8)
@pytest.mark.parametrize("behaviour", ["float_overflow", "nan", "bool_in_float", "int_401_digits_in_float"])
def test_a_nonsense_value_names_interface_column_and_row(hostile: HostileServer, behaviour: str) -> None:
    with client(hostile, behaviour) as c, pytest.raises(MalformedReplyError) as caught:
        c.daily()
    assert "daily" in str(caught.value)
    assert "row 0, column 'close'" in caught.value.message


@pytest.mark.timeout(8)
def test_missing_columns_are_named(hostile: HostileServer) -> None:
    with client(hostile, "missing_column") as c, pytest.raises(MalformedReplyError, match="pre_close"):
        c.daily()


@pytest.mark.timeout(20)
@pytest.mark.parametrize("behaviour", ["ok", "cap_2000_no_has_more", "cap_2000_has_more", "no_flag", "seam_shift"])
def test_every_row_exactly_once_whatever_the_paging_lies(hostile: HostileServer, behaviour: str) -> None:
    with client(hostile, behaviour) as c:
        response = c.daily()
    assert response.completed
    assert [list(row) for row in response.rows] == ROWS_12K
    assert response.duplicates_dropped == (50 * (response.pages - 2) if behaviour == "seam_shift" else 0)


@pytest.mark.timeout(20)
def test_has_more_false_with_a_larger_count_keeps_paging(hostile: HostileServer) -> None:
    with client(hostile, "has_more_false_early") as c:
        response = c.daily()
    assert len(response) == 12_000


@pytest.mark.timeout(20)
def test_a_projection_without_the_keys_keeps_every_row_and_hides_the_keys(hostile: HostileServer) -> None:
    with client(hostile, "seam_shift") as c:
        response = c.daily(fields=["close"])
        plain = c.query("daily", fields="close")
    # Only 7 distinct closes: rows equal in the caller's projection are data, never dropped.
    assert len(response) == 12_000
    assert response.fields == ["close"]
    assert [row.close for row in response.rows] == [row[5] for row in ROWS_12K]
    assert all(row.ts_code is None and row.trade_date is None for row in response.rows)
    assert plain.fields == ["close"]
    assert [row[0] for row in plain.rows] == [row[5] for row in ROWS_12K]


@pytest.mark.timeout(10)
def test_a_server_ignoring_offset_stops_with_the_rows_so_far(hostile: HostileServer) -> None:
    with client(hostile, "ignore_offset") as c, pytest.raises(MalformedReplyError, match="ignored offset") as caught:
        c.daily()
    assert caught.value.next_offset is not None
    assert len(caught.value.partial.rows) == 6000  # type: ignore[attr-defined]
    assert hostile.count("ignore_offset") <= 10


@pytest.mark.timeout(8)
def test_a_dripping_body_is_cut_at_the_timeout_sync_and_async(hostile: HostileServer) -> None:
    started = time.monotonic()
    with client(hostile, "drip", timeout=1.0) as c, pytest.raises(ServiceTimeoutError):
        c.daily()
    assert time.monotonic() - started < 2.0

    async def run() -> None:
        async with AsyncTushareClient(TOKEN, base_url=hostile.url("drip"), max_retries=0, timeout=1.0) as ac:
            await ac.daily()

    started = time.monotonic()
    with pytest.raises(ServiceTimeoutError):
        asyncio.run(run())
    assert time.monotonic() - started < 2.0


@pytest.mark.timeout(8)
def test_a_deadline_bounds_the_whole_call_retries_included(hostile: HostileServer) -> None:
    started = time.monotonic()
    with client(hostile, "drip", timeout=5.0, max_retries=5) as c, pytest.raises(ServiceTimeoutError):
        c.daily(deadline=1.5)
    assert time.monotonic() - started < 2.5


@pytest.mark.timeout(8)
def test_hourly_and_daily_caps_fail_at_once_with_retry_after(hostile: HostileServer) -> None:
    for behaviour, period in (("rate_day", 86400), ("rate_hour", 3600)):
        started = time.monotonic()
        with client(hostile, behaviour, max_rate_limit_wait=65.0) as c, pytest.raises(RateLimitError) as caught:
            c.daily()
        assert time.monotonic() - started < 1.0
        assert caught.value.retry_after == pytest.approx(period, rel=0.01)
        assert caught.value.limit_period == period


@pytest.mark.timeout(8)
def test_a_numberless_rate_reply_backs_off_within_the_budget(
    hostile: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    started = time.monotonic()
    with client(hostile, "rate_numberless", max_rate_limit_wait=3.5) as c, pytest.raises(RateLimitError):
        c.daily()
    elapsed = time.monotonic() - started
    assert 3.0 <= elapsed < 4.5  # waits of 1 and 2 s, then the 0.5 s left of the budget
    assert any("waiting 2.0 s" in record.getMessage() for record in caplog.records)


@pytest.mark.timeout(8)
def test_http_429_beyond_the_budget_is_raised_with_retry_after(hostile: HostileServer) -> None:
    with client(hostile, "http_429", max_rate_limit_wait=0.0) as c, pytest.raises(RateLimitError) as caught:
        c.daily()
    assert caught.value.retry_after == 30.0


@pytest.mark.timeout(8)
@pytest.mark.parametrize("behaviour", ["chunked", "wrong_content_type"])
def test_unusual_but_valid_http_is_accepted(hostile: HostileServer, behaviour: str) -> None:
    with client(hostile, behaviour) as c:
        assert len(c.daily()) in (2, 4)


@pytest.mark.timeout(8)
def test_a_gzip_bomb_is_refused_without_inflating_it(hostile: HostileServer) -> None:
    with client(hostile, "gzip_bomb", max_body_bytes=1_000_000) as c, pytest.raises(ReplyTooLargeError) as caught:
        c.daily()
    assert "max_body_bytes=1000000" in caught.value.message


@pytest.mark.timeout(10)
def test_the_cli_timeout_bounds_a_dripping_reply(hostile: HostileServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from tushare_typed.cli import cli

    monkeypatch.setenv("TUSHARE_TOKEN", TOKEN)
    monkeypatch.setenv("TUSHARE_API_URL", hostile.url("drip"))
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["exec", "daily", "--timeout", "1"])
    assert result.exit_code == 1
    assert "SERVICE-302" in result.stderr
    assert time.monotonic() - started < 8  # three attempts of 1 s plus backoff, not minutes


@pytest.mark.timeout(10)
def test_mcp_results_are_bounded_by_rows_and_timeout(hostile: HostileServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from tushare_typed.mcp.service import MAX_ROWS_LIMIT, ToolService

    monkeypatch.setenv("TUSHARE_TOKEN", TOKEN)

    async def call(behaviour: str, arguments: dict[str, Any]) -> Any:
        monkeypatch.setenv("TUSHARE_API_URL", hostile.url(behaviour))
        async with ToolService(timeout=1.0, mode="full") as service:
            return await service.call("daily", arguments)

    too_many = asyncio.run(call("ok", {"max_rows": MAX_ROWS_LIMIT + 1}))
    assert too_many.is_error
    assert "max_rows" in too_many.text  # an invalid-arguments result naming it
    started = time.monotonic()
    dripping = asyncio.run(call("drip", {}))
    assert dripping.is_error
    assert "SERVICE-302" in dripping.text
    assert time.monotonic() - started < 8

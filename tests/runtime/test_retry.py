"""The retry policy on its own: tenacity's decisions for service failures and rate replies, failure by failure."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from tushare_typed._internal.transport.retry import RetryPolicy
from tushare_typed.errors import AuthError, RateLimitError, ServiceError, ServiceTimeoutError


def _policy(
    *, max_retries: int = 2, rng: Callable[[], float] = lambda: 0.0, deadline_at: float | None = None
) -> RetryPolicy:
    return RetryPolicy(
        api_name="daily",
        max_retries=max_retries,
        max_rate_limit_wait=65.0,
        limiter=None,
        rng=rng,
        deadline_at=deadline_at,
    )


def test_backoff_doubles_from_half_a_second_and_is_capped() -> None:
    policy = _policy(max_retries=7)
    waits = [policy.wait_before_retry(ServiceError("down")) for _ in range(7)]
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_jitter_adds_up_to_half_of_the_backoff() -> None:
    policy = _policy(max_retries=5, rng=lambda: 1.0)
    assert [policy.wait_before_retry(ServiceTimeoutError("slow")) for _ in range(5)] == [0.75, 1.5, 3.0, 6.0, 12.0]


def test_the_failure_after_max_retries_is_raised_as_it_is() -> None:
    policy = _policy(max_retries=1)
    policy.wait_before_retry(ServiceError("first"))
    last = ServiceError("second")
    with pytest.raises(ServiceError) as caught:
        policy.wait_before_retry(last)
    assert caught.value is last


def test_errors_that_are_not_retryable_are_raised_at_once() -> None:
    error = AuthError("bad token")
    with pytest.raises(AuthError) as caught:
        _policy(max_retries=5).wait_before_retry(error)
    assert caught.value is error


def test_rate_replies_keep_their_own_count_and_budget() -> None:
    policy = _policy(max_retries=1)
    assert policy.wait_before_retry(ServiceError("down")) == 0.5
    # Numberless rate replies back off 1, 2 s; they use up neither max_retries nor the service backoff.
    assert policy.wait_before_retry(RateLimitError("slow down")) == 1.0
    assert policy.wait_before_retry(RateLimitError("slow down")) == 2.0
    assert policy.waited_for_server == 3.0
    with pytest.raises(ServiceError):
        policy.wait_before_retry(ServiceError("down again"))


def test_a_rate_wait_beyond_the_budget_is_raised_with_retry_after() -> None:
    policy = _policy()
    error = RateLimitError("per minute", limit_calls=50, limit_period=60.0)
    error.retry_after = 90.0
    # 65 s of budget: the first wait is cut to what is left.
    assert policy.wait_before_retry(error) == 65.0
    again = RateLimitError("per minute", limit_calls=50, limit_period=60.0)
    with pytest.raises(RateLimitError):
        policy.wait_before_retry(again)
    assert again.retry_after == 60.0


def test_no_backoff_runs_past_the_deadline() -> None:
    policy = _policy(max_retries=5, deadline_at=time.monotonic() + 0.3)
    with pytest.raises(ServiceError):
        policy.wait_before_retry(ServiceError("down"))  # 0.5 s would pass the deadline


PROBE = """
import contextlib, sys
import httpx
from tushare_typed._internal.transport import SyncTransport
reply = b'{{"code":0,"msg":"","request_id":"r","data":{{"fields":["a"],"items":[[1]],"has_more":false}}}}'
pool = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response({status}, content=reply)))
with contextlib.suppress(Exception):
    SyncTransport("http://tushare.test/", http_client=pool, max_retries=0).request("daily", {{}}, token="x")
print("tenacity" in sys.modules)
"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("status", "imported"), [(200, "False"), (500, "True")])
def test_tenacity_is_imported_with_the_first_failure_only(status: int, imported: str) -> None:
    probe = PROBE.format(status=status)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)  # noqa: S603
    assert done.stdout.strip() == imported

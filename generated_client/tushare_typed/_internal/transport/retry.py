"""The retry policy of one call, decided by tenacity: which failures are retried, and how long to wait first.

- network errors, timeouts, HTTP >= 500 and undecodable replies are retried with exponential backoff and jitter
  (first wait about 0.5 s), at most ``max_retries`` times (0 disables retries);
- a 40203 rate reply (or HTTP 429) tells the limiter (``limiter.on_rate_limited``) and waits as long as the
  limiter (or ``Retry-After``) says, else backs off 1, 2, 4... s on consecutive rejections, while the total wait
  stays within ``max_rate_limit_wait`` seconds and the call's deadline (0 raises at once); hourly and daily caps
  are never waited out: the error says ``retry_after`` instead;
- no wait or backoff runs past the call's deadline; waits longer than a second are logged at WARNING through the
  standard ``logging`` module, so they are visible without any setup;
- AUTH, PARAMETER and UNKNOWN errors, and refusals of the local limiter, are never retried.

Two ``tenacity.Retrying`` engines judge the failures, driven without their loops (tenacity's ``iter`` is sans-IO:
it answers "sleep this long" or raises the final error; the call core performs the sleep): one for service
failures (``stop_after_attempt``, ``wait_exponential`` with jitter), one for rate replies (their own budget, so
rate waits do not use up ``max_retries``). The engines and tenacity itself are built on the call's first failure:
a call that succeeds at once never imports it.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from ...errors import RateLimitError, TushareError
from ..limiter.protocol import Limiter

if TYPE_CHECKING:
    from tenacity import RetryCallState

__all__ = [
    "BACKOFF_INITIAL",
    "BACKOFF_MAX",
    "LONG_WINDOW",
    "LOUD_WAIT",
    "MIN_RATE_LIMIT_WAIT",
    "RetryPolicy",
]

BACKOFF_INITIAL = 0.5
BACKOFF_MAX = 8.0
# A limiter answering "wait 0 s" after a 40203 would only burn another request on the same window.
MIN_RATE_LIMIT_WAIT = 1.0
# Waits longer than this are logged at WARNING through the standard `logging` module (visible without setup).
LOUD_WAIT = 1.0
# Windows this long (hourly and daily caps) are never waited out: the call fails with retry_after instead.
LONG_WINDOW = 3600.0

_log = logging.getLogger("tushare_typed")

#: A plan: the seconds to wait after the failure in a tenacity state, or ``math.inf`` when that failure is final.
_Plan = Callable[["RetryCallState"], float]


class _Engine:
    """One ``tenacity.Retrying`` and the state of the failures it has judged.

    tenacity asks ``wait`` and ``stop`` in an order that differs between versions; both read one plan, computed
    once per failure, so its side effects (telling the limiter) happen once whatever the order.
    """

    def __init__(self, plan: _Plan, *, retry: Any, attempts: int | None) -> None:
        import tenacity

        self._plan = plan
        self._planned: tuple[int, float] | None = None
        stop: Callable[[RetryCallState], bool] = self._final
        if attempts is not None:
            limit = tenacity.stop_after_attempt(attempts)
            stop = lambda state: limit(state) or self._final(state)  # noqa: E731 - a tenacity stop strategy
        self._retrying = tenacity.Retrying(retry=retry, stop=stop, wait=self._wait, reraise=True)
        self._retrying.begin()
        self._state = tenacity.RetryCallState(self._retrying, fn=None, args=(), kwargs={})

    def judge(self, error: BaseException) -> float:
        """Seconds to wait before the next attempt; raises ``error`` when tenacity says it is final."""
        self._state.set_exception((type(error), error, error.__traceback__))
        # After a failure, tenacity answers DoSleep (a float) or re-raises the error.
        action = cast(float, self._retrying.iter(self._state))
        self._state.prepare_for_next_attempt()
        return float(action)

    def _wait(self, state: RetryCallState) -> float:
        if self._planned is None or self._planned[0] != state.attempt_number:
            self._planned = (state.attempt_number, self._plan(state))
        return self._planned[1]

    def _final(self, state: RetryCallState) -> bool:
        return math.isinf(self._wait(state))


def _retryable(error: BaseException) -> bool:
    return isinstance(error, TushareError) and error.retryable


class RetryPolicy:
    """The retry budget of one call, spent as failures arrive."""

    def __init__(
        self,
        *,
        api_name: str,
        max_retries: int,
        max_rate_limit_wait: float,
        limiter: Limiter | None,
        rng: Callable[[], float],
        deadline_at: float | None = None,
    ) -> None:
        self.api_name = api_name
        self.deadline_at = deadline_at
        self.max_retries = max_retries
        self.max_rate_limit_wait = max_rate_limit_wait
        self.limiter = limiter
        self.rng = rng
        self.waited_for_server = 0.0
        self._service: _Engine | None = None
        self._rate: _Engine | None = None

    def wait_before_retry(self, error: TushareError) -> float:
        """Seconds to wait before retrying after ``error``; raises ``error`` when it is final."""
        if isinstance(error, RateLimitError):
            self._rate = self._rate or self._rate_engine()
            wait = self._rate.judge(error)
            self.waited_for_server += wait
        else:
            self._service = self._service or self._service_engine()
            wait = self._service.judge(error)
        if wait > LOUD_WAIT:
            _log.warning(
                "tushare_typed: waiting %.1f s before retrying %s (request_id %s)",
                wait,
                self.api_name,
                error.request_id,
            )
        return wait

    def remaining(self) -> float:
        """Seconds left before the call's deadline (infinite without one)."""
        return math.inf if self.deadline_at is None else self.deadline_at - time.monotonic()

    def limiter_budget(self, waited_for_limiter: float) -> float:
        """The most the limiter may still make this call wait: what is left of max_rate_limit_wait and the
        deadline."""
        spent = waited_for_limiter + self.waited_for_server
        return max(0.0, min(self.max_rate_limit_wait - spent, self.remaining()))

    # --- the two engines ------------------------------------------------------------------------

    def _service_engine(self) -> _Engine:
        import tenacity

        curve = tenacity.wait_exponential(multiplier=BACKOFF_INITIAL, max=BACKOFF_MAX)

        def plan(state: RetryCallState) -> float:
            # 0.5, 1, 2, 4... s capped, plus up to 50%; never past the deadline.
            delay = curve(state) * (1.0 + 0.5 * self.rng())
            return math.inf if delay >= self.remaining() else delay

        return _Engine(plan, retry=tenacity.retry_if_exception(_retryable), attempts=self.max_retries + 1)

    def _rate_engine(self) -> _Engine:
        import tenacity

        # 1, 2, 4... s on consecutive rejections, unless the limiter or Retry-After says longer.
        curve = tenacity.wait_exponential(multiplier=MIN_RATE_LIMIT_WAIT)
        return _Engine(
            lambda state: self._rate_limit_wait(state, curve(state)),
            retry=tenacity.retry_if_exception_type(RateLimitError),
            attempts=None,
        )

    def _rate_limit_wait(self, state: RetryCallState, backoff: float) -> float:
        error = cast(RateLimitError, cast(Any, state.outcome).exception())
        if self.limiter is not None:
            wait = self.limiter.on_rate_limited(self.api_name, error.limit_calls, error.limit_period)
        else:
            wait = error.limit_period if error.limit_calls is not None else 0.0
        if error.limit_period >= LONG_WINDOW:
            # An hourly or daily cap: no wait of that length is ever made for the caller.
            error.retry_after = max(wait, MIN_RATE_LIMIT_WAIT)
            return math.inf
        wait = max(wait, error.retry_after or 0.0, backoff)
        budget = min(self.max_rate_limit_wait - self.waited_for_server, self.remaining())
        if wait > budget:
            if budget < MIN_RATE_LIMIT_WAIT:
                error.retry_after = wait
                return math.inf
            wait = budget
        return wait

"""The retry policy of one call: which failures are retried, and how long to wait before the next attempt.

- network errors, timeouts, HTTP >= 500 and undecodable replies are retried with exponential backoff and jitter
  (first wait about 0.5 s), at most ``max_retries`` times (0 disables retries);
- a 40203 rate reply (or HTTP 429) tells the limiter (``limiter.on_rate_limited``) and waits as long as the
  limiter (or ``Retry-After``) says, else backs off 1, 2, 4... s on consecutive rejections, while the total wait
  stays within ``max_rate_limit_wait`` seconds and the call's deadline (0 raises at once); hourly and daily caps
  are never waited out: the error says ``retry_after`` instead;
- no wait or backoff runs past the call's deadline; waits longer than a second are logged at WARNING through the
  standard ``logging`` module, so they are visible without any setup;
- AUTH, PARAMETER and UNKNOWN errors, and refusals of the local limiter, are never retried.
"""

from __future__ import annotations

import logging
import math
import random as _random
import time
from collections.abc import Callable

from ...errors import RateLimitError, TushareError
from ..limiter.protocol import Limiter

__all__ = [
    "BACKOFF_INITIAL",
    "BACKOFF_MAX",
    "LONG_WINDOW",
    "LOUD_WAIT",
    "MIN_RATE_LIMIT_WAIT",
    "RetryPolicy",
    "backoff_delay",
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


def backoff_delay(retry_number: int, rng: Callable[[], float] = _random.random) -> float:
    """Seconds before retry ``retry_number`` (1-based): 0.5, 1, 2, 4... capped, plus up to 50%."""
    base = min(BACKOFF_MAX, BACKOFF_INITIAL * 2.0 ** (retry_number - 1))
    return base * (1.0 + 0.5 * rng())


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
        self.rate_rejections = 0
        self.max_retries = max_retries
        self.max_rate_limit_wait = max_rate_limit_wait
        self.limiter = limiter
        self.rng = rng
        self.retries = 0
        self.waited_for_server = 0.0

    def wait_before_retry(self, error: BaseException) -> float | None:
        """Seconds to wait before retrying after ``error``, or None when the error is final."""
        wait: float | None = None
        if isinstance(error, RateLimitError):
            wait = self._rate_limit_wait(error)
        elif isinstance(error, TushareError) and error.retryable:
            wait = self._backoff()
        if wait is not None and wait > LOUD_WAIT:
            _log.warning(
                "tushare_typed: waiting %.1f s before retrying %s (request_id %s)",
                wait,
                self.api_name,
                getattr(error, "request_id", None),
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

    def _rate_limit_wait(self, error: RateLimitError) -> float | None:
        self.rate_rejections += 1
        if self.limiter is not None:
            wait = self.limiter.on_rate_limited(self.api_name, error.limit_calls, error.limit_period)
        else:
            wait = error.limit_period if error.limit_calls is not None else 0.0
        if error.limit_period >= LONG_WINDOW:
            # An hourly or daily cap: no wait of that length is ever made for the caller.
            error.retry_after = max(wait, MIN_RATE_LIMIT_WAIT)
            return None
        # Back off 1, 2, 4... s on consecutive rejections, or as long as the limiter (or Retry-After) says.
        wait = max(wait, error.retry_after or 0.0, MIN_RATE_LIMIT_WAIT * 2.0 ** (self.rate_rejections - 1))
        budget = min(self.max_rate_limit_wait - self.waited_for_server, self.remaining())
        if wait > budget:
            if budget < MIN_RATE_LIMIT_WAIT:
                error.retry_after = wait
                return None
            wait = budget
        self.waited_for_server += wait
        return wait

    def _backoff(self) -> float | None:
        if self.retries >= self.max_retries:
            return None
        delay = backoff_delay(self.retries + 1, self.rng)
        if delay >= self.remaining():
            return None
        self.retries += 1
        return delay

"""The retry policy of one call: which failures are retried, and how long to wait before the next attempt.

- network errors, timeouts, HTTP >= 500 and undecodable replies are retried with exponential backoff and jitter
  (first wait about 0.5 s), at most ``max_retries`` times (0 disables retries);
- a 40203 rate reply (or HTTP 429) tells the limiter (``limiter.on_rate_limited``) and waits out the server's
  window (a minute for per-minute caps), while the total wait stays within ``max_rate_limit_wait`` seconds (0
  raises at once);
- AUTH, PARAMETER and UNKNOWN errors, and refusals of the local limiter, are never retried.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable

from ...errors import RateLimitError, TushareError
from ..limiter.protocol import Limiter

__all__ = ["BACKOFF_INITIAL", "BACKOFF_MAX", "MIN_RATE_LIMIT_WAIT", "RetryPolicy", "backoff_delay"]

BACKOFF_INITIAL = 0.5
BACKOFF_MAX = 8.0
# A limiter answering "wait 0 s" after a 40203 would only burn another request on the same window.
MIN_RATE_LIMIT_WAIT = 1.0


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
    ) -> None:
        self.api_name = api_name
        self.max_retries = max_retries
        self.max_rate_limit_wait = max_rate_limit_wait
        self.limiter = limiter
        self.rng = rng
        self.retries = 0
        self.waited_for_server = 0.0

    def wait_before_retry(self, error: BaseException) -> float | None:
        """Seconds to wait before retrying after ``error``, or None when the error is final."""
        if isinstance(error, RateLimitError):
            return self._rate_limit_wait(error)
        if isinstance(error, TushareError) and error.retryable:
            return self._backoff()
        return None

    def _rate_limit_wait(self, error: RateLimitError) -> float | None:
        if self.limiter is not None:
            wait = self.limiter.on_rate_limited(self.api_name, error.limit_calls, error.limit_period)
        else:
            wait = error.limit_period
        wait = max(wait, MIN_RATE_LIMIT_WAIT)
        if self.waited_for_server + wait > self.max_rate_limit_wait:
            return None
        self.waited_for_server += wait
        return wait

    def _backoff(self) -> float | None:
        if self.retries >= self.max_retries:
            return None
        self.retries += 1
        return backoff_delay(self.retries, self.rng)

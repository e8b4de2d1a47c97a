"""The circuit breaker: after 5 consecutive service failures, calls fail fast for 60 s."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

from ...errors import CircuitOpenError, ServiceError, TushareError

__all__ = ["BREAKER_FAILURE_THRESHOLD", "BREAKER_RESET_TIMEOUT", "CircuitBreaker"]

BREAKER_FAILURE_THRESHOLD = 5
BREAKER_RESET_TIMEOUT = 60.0


class CircuitBreaker:
    """Fails calls fast after ``failure_threshold`` consecutive service failures.

    Open for ``reset_timeout`` seconds, then half-open: one probe call goes through; its success
    closes the circuit, its failure opens it again. Thread-safe; ``clock`` is injectable.
    """

    def __init__(
        self,
        *,
        failure_threshold: int = BREAKER_FAILURE_THRESHOLD,
        reset_timeout: float = BREAKER_RESET_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = failure_threshold
        self._reset_timeout = reset_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> Literal["closed", "open", "half_open"]:
        with self._lock:
            return self._state(self._clock())

    def _state(self, now: float) -> Literal["closed", "open", "half_open"]:
        if self._opened_at is None:
            return "closed"
        if now - self._opened_at < self._reset_timeout:
            return "open"
        return "half_open"

    def before_attempt(self, api_name: str, request_id: str) -> None:
        """Raise ``CircuitOpenError`` unless an attempt may go now."""
        with self._lock:
            now = self._clock()
            state = self._state(now)
            if state == "closed":
                return
            if state == "half_open" and not self._probing:
                self._probing = True
                return
            opened_at = self._opened_at if self._opened_at is not None else now
            retry_after = max(0.0, opened_at + self._reset_timeout - now)
        raise CircuitOpenError(
            f"tushare failed {self._threshold} times in a row, so calls fail fast for {retry_after:.1f} s more",
            retry_after=retry_after,
            api_name=api_name,
            request_id=request_id,
        )

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._probing = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._probing = False
            if self._failures >= self._threshold:
                self._opened_at = self._clock()

    def _release_probe(self) -> None:
        with self._lock:
            self._probing = False

    @contextmanager
    def untracked(self) -> Iterator[None]:
        """Run local work (the limiter) between ``before_attempt`` and the HTTP attempt.

        A failure there says nothing about the service, but must not leave a half-open probe
        slot taken forever.
        """
        try:
            yield
        except BaseException:
            self._release_probe()
            raise

    @contextmanager
    def track(self) -> Iterator[None]:
        """Record the outcome of the attempt run inside the block."""
        try:
            yield
        except ServiceError as error:
            if error.retryable:
                self.record_failure()
            else:
                self.record_success()
            raise
        except TushareError:
            # Any decoded reply (even "bad token") shows the service is up.
            self.record_success()
            raise
        except BaseException:
            # Cancelled or broken before an answer: say nothing about the service.
            self._release_probe()
            raise
        self.record_success()

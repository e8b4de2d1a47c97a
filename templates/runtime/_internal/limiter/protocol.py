"""The contracts of rate limiting: the one :class:`Limiter` protocol the transport uses, and what a limiter
policy hands its window backends (:class:`Window`, :class:`Plan`, :class:`WindowBackend`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol, runtime_checkable

__all__ = ["MIN_WAIT", "Limiter", "Plan", "Window", "WindowBackend", "wait_for_room"]

# Rounding can leave a computed wait at 0 while the window is still full; never sleep less than this.
MIN_WAIT: Final = 1e-6


@runtime_checkable
class Limiter(Protocol):
    """The rate limiter as the transport sees it (:class:`~tushare_typed.ratelimit.RateLimiter` implements it)."""

    def acquire(self, api_name: str) -> float:
        """Block until a call may go; return the seconds waited."""
        ...

    async def aacquire(self, api_name: str) -> float:
        """Same as :meth:`acquire`, without blocking the event loop."""
        ...

    def on_rate_limited(self, api_name: str, calls: int | None, period: float) -> float:
        """A 40203 rate reply arrived; lower the limit to what the server stated; return seconds to wait."""
        ...


@dataclass(frozen=True, slots=True)
class Window:
    """One check a call must pass: fewer than ``calls`` calls logged in ``scope`` within ``period`` seconds.

    ``period`` already includes the safety margin.
    """

    scope: str
    calls: int
    period: float


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything a backend needs for one interface: the windows to check and the scopes to log the call in.

    ``retention`` pairs each logged scope with how long its entries must be kept.
    """

    windows: tuple[Window, ...]
    retention: tuple[tuple[str, float], ...]


class WindowBackend(Protocol):
    """Stores call logs and blocks; decides atomically whether a call may go."""

    @property
    def default_clock(self) -> Callable[[], float]:
        """The clock whose readings this backend stores (shared by every user of the backend)."""
        ...

    @property
    def blocking_io(self) -> bool:
        """Whether a decision may block on I/O (then ``aacquire`` runs it in a worker thread)."""
        ...

    def try_acquire(self, key: str, plan: Plan, clock: Callable[[], float]) -> float:
        """Log a call and return 0 when every window has room; else log nothing and return the wait.

        ``clock`` is read once the decision is exclusive (lock or transaction held): a reading taken before waiting
        for the lock would log the call earlier than it really goes out, and let a later call in too soon.
        """
        ...

    def block(self, key: str, scope: str, until: float, span: float) -> None:
        """Hold every call in ``scope`` until ``until`` (at most ``span`` seconds after any later reading)."""
        ...

    def count(self, key: str, scope: str, period: float, now: float) -> int:
        """Calls logged in ``scope`` within ``period`` seconds before ``now``."""
        ...


def wait_for_room(log: Sequence[float], start: int, window: Window, now: float) -> float:
    """Seconds until ``window`` has room, given its ascending call log whose entries from ``start`` on are in it."""
    excess = len(log) - start - window.calls
    if excess < 0:
        return 0.0
    # The window has room once the entry `excess` places after its oldest has aged out.
    return max(log[start + excess] + window.period - now, MIN_WAIT)

"""Choosing a source: ``source="auto"`` tries the sources that cover the symbol's market, in order (tushare first
when a token is configured), passing over one that is down, out of quota, or has no data or no such market, and
says so in the result. Each source has its own circuit breaker: after repeated outages it is skipped for a while
(the breaker's error is the stated reason) instead of being waited on.

The decisions live in one generator, :meth:`Router.plan`: it yields the name of the source to call next and receives
its bars (or has its error thrown in); :meth:`Router.fetch` and :meth:`Router.afetch` only make the calls."""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from typing import Final, cast

from .._internal.transport.breaker import CircuitBreaker
from ..errors import CircuitOpenError, ParameterError, RateLimitError, ServiceError, TushareError
from ._base import Source, Window
from ._errors import (
    AdjustmentNotSupportedError,
    AllSourcesFailedError,
    EmptySeriesError,
    MissingApiKeyError,
    NotCoveredError,
    UnknownSymbolError,
    failover_reason,
)
from ._model import Adjust, Bar, Failover
from ._symbols import SOURCE_NAMES, Market, market_of

__all__ = ["ORDER", "Router", "Served"]

#: What a fetch gives: the serving source, its bars, and the sources passed over before it.
Served = tuple[str, list[Bar], list[Failover]]

#: The order ``auto`` tries the sources in, per market.
ORDER: Final[Mapping[Market, tuple[str, ...]]] = {
    "cn": ("tushare", "akshare", "yahoo", "alphavantage"),
    "hk": ("tushare", "yahoo"),
    "us": ("tushare", "yahoo", "alphavantage"),
}
# Errors after which the next source is tried; anything else (a bad date, a bad argument) is the caller's to fix.
_PASS_OVER: Final = (
    ServiceError,
    RateLimitError,
    NotCoveredError,
    AdjustmentNotSupportedError,
    MissingApiKeyError,
    UnknownSymbolError,
    EmptySeriesError,
)
BREAKER_FAILURES: Final = 3
BREAKER_RESET: Final = 30.0


class Router:
    """Fetches through one named source, or through the first that can serve (``auto``)."""

    def __init__(self, sources: Mapping[str, Source], *, clock: Callable[[], float] | None = None) -> None:
        self.sources = dict(sources)
        extra = {"clock": clock} if clock is not None else {}
        self.breakers = {
            name: CircuitBreaker(failure_threshold=BREAKER_FAILURES, reset_timeout=BREAKER_RESET, **extra)
            for name in self.sources
        }

    def candidates(self, symbol: str) -> list[str]:
        """The sources ``auto`` would try for ``symbol``, configured ones only."""
        return [
            name
            for name in ORDER[market_of(symbol)]
            if name in self.sources and self.sources[name].configured() is None
        ]

    def fetch(self, symbol: str, source: str, window: Window, adjust: Adjust) -> Served:
        """``(serving source, bars, sources passed over)``."""
        plan = self.plan(symbol, source, adjust)
        bars: list[Bar] | None = None
        failure: Exception | None = None
        while True:
            try:
                name = plan.send(bars) if failure is None else plan.throw(failure)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            bars, failure = None, None
            try:
                bars = self.sources[name].daily(symbol, window, adjust)
            except Exception as error:  # handed to the plan, which decides
                failure = error

    async def afetch(self, symbol: str, source: str, window: Window, adjust: Adjust) -> Served:
        """Async :meth:`fetch`."""
        plan = self.plan(symbol, source, adjust)
        bars: list[Bar] | None = None
        failure: Exception | None = None
        while True:
            try:
                name = plan.send(bars) if failure is None else plan.throw(failure)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            bars, failure = None, None
            try:
                bars = await self.sources[name].adaily(symbol, window, adjust)
            except Exception as error:  # handed to the plan, which decides
                failure = error

    def plan(self, symbol: str, source: str, adjust: Adjust) -> Generator[str, list[Bar] | None, Served]:
        """Yields each source to call in turn; sent its bars, returns; thrown its error, passes over or re-raises."""
        if source != "auto":
            if source not in self.sources:
                raise ParameterError(
                    f"unknown source {source!r}", remediation=f"Use one of {', '.join(SOURCE_NAMES)} or auto."
                )
            return source, (yield from self._one(source)), []
        names = self.candidates(symbol)
        failovers: list[Failover] = []
        attempts: list[tuple[str, TushareError]] = []
        for name in names:
            try:
                return name, (yield from self._one(name)), failovers
            except _PASS_OVER as error:
                attempts.append((name, error))
                failovers.append(Failover(name, failover_reason(error), error.code, error.message))
        raise AllSourcesFailedError(
            f"no source could serve {symbol} adjust={adjust}" + ("" if names else " (none is configured for it)"),
            attempts=attempts,
        )

    def _one(self, name: str) -> Generator[str, list[Bar] | None, list[Bar]]:
        """One call of ``name`` through its breaker."""
        breaker = self.breakers[name]
        try:
            breaker.before_attempt(name, "")
        except CircuitOpenError as error:
            raise CircuitOpenError(
                f"{name} failed {BREAKER_FAILURES} times in a row; it is skipped for {error.retry_after:.0f} s more",
                retry_after=error.retry_after,
                api_name=name,
            ) from None
        with breaker.track():
            bars = yield name
        return cast("list[Bar]", bars)  # the drivers send bars or throw

    def health(self) -> dict[str, str]:
        return {name: breaker.state for name, breaker in self.breakers.items()}

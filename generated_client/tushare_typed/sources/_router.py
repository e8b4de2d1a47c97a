"""Choosing a source: ``source="auto"`` tries the sources that cover the symbol's market, in order (tushare first
when a token is configured), passing over one that is down, out of quota, or has no data or no such market, and
says so in the result. Each source has its own circuit breaker: after repeated outages it is skipped for a while
(the breaker's error is the stated reason) instead of being waited on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

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

__all__ = ["ORDER", "Router"]

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

    def fetch(self, symbol: str, source: str, window: Window, adjust: Adjust) -> tuple[str, list[Bar], list[Failover]]:
        """``(serving source, bars, sources passed over)``."""
        if source != "auto":
            if source not in self.sources:
                raise ParameterError(
                    f"unknown source {source!r}", remediation=f"Use one of {', '.join(SOURCE_NAMES)} or auto."
                )
            return source, self.fetch_one(source, symbol, window, adjust), []
        names = self.candidates(symbol)
        failovers: list[Failover] = []
        attempts: list[tuple[str, TushareError]] = []
        for name in names:
            try:
                return name, self.fetch_one(name, symbol, window, adjust), failovers
            except _PASS_OVER as error:
                attempts.append((name, error))
                failovers.append(Failover(name, failover_reason(error), error.code, error.message))
        raise AllSourcesFailedError(
            f"no source could serve {symbol} adjust={adjust}" + ("" if names else " (none is configured for it)"),
            attempts=attempts,
        )

    def fetch_one(self, name: str, symbol: str, window: Window, adjust: Adjust) -> list[Bar]:
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
            return self.sources[name].daily(symbol, window, adjust)

    def health(self) -> dict[str, str]:
        return {name: breaker.state for name, breaker in self.breakers.items()}

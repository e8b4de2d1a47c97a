"""The typed errors of :mod:`tushare_typed.sources`: each names the source that failed and the fix.

They extend the package's categories (so ``except ParameterError`` still catches a bad symbol) with codes of
their own; ``source`` is the source's name (``api_name`` carries it too, so the shared renderers show it).

=================  ==========  =================================================================
code               category    meaning (class)
=================  ==========  =================================================================
AUTH-030           AUTH        the source needs an API key that is not configured (``MissingApiKeyError``)
PARAM-121          PARAMETER   the symbol is not one the source knows (``UnknownSymbolError``)
PARAM-122          PARAMETER   the source does not cover the symbol's market (``NotCoveredError``)
PARAM-123          PARAMETER   the source cannot give this adjustment (``AdjustmentNotSupportedError``)
PARAM-124          PARAMETER   the source returned no bars for a range with trading days (``EmptySeriesError``)
SERVICE-320        SERVICE     every candidate source failed; ``attempts`` says how (``AllSourcesFailedError``)
=================  ==========  =================================================================
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import AuthError, ParameterError, ServiceError, TushareError

__all__ = [
    "AdjustmentNotSupportedError",
    "AllSourcesFailedError",
    "EmptySeriesError",
    "MissingApiKeyError",
    "NotCoveredError",
    "UnknownSymbolError",
    "failover_reason",
]


class MissingApiKeyError(AuthError):
    default_code = "AUTH-030"
    default_remediation = "Set the source's key variable (ALPHAVANTAGE_API_KEY) or pass api_key=..."


class UnknownSymbolError(ParameterError):
    default_code = "PARAM-121"
    default_remediation = (
        "Check the symbol: tushare form, e.g. 000001.SZ, 600000.SH, 00700.HK or AAPL; or try another source."
    )


class NotCoveredError(ParameterError):
    default_code = "PARAM-122"
    default_remediation = "Pick a source that covers this market (tushare-typed sources lists them), or source='auto'."


class AdjustmentNotSupportedError(ParameterError):
    default_code = "PARAM-123"
    default_remediation = "Ask this source for adjust='none', or use a source that adjusts (tushare, akshare)."


class EmptySeriesError(ParameterError):
    default_code = "PARAM-124"
    default_remediation = "Check the dates and the symbol (was it listed then?), or try another source."


class AllSourcesFailedError(ServiceError):
    """No candidate source answered; ``attempts`` lists ``(source, error)`` in the order they were tried."""

    default_code = "SERVICE-320"
    default_remediation = "See each source's error in the message; fix the first one you can, or retry later."
    retryable = False

    def __init__(self, message: str, *, attempts: Sequence[tuple[str, TushareError]]) -> None:
        summary = "; ".join(f"{name}: [{error.code}] {error.message}" for name, error in attempts)
        super().__init__(f"{message}: {summary}" if summary else message, api_name="sources")
        self.attempts = list(attempts)


def failover_reason(error: TushareError) -> str:
    """A short word for why a source was passed over: outage, quota, not-covered, key, symbol or error."""
    if isinstance(error, NotCoveredError | AdjustmentNotSupportedError):
        return "not-covered"
    if isinstance(error, MissingApiKeyError):
        return "no-key"
    if isinstance(error, UnknownSymbolError | EmptySeriesError):
        return "no-data"
    if error.category == "RATE_LIMIT":
        return "quota"
    if isinstance(error, ServiceError):
        return "outage"
    return "error"

"""From a client's ``rate_limit=`` argument to its limiter: a ``Limiter`` as given, else a ``RateLimiter`` for the
quota named, checked when the client is built (a value that is no quota is a ParameterError naming the fix).

Light on purpose: the policy module (and so the catalog) is imported only when a limiter is built.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...errors import ParameterError
from .protocol import Limiter

if TYPE_CHECKING:
    from ...catalog import Catalog
    from ..secret import Secret

__all__ = ["POINTS_VARIABLE", "limiter_for"]

#: Environment variable with the account's points, used when no ``rate_limit`` is passed.
POINTS_VARIABLE = "TUSHARE_POINTS"


def limiter_for(
    rate_limit: object | None, *, token: Secret | None, catalog: Catalog | Callable[[], Catalog] | None
) -> Limiter:
    """The limiter for ``rate_limit``.

    ``RateLimit(calls, period)``, a ``(calls, period)`` pair or a points number (its tier) sets the account quota,
    and the interfaces' documented quotas for those points apply too (from ``catalog``, or a function loading it on
    first need). ``None`` takes the points from ``TUSHARE_POINTS`` when it is set (so the CLI and the MCP server
    respect quotas too); without it no quota is set up front, but the limiter still learns: after a 40203 reply it
    holds that interface to the limit the server stated, so the next calls wait instead of failing. The limiter's
    state is keyed by a hash of ``token``.
    """
    if isinstance(rate_limit, Limiter):
        return rate_limit
    from .policy import RateLimit, RateLimiter, token_key

    if rate_limit is not None and (isinstance(rate_limit, bool) or not isinstance(rate_limit, RateLimit | tuple | int)):
        raise ParameterError(
            f"rate_limit={rate_limit!r} is not a quota",
            remediation="pass RateLimit(calls=200, period=60), a (calls, period) pair, a points number such as "
            "2000, or limiter=RateLimiter(...) to share one limiter between clients",
        )
    if rate_limit is None and os.environ.get(POINTS_VARIABLE, "").strip():
        rate_limit = _points_from_environment()
    key = token_key(token.reveal()) if token is not None else "default"
    try:
        return RateLimiter(rate_limit, catalog=catalog if rate_limit is not None else None, key=key)
    except (TypeError, ValueError) as error:
        raise ParameterError(
            f"rate_limit={rate_limit!r} is not a valid quota: {error}",
            remediation="pass RateLimit(calls=200, period=60) with calls >= 1 and period > 0, or a points number",
        ) from None


def _points_from_environment() -> int:
    text = os.environ[POINTS_VARIABLE].strip()
    if not text.isdigit():
        raise ParameterError(
            f"{POINTS_VARIABLE}={text!r} is not a number of points",
            remediation=f"set {POINTS_VARIABLE} to your tushare points, e.g. 2000, or unset it",
        )
    return int(text)

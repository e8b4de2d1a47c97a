"""Where each source lives and how fast it may be called: arguments first, then environment variables, then the
public endpoints. The Alpha Vantage key is held as a :class:`Secret` (masked in reprs, logs and errors)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from .._internal.limiter.policy import RateLimit
from .._internal.redact import remember_secret
from .._internal.secret import Secret
from ._symbols import SourceName

__all__ = ["DEFAULT_URLS", "QUOTAS", "URL_VARIABLES", "SourceSettings"]

DEFAULT_URLS: Final[Mapping[SourceName, str]] = {
    "tushare": "http://api.tushare.pro",
    "akshare": "https://push2his.eastmoney.com",
    "yahoo": "https://query2.finance.yahoo.com",
    "alphavantage": "https://www.alphavantage.co",
}
URL_VARIABLES: Final[Mapping[SourceName, str]] = {
    "tushare": "TUSHARE_API_URL",
    "akshare": "TUSHARE_TYPED_EASTMONEY_URL",
    "yahoo": "TUSHARE_TYPED_YAHOO_URL",
    "alphavantage": "TUSHARE_TYPED_ALPHAVANTAGE_URL",
}
KEY_VARIABLE: Final = "ALPHAVANTAGE_API_KEY"
#: Each source's quota: Alpha Vantage's documented free tier (5 a minute, 25 a day); a polite pace for the
#: unofficial Eastmoney and Yahoo endpoints. tushare's is the client's own (by interface and points).
QUOTAS: Final[Mapping[SourceName, tuple[RateLimit, ...]]] = {
    "akshare": (RateLimit.per_minute(120),),
    "yahoo": (RateLimit.per_minute(120),),
    "alphavantage": (RateLimit.per_minute(5), RateLimit.per_day(25)),
}


@dataclass(frozen=True)
class SourceSettings:
    """The endpoints, the Alpha Vantage key, the tushare token, per-call timeout and retries, and quotas."""

    urls: Mapping[SourceName, str]
    alphavantage_key: Secret | None = None
    tushare_token: Secret | None = None
    timeout: float = 15.0
    retries: int = 2
    quotas: Mapping[SourceName, tuple[RateLimit, ...]] = field(default_factory=lambda: dict(QUOTAS))

    @classmethod
    def resolve(
        cls,
        *,
        urls: Mapping[SourceName, str] | None = None,
        alphavantage_key: str | None = None,
        tushare_token: str | None = None,
        timeout: float = 15.0,
        retries: int = 2,
        quotas: Mapping[SourceName, tuple[RateLimit, ...]] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> SourceSettings:
        env = os.environ if environ is None else environ
        given = dict(urls or {})
        resolved = {
            name: (given.get(name) or env.get(variable, "").strip() or DEFAULT_URLS[name]).rstrip("/")
            for name, variable in URL_VARIABLES.items()
        }
        key = (alphavantage_key or env.get(KEY_VARIABLE, "")).strip()
        if key:
            remember_secret(key)
        return cls(
            urls=resolved,
            alphavantage_key=Secret(key) if key else None,
            tushare_token=Secret(tushare_token) if tushare_token else None,
            timeout=timeout,
            retries=retries,
            quotas={**QUOTAS, **(quotas or {})},
        )

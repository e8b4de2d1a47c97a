"""Where the realtime sources live and how politely they are called: arguments first, then environment variables,
then the public endpoints the SDK reads.

=============  ====================================  =========================================================
source         variable                              default (what the SDK calls)
=============  ====================================  =========================================================
``sina``       ``TUSHARE_TYPED_SINA_URL``            ``https://hq.sinajs.cn`` (quotes)
``sina_vip``   ``TUSHARE_TYPED_SINA_VIP_URL``        ``https://vip.stock.finance.sina.com.cn`` (board, ticks);
                                                     ``TUSHARE_TYPED_SINA_URL`` when only that is set
``dc``         ``TUSHARE_TYPED_EASTMONEY_PUSH_URL``  ``https://push2.eastmoney.com``
``tx``         ``TUSHARE_TYPED_TENCENT_URL``         ``https://stock.gtimg.cn``
=============  ====================================  =========================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from ..errors import ParameterError
from ..ratelimit import RateLimit

__all__ = ["DEFAULT_URLS", "QUOTAS", "SOURCES", "URL_VARIABLES", "Endpoint", "RealtimeSettings", "SourceName"]

SourceName = Literal["sina", "dc", "tx"]
SOURCES: Final[tuple[SourceName, ...]] = ("sina", "dc", "tx")
Endpoint = Literal["sina", "sina_vip", "dc", "tx"]
DEFAULT_URLS: Final[Mapping[Endpoint, str]] = {
    "sina": "https://hq.sinajs.cn",
    "sina_vip": "https://vip.stock.finance.sina.com.cn",
    "dc": "https://push2.eastmoney.com",
    "tx": "https://stock.gtimg.cn",
}
URL_VARIABLES: Final[Mapping[Endpoint, str]] = {
    "sina": "TUSHARE_TYPED_SINA_URL",
    "sina_vip": "TUSHARE_TYPED_SINA_VIP_URL",
    "dc": "TUSHARE_TYPED_EASTMONEY_PUSH_URL",
    "tx": "TUSHARE_TYPED_TENCENT_URL",
}
#: A polite pace for unofficial endpoints that block clients that hurry (the SDK sleeps 0.5-3 s between pages).
QUOTAS: Final[Mapping[SourceName, RateLimit]] = {
    "sina": RateLimit(calls=5, period=1.0),
    "dc": RateLimit(calls=5, period=1.0),
    "tx": RateLimit(calls=5, period=1.0),
}


@dataclass(frozen=True)
class RealtimeSettings:
    """Endpoints, per-attempt timeout, retries of an outage, and each source's pace."""

    urls: Mapping[Endpoint, str]
    timeout: float = 10.0
    retries: int = 1
    quotas: Mapping[SourceName, RateLimit] = field(default_factory=lambda: dict(QUOTAS))

    @classmethod
    def resolve(
        cls,
        *,
        urls: Mapping[str, str] | None = None,
        timeout: float = 10.0,
        retries: int = 1,
        quotas: Mapping[SourceName, RateLimit] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> RealtimeSettings:
        env = os.environ if environ is None else environ
        given = dict(urls or {})
        unknown = sorted(set(given) - set(DEFAULT_URLS))
        if unknown:
            raise ParameterError(
                f"unknown realtime endpoint {', '.join(unknown)}", remediation=f"Use {', '.join(DEFAULT_URLS)}."
            )
        if not timeout > 0 or not 0 <= retries <= 10:
            raise ParameterError(
                f"timeout={timeout!r}, retries={retries!r}", remediation="timeout > 0 seconds, retries 0 to 10."
            )

        def pick(name: Endpoint) -> str:
            return given.get(name) or env.get(URL_VARIABLES[name], "").strip()

        resolved = {name: pick(name) or DEFAULT_URLS[name] for name in DEFAULT_URLS}
        if not pick("sina_vip") and pick("sina"):
            resolved["sina_vip"] = pick("sina")  # one look-alike (or proxy) serving both Sina hosts
        for name, url in resolved.items():
            if not url.startswith(("http://", "https://")):
                raise ParameterError(f"the {name} endpoint {url!r} is not an http(s) URL", remediation="Fix the URL.")
        return cls(
            urls={name: url.rstrip("/") for name, url in resolved.items()},
            timeout=timeout,
            retries=retries,
            quotas={**QUOTAS, **(quotas or {})},
        )

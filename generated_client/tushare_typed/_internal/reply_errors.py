"""A tushare reply with ``code != 0`` read into its typed error: the reply codes and messages mapped to the classes
of :mod:`tushare_typed.errors`, with the catalog's hints added (:mod:`.hints`).

The envelope decoders (:mod:`.envelope`) call :func:`error_from_reply` for every such reply; the mapping is kept
here, beside them, so that :mod:`tushare_typed.errors` stays a leaf. ``tushare_typed.errors.error_from_reply`` and
``parse_rate_limit`` still name these functions.

- 40101: ``AuthError`` (AUTH-001);
- 2002 / -2002: ``PermissionDeniedError`` (AUTH-003);
- -2001: ``ServerParameterError`` (PARAM-102);
- 40203 stating a cap ("每分钟最多访问该接口N次") or saying "频率超限": ``RateLimitError`` (RATE-201), with
  ``limit_calls`` / ``limit_period``; 40203 saying "没有…权限": ``PermissionDeniedError``;
- anything else: ``UnknownError`` (UNK-999), the code and message kept raw.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import (
    AuthError,
    PermissionDeniedError,
    RateLimitError,
    ServerParameterError,
    TushareError,
    UnknownError,
)
from .hints import add_hints

__all__ = ["error_from_reply", "parse_rate_limit"]

_PERIOD_SECONDS = {"分钟": 60.0, "小时": 3600.0, "天": 86400.0, "日": 86400.0}
# "抱歉，您每分钟最多访问该接口50次" and its hour/day siblings; a few words may sit between.
_RATE_CAP = re.compile(r"每\s*(?P<unit>分钟|小时|天|日)[^0-9]{0,20}?(?P<calls>\d+)\s*次")
_RATE_WORDS = ("频率超限", "频率", "最多访问", "访问次数", "too many", "rate limit")
# "抱歉，您没有接口访问权限" / "您没有访问该接口的权限". Rate messages also say
# "权限的具体详情访问…", so a bare "权限" is weaker evidence than a stated cap: checked after it.
_NO_PERMISSION = re.compile(r"没有[^，。,.]{0,12}权限|no permission|permission denied", re.IGNORECASE)


def parse_rate_limit(msg: str) -> tuple[int | None, float] | None:
    """``(calls, period_seconds)`` when ``msg`` is a rate-limit message, else None."""
    match = _RATE_CAP.search(msg)
    if match:
        return int(match["calls"]), _PERIOD_SECONDS[match["unit"]]
    lowered = msg.lower()
    if any(word in lowered for word in _RATE_WORDS):
        return None, 60.0
    return None


def error_from_reply(code: int, msg: str, *, api_name: str | None, request_id: str | None) -> TushareError:
    """Map a reply with ``code != 0`` to its typed error (unknown codes give ``UnknownError``), with the catalog's
    hints (the points a denied interface needs, the names closest to an unknown one)."""
    return add_hints(_typed_error(code, msg, api_name=api_name, request_id=request_id))


def _typed_error(code: int, msg: str, *, api_name: str | None, request_id: str | None) -> TushareError:
    where: dict[str, Any] = {"api_name": api_name, "request_id": request_id, "tushare_code": code}
    text = msg.strip() or f"tushare returned code {code} with no message"
    if code == 40101:
        return AuthError(f"tushare rejected the token: {text}", **where)
    if code in (2002, -2002):
        return PermissionDeniedError(f"no permission for {api_name!r}: {text}", **where)
    if code == -2001:
        return ServerParameterError(f"tushare rejected the arguments: {text}", **where)
    if code == 40203:
        return _error_from_40203(text, where)
    return UnknownError(f"tushare returned unknown code {code}: {text}", **where)


def _error_from_40203(text: str, where: dict[str, Any]) -> TushareError:
    # 40203 means both "too many calls" and "no permission"; only the message tells them apart.
    capped = _RATE_CAP.search(text) is not None
    if not capped and _NO_PERMISSION.search(text):
        return PermissionDeniedError(f"no permission for {where['api_name']!r}: {text}", **where)
    limit = parse_rate_limit(text)
    if limit is not None:
        calls, period = limit
        return RateLimitError(f"rate limit hit: {text}", limit_calls=calls, limit_period=period, **where)
    if "权限" in text:
        return PermissionDeniedError(f"no permission for {where['api_name']!r}: {text}", **where)
    return UnknownError(f"tushare returned 40203 with an unrecognised message: {text}", **where)

"""Test doubles shared by the runtime tests: limiter, sleep, clock, replies, synthetic tokens."""

from __future__ import annotations

import json
import secrets
from typing import Any


def synthetic_token() -> str:
    """A fresh token shaped like a real one (56 hex digits); never a real token."""
    return secrets.token_hex(28)


def reply(
    *,
    code: int = 0,
    msg: str = "",
    fields: list[str] | None = None,
    items: list[list[Any]] | None = None,
    has_more: bool | None = False,
    request_id: str | None = "server-rid",
    data: bool = True,
) -> dict[str, Any]:
    """A tushare reply envelope as a dict."""
    body: dict[str, Any] = {"code": code, "msg": msg}
    if request_id is not None:
        body["request_id"] = request_id
    if code != 0 or not data:
        body["data"] = None
    else:
        body["data"] = {
            "fields": fields if fields is not None else ["ts_code", "close"],
            "items": items if items is not None else [["000001.SZ", 10.5]],
            "has_more": has_more,
            "count": None,
        }
    return body


def reply_bytes(**kwargs: Any) -> bytes:
    return json.dumps(reply(**kwargs), ensure_ascii=False).encode()


RATE_MINUTE = "抱歉，您每分钟最多访问该接口50次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。"
NO_PERMISSION = "抱歉，您没有接口访问权限，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。"


class Sleeper:
    """Records requested sleeps instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class AsyncSleeper:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeLimiter:
    """A Limiter that records what the transport told it."""

    def __init__(self, *, acquire_wait: float = 0.0, rate_limited_wait: float = 60.0) -> None:
        self.acquire_wait = acquire_wait
        self.rate_limited_wait = rate_limited_wait
        self.acquired: list[str] = []
        self.rate_limited: list[tuple[str, int | None, float]] = []
        self.refuse: BaseException | None = None

    def acquire(self, api_name: str) -> float:
        if self.refuse is not None:
            raise self.refuse
        self.acquired.append(api_name)
        return self.acquire_wait

    async def aacquire(self, api_name: str) -> float:
        return self.acquire(api_name)

    def on_rate_limited(self, api_name: str, calls: int | None, period: float) -> float:
        self.rate_limited.append((api_name, calls, period))
        return self.rate_limited_wait

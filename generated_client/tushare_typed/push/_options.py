"""The options of a push stream, checked at the call: endpoint, heartbeat, deadlines, retries, queue and its policy."""

from __future__ import annotations

import ipaddress
import math
import os
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from ..errors import ParameterError
from ._records import DEFAULT_URL

__all__ = ["URL_VARIABLE", "OnSlow", "StreamOptions", "stream_options"]

URL_VARIABLE = "TUSHARE_TYPED_WS_URL"
OnSlow = Literal["wait", "drop_oldest"]


@dataclass(frozen=True)
class StreamOptions:
    url: str
    heartbeat: float
    """Seconds between keep-alives (the protocol's ping message and a WebSocket ping)."""
    dead_after: float
    """Seconds without a frame or a pong after which the connection is taken for dead and replaced."""
    connect_timeout: float
    max_retries: int | None
    """Consecutive failed connection attempts before the stream fails (None: retry for ever)."""
    backoff: float
    max_backoff: float
    queue_size: int
    on_slow: OnSlow
    max_frame_bytes: int


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(url: str | None) -> str:
    chosen = url or os.environ.get(URL_VARIABLE) or DEFAULT_URL
    parts = urlsplit(chosen)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ParameterError(
            f"push endpoint {chosen!r} is not a ws:// or wss:// URL",
            remediation=f"pass url='wss://host/path' or set {URL_VARIABLE} (default {DEFAULT_URL})",
        )
    if parts.scheme == "ws" and not _loopback(parts.hostname):
        raise ParameterError(
            f"push endpoint {chosen!r} is unencrypted and not on this machine: the token would travel in clear",
            remediation="use a wss:// URL (ws:// is accepted only for 127.0.0.1, ::1 or localhost)",
        )
    return chosen


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ParameterError(f"{name}={value!r} must be a positive number of seconds", remediation=f"fix {name}")
    return float(value)


def stream_options(
    *,
    url: str | None = None,
    heartbeat: float = 15.0,
    dead_after: float = 45.0,
    connect_timeout: float = 10.0,
    max_retries: int | None = 6,
    backoff: float = 0.1,
    max_backoff: float = 30.0,
    queue_size: int = 10_000,
    on_slow: OnSlow = "wait",
    max_frame_bytes: int = 1 << 20,
) -> StreamOptions:
    """Check every option; ParameterError names the bad one."""
    if on_slow not in ("wait", "drop_oldest"):
        raise ParameterError(f"on_slow={on_slow!r} is not a policy", remediation="use 'wait' or 'drop_oldest'")
    for name, count, low in (("queue_size", queue_size, 1), ("max_frame_bytes", max_frame_bytes, 1024)):
        if isinstance(count, bool) or not isinstance(count, int) or not low <= count <= 1 << 26:
            raise ParameterError(
                f"{name}={count!r} must be an integer from {low} to {1 << 26}", remediation=f"fix {name}"
            )
    if max_retries is not None and (
        isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0
    ):
        raise ParameterError(f"max_retries={max_retries!r}", remediation="pass a count >= 0, or None to retry for ever")
    heartbeat, dead_after = _positive("heartbeat", heartbeat), _positive("dead_after", dead_after)
    if dead_after <= heartbeat:
        raise ParameterError(
            f"dead_after={dead_after} must exceed heartbeat={heartbeat}",
            remediation="a connection is taken for dead only after a keep-alive went unanswered: raise dead_after",
        )
    return StreamOptions(
        url=_url(url),
        heartbeat=heartbeat,
        dead_after=dead_after,
        connect_timeout=_positive("connect_timeout", connect_timeout),
        max_retries=max_retries,
        backoff=_positive("backoff", backoff),
        max_backoff=_positive("max_backoff", max_backoff),
        queue_size=queue_size,
        on_slow=on_slow,
        max_frame_bytes=max_frame_bytes,
    )

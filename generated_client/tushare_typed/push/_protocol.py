"""The push protocol without I/O: what a subscription is (topic and codes, checked), the messages the client sends,
and what each frame the server sends means — a record, a control reply, a refusal, or garbage.

Both stream shells and the emulator's tests use it; it imports no WebSocket library.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .._internal.suggest import closest
from ..errors import AuthError, ParameterError
from ._decode import MalformedRecord, TopicSpec
from ._records import PING_ACTION, SUBSCRIBE_ACTION, TOPICS, PushRecord

__all__ = ["MAX_CODES", "Frame", "StreamStats", "Subscription", "read_frame", "subscription"]

#: More codes than this in one subscription is refused: use a wildcard (`*.SH`) instead.
MAX_CODES = 20_000
_WILDCARD = re.compile(r"[*?]")


@dataclass
class StreamStats:
    """What a stream has seen so far; every count only grows."""

    frames: int = 0
    records: int = 0
    """Records decoded and queued for the consumer."""
    malformed: int = 0
    """Frames skipped as garbage: not JSON, not a frame, or a record of the wrong shape."""
    unmatched: int = 0
    """Records of another topic or of a code not asked for, skipped."""
    control: int = 0
    """Frames without a record (subscription acknowledgements, ping replies)."""
    dropped: int = 0
    """Records dropped, oldest first, because the consumer was slow (``on_slow="drop_oldest"``)."""
    connects: int = 0
    reconnects: int = 0
    stored: int = 0
    """Records written to the store (``to_store``), a replayed record counted once."""
    unkeyed: int = 0
    """Records not stored because they carry no trade_time to key them by."""


@dataclass(frozen=True)
class Subscription:
    """One topic and its codes, checked: exact codes and wildcard patterns apart, so matching a frame is cheap."""

    topic: TopicSpec
    codes: tuple[str, ...]
    _exact: frozenset[str] = field(repr=False)
    _patterns: re.Pattern[str] | None = field(repr=False)

    def subscribe_message(self, token: str) -> str:
        return json.dumps({"action": SUBSCRIBE_ACTION, "token": token, "data": {self.topic.name: list(self.codes)}})

    @staticmethod
    def ping_message() -> str:
        return json.dumps({"action": PING_ACTION})

    def wants(self, code: str) -> bool:
        return code in self._exact or (self._patterns is not None and self._patterns.fullmatch(code) is not None)


def subscription(topic: str, codes: str | Iterable[str]) -> Subscription:
    """Check ``topic`` and ``codes`` (a sequence, or one string of comma-separated codes); ParameterError names
    what is wrong and how to fix it. Repeated codes are kept once, in order."""
    spec = TOPICS.get(topic) if isinstance(topic, str) else None
    if spec is None:
        hints = closest(str(topic), TOPICS, n=1)
        raise ParameterError(
            f"unknown push topic {topic!r}" + (f"; did you mean {hints[0]!r}?" if hints else ""),
            remediation=f"use one of {', '.join(TOPICS)}",
        )
    given = codes.split(",") if isinstance(codes, str) else list(codes)
    if any(not isinstance(code, str) for code in given):
        raise ParameterError("push codes must be strings", remediation=f"pass codes like {spec.code_example!r}")
    checked = list(dict.fromkeys(code.strip() for code in given if code.strip()))
    if not checked:
        raise ParameterError(
            f"no codes to subscribe to on {spec.name}",
            remediation=f"pass at least one code, like {spec.code_example!r} (wildcards: '*.SH')",
        )
    if len(checked) > MAX_CODES:
        raise ParameterError(
            f"{len(checked)} codes in one subscription; at most {MAX_CODES}",
            remediation="subscribe with a wildcard ('*.SH', '*.SZ') instead of listing every code",
        )
    for code in checked:
        problem = spec.check_code(code)
        if problem is not None:
            raise ParameterError(problem, remediation=f"codes of {spec.name} look like {spec.code_example!r}")
    patterns = [code for code in checked if _WILDCARD.search(code)]
    compiled = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns)) if patterns else None
    exact = frozenset(code for code in checked if not _WILDCARD.search(code))
    return Subscription(topic=spec, codes=tuple(checked), _exact=exact, _patterns=compiled)


@dataclass(frozen=True)
class Frame:
    """A decoded record and the frame's code (minute topics prefix it with the frequency: ``1MIN:000001.SZ``)."""

    code: str
    record: PushRecord


def _refusal(message: object) -> AuthError:
    return AuthError(
        f"the push server refused the subscription: {str(message)[:300] if message else 'no reason given'}",
        remediation="check the token (TUSHARE_TOKEN or token=...), that it has push permission, the topic and the "
        "codes, and that no more connections use it than it allows",
    )


def read_frame(subscription: Subscription, text: str | bytes, stats: StreamStats) -> Frame | None:
    """What one server frame means: a :class:`Frame` to deliver, or None (counted in ``stats`` as control,
    malformed or unmatched). A refusal (``status: false``) raises AuthError: it is not retried."""
    stats.frames += 1
    try:
        message: Any = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        stats.malformed += 1
        return None
    if type(message) is not dict:
        stats.malformed += 1
        return None
    if message.get("status") is False:
        raise _refusal(message.get("message"))
    data = message.get("data")
    if not data:
        stats.control += 1
        return None
    if type(data) is not dict:
        stats.malformed += 1
        return None
    topic, code, record = data.get("topic"), data.get("code"), data.get("record")
    if type(topic) is not str or type(code) is not str or type(record) is not dict:
        stats.malformed += 1
        return None
    if topic != subscription.topic.name or not subscription.wants(code):
        stats.unmatched += 1
        return None
    try:
        decoded: PushRecord = subscription.topic.decode(record)  # type: ignore[assignment]
    except MalformedRecord:
        stats.malformed += 1
        return None
    stats.records += 1
    return Frame(code, decoded)

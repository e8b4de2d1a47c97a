"""Strict pieces every realtime decoder shares: numbers that are numbers (or a stated blank), and the error that
names the source and what it sent instead."""

from __future__ import annotations

import math
from typing import Any, Final

from ..errors import MalformedReplyError

__all__ = ["BLANKS", "malformed", "number", "required"]

#: What the sources write for "no value" (a suspended security, an empty order-book level).
BLANKS: Final = frozenset({"", "-", "--"})
_SHOWN: Final = 60


def malformed(source: str, what: str, value: Any = None) -> MalformedReplyError:
    shown = "" if value is None else f": {str(value)[:_SHOWN]!r}"
    return MalformedReplyError(
        f"{source} sent {what}{shown}",
        api_name=source,
        remediation=f"{source}'s format may have changed; another source (src=...) may serve meanwhile.",
    )


def number(value: Any, column: str, source: str, scale: float = 1.0) -> float | None:
    """``value`` as a float times ``scale``; None for a blank; :class:`MalformedReplyError` for anything else."""
    if value is None or (isinstance(value, str) and value.strip() in BLANKS):
        return None
    if isinstance(value, bool):
        raise malformed(source, f"a boolean as {column}", value)
    try:
        result = float(value.replace(",", "") if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise malformed(source, f"a {column} that is not a number", value) from None
    if not math.isfinite(result):
        raise malformed(source, f"a {column} that is not finite", value)
    return round(result * scale, 6)


def required(value: float | None, column: str, source: str) -> float:
    if value is None:
        raise malformed(source, f"a blank {column}")
    return value

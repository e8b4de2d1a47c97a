"""The field converters of the generated push records (``_records.py``) and what a topic is.

A record field takes what the SDK's pydantic model would take in lax mode, without pydantic (it is the hot path):
``str`` a string; ``int`` an int or an integral float; ``float`` an int or a float; ``datetime`` an ISO string.
Anything else raises :class:`MalformedRecord`, which the stream counts and skips. This module imports nothing above
the standard library.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MalformedRecord",
    "TopicSpec",
    "opt_datetime",
    "opt_float",
    "opt_int",
    "opt_str",
    "req_datetime",
    "req_float",
    "req_int",
    "req_str",
]


class MalformedRecord(ValueError):
    """A record field has the wrong type or is missing; the frame is skipped and counted."""


def opt_str(value: object) -> str | None:
    if value is None or type(value) is str:
        return value
    raise MalformedRecord(f"expected a string, got {type(value).__name__}")


def opt_float(value: object) -> float | None:
    kind = type(value)
    if kind is float or value is None:
        return value  # type: ignore[return-value]
    if kind is int:
        return float(value)  # type: ignore[arg-type]
    raise MalformedRecord(f"expected a number, got {kind.__name__}")


def opt_int(value: object) -> int | None:
    kind = type(value)
    if kind is int or value is None:
        return value  # type: ignore[return-value]
    if kind is float and value.is_integer():  # type: ignore[attr-defined]
        return int(value)  # type: ignore[call-overload, no-any-return]
    raise MalformedRecord(f"expected an integer, got {value!r:.40}")


def opt_datetime(value: object) -> datetime.datetime | None:
    if value is None:
        return None
    if type(value) is str:
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise MalformedRecord(f"expected a date-time string, got {value!r:.40}")


def _required(convert: Callable[[object], Any]) -> Callable[[object], Any]:
    def required(value: object) -> Any:
        if value is None:
            raise MalformedRecord("a required field is missing")
        return convert(value)

    return required


req_str: Callable[[object], str] = _required(opt_str)
req_float: Callable[[object], float] = _required(opt_float)
req_int: Callable[[object], int] = _required(opt_int)
req_datetime: Callable[[object], datetime.datetime] = _required(opt_datetime)


@dataclass(frozen=True)
class TopicSpec:
    """One push topic: its record type and decoder, and the codes it accepts (``*`` and ``?`` are wildcards)."""

    name: str
    record: type[tuple[Any, ...]]
    decode: Callable[[Mapping[str, object]], tuple[Any, ...]]
    code_pattern: str
    code_example: str
    description: str

    def check_code(self, code: str) -> str | None:
        """Why ``code`` is no code of this topic (None when it is one)."""
        if re.fullmatch(self.code_pattern, code) is None:
            return f"{code!r} is not a {self.name} code (like {self.code_example!r}; `*` and `?` are wildcards)"
        return None

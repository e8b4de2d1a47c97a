"""Request parameter types shared by every generated request model.

Each type accepts what a notebook user naturally passes and turns it into the exact wire string tushare expects,
or fails validation with a message that names the expected format.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BeforeValidator

__all__ = ["Codes", "DateParam", "DateTimeParam", "join_codes", "to_wire_date", "to_wire_datetime"]

_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")


def to_wire_date(value: Any) -> str:
    """`datetime.date`, `datetime.datetime`, `YYYYMMDD` or `YYYY-MM-DD` → `YYYYMMDD`, checking the date exists."""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y%m%d")
    if not isinstance(value, str):
        raise ValueError(f"expected a date or a YYYYMMDD string, got {type(value).__name__}")
    match = _DATE.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a date: use YYYYMMDD (e.g. 20240131) or a datetime.date")
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day).strftime("%Y%m%d")
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None


def to_wire_datetime(value: Any) -> str:
    """A datetime, a date (midnight) or a `YYYY-MM-DD HH:MM:SS` string → `YYYY-MM-DD HH:MM:SS`."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d 00:00:00")
    if not isinstance(value, str):
        raise ValueError(f"expected a datetime or a 'YYYY-MM-DD HH:MM:SS' string, got {type(value).__name__}")
    match = _DATETIME.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a date-time: use 'YYYY-MM-DD HH:MM:SS' or a datetime.datetime")
    year, month, day, hour, minute, second = (int(part) if part else 0 for part in match.groups())
    try:
        return dt.datetime(year, month, day, hour, minute, second).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date-time") from None


def join_codes(value: Any) -> str:
    """One code, a comma-separated string, or a sequence of codes → `A,B,C`."""
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence) and all(isinstance(code, str) for code in value):
        if not value:
            raise ValueError("expected at least one code")
        return ",".join(value)
    raise ValueError("expected a code string or a sequence of code strings")


DateParam = Annotated[str, BeforeValidator(to_wire_date)]
DateTimeParam = Annotated[str, BeforeValidator(to_wire_datetime)]
Codes = Annotated[str, BeforeValidator(join_codes)]

"""The wire form of request parameters, in one place: the types of the generated request models and the encoding of
the request body.

Each parameter type accepts what a notebook user naturally passes and turns it into the exact wire string tushare
expects, or fails validation with a message that names the expected format. :func:`encode_params` and
:func:`encode_fields` build the body's ``params`` and ``fields`` from any mapping (the untyped ``query`` path too),
with the same date formats.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator
from pydantic_core import PydanticCustomError

from ..errors import ParameterError

__all__ = [
    "Codes",
    "DateList",
    "DateParam",
    "DateTimeParam",
    "check_group",
    "encodable",
    "encode_fields",
    "encode_params",
    "join_codes",
    "join_dates",
    "to_wire_date",
    "to_wire_datetime",
]

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


def join_dates(value: Any) -> str:
    """One date, a comma-separated string of dates, or a sequence of dates → `YYYYMMDD,YYYYMMDD`, each checked."""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if isinstance(value, dt.date):
        value = [value]
    if not isinstance(value, Sequence) or not value:
        raise ValueError("expected a date, a comma-separated string of dates or a sequence of dates")
    return ",".join(to_wire_date(part) for part in value)


def check_group(request: BaseModel, names: tuple[str, ...], *, exactly_one: bool = False) -> None:
    """A parameter group the docs state ("二选一", "至少输入一个参数"): at least (or exactly) one of `names` given.

    Raised as a pydantic error so the request model's validation turns it into the runtime's ParameterError.
    """
    given = [name for name in names if getattr(request, name) not in (None, "")]
    if given and not (exactly_one and len(given) > 1):
        return
    quantity = "exactly one" if exactly_one else "at least one"
    raise PydanticCustomError(
        "parameter_group",
        "give {quantity} of {names} (the docs' parameter group){got}",
        {"quantity": quantity, "names": ", ".join(names), "got": f"; got {', '.join(given)}" if given else ""},
    )


DateParam = Annotated[str, BeforeValidator(to_wire_date)]
DateList = Annotated[str, BeforeValidator(join_dates)]
DateTimeParam = Annotated[str, BeforeValidator(to_wire_datetime)]
Codes = Annotated[str, BeforeValidator(join_codes)]


# --- the request body -----------------------------------------------------------------------------------------


def _encode_value(name: str, value: object) -> str | int | float | bool:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, str) and not encodable(value):
        # Say which argument, never the value: a stray surrogate must not put the request (and token) in a message.
        raise ParameterError(
            f"parameter {name!r} contains characters that cannot be sent (e.g. a lone surrogate)",
            remediation=f"pass {name} as ordinary text; decode bytes with errors='replace' first",
        )
    if isinstance(value, float) and not math.isfinite(value):
        # json.dumps would write NaN/Infinity, which is not JSON.
        raise ParameterError(f"parameter {name!r} must be a finite number, got {value!r}")
    if isinstance(value, str | bool | int | float):
        return value
    # datetime before date: a datetime is also a date.
    if isinstance(value, dt.datetime):
        return to_wire_datetime(value)
    if isinstance(value, dt.date):
        return to_wire_date(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return ",".join(str(_encode_value(name, item)) for item in value)
    if isinstance(value, set | frozenset):
        return ",".join(sorted(str(_encode_value(name, item)) for item in value))
    raise ParameterError(f"parameter {name!r} cannot be sent as a {type(value).__name__}")


def encodable(text: str) -> bool:
    """Whether ``text`` can be sent as UTF-8 (a lone surrogate cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def encode_params(params: Mapping[str, object]) -> dict[str, str | int | float | bool]:
    """Wire form of ``params``: None dropped, dates ``YYYYMMDD``, sequences comma-joined."""
    return {name: _encode_value(name, value) for name, value in params.items() if value is not None}


def encode_fields(fields: Sequence[str] | str | None) -> str:
    """The ``fields`` string: names comma-joined, blanks and repeats dropped; "" means default."""
    names = fields.split(",") if isinstance(fields, str) else list(fields or ())
    unique: dict[str, None] = {}
    for name in names:
        if not isinstance(name, str):
            raise ParameterError(
                f"field names are strings, got {type(name).__name__}",
                remediation="pass fields as a list of column names, e.g. fields=['ts_code', 'close']",
            )
        if not encodable(name):
            raise ParameterError(
                "argument 'fields' contains characters that cannot be sent",
                remediation="pass column names as ordinary text",
            )
        if name.strip():
            unique[name.strip()] = None
    return ",".join(unique)

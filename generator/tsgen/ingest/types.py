"""Normalization of the docs' types, formats and names into the IR's Python-facing terms."""

from __future__ import annotations

import keyword
import re

from tsgen.model import PythonType

_WIRE_TO_PYTHON: dict[str, PythonType] = {
    "str": "str",
    "string": "str",
    "varchar": "str",
    "text": "str",
    "date": "str",
    "datetime": "str",
    "float": "float",
    "double": "float",
    "number": "float",
    "decimal": "float",
    "int": "int",
    "integer": "int",
    "bigint": "int",
    "bool": "bool",
    "boolean": "bool",
}
_DATE_HINT = re.compile(r"YYYYMMDD|yyyymmdd|格式[:：]?\s*\d{8}|\d{8}表示|比如\d{8}")
_DATETIME_HINT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}|YYYY-MM-DD HH:MM:SS")
_MONTH_HINT = re.compile(r"YYYYMM(?!DD)")
_MULTI_HINT = re.compile(r"逗号分隔|多个|多值|多日输入")
_DATE_NAMES = re.compile(r"(^|_)date$")

DATE_FORMAT = "YYYYMMDD"
DATETIME_FORMAT = "YYYY-MM-DD HH:MM:SS"
MONTH_FORMAT = "YYYYMM"


def known_wire_type(wire: str) -> bool:
    return wire.strip().lower() in _WIRE_TO_PYTHON


def python_type(wire: str) -> PythonType:
    """Column/param Python type for a docs type; unknown types (the docs once say `None`) read as str."""
    return _WIRE_TO_PYTHON.get(wire.strip().lower(), "str")


def param_format(name: str, wire: str, description: str) -> str | None:
    """The value format a parameter expects, read from its type, description and name."""
    if wire.strip().lower() == "datetime" or _DATETIME_HINT.search(description):
        return DATETIME_FORMAT
    if _MONTH_HINT.search(description):
        return MONTH_FORMAT
    if _DATE_HINT.search(description) or (_DATE_NAMES.search(name) and python_type(wire) == "str"):
        return DATE_FORMAT
    return None


def param_python_type(wire: str, value_format: str | None) -> PythonType:
    if value_format == DATE_FORMAT:
        return "date"
    if value_format == DATETIME_FORMAT:
        return "datetime"
    return python_type(wire)


def accepts_many(description: str) -> bool:
    return bool(_MULTI_HINT.search(description))


def identifier(name: str) -> str:
    """A valid Python identifier for a wire name: shibor's `1w` → `f_1w`, `from` → `from_`."""
    cleaned = re.sub(r"\W", "_", name)
    if not cleaned or cleaned[0].isdigit():
        cleaned = f"f_{cleaned}"
    if keyword.iskeyword(cleaned):
        cleaned = f"{cleaned}_"
    return cleaned

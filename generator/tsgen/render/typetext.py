"""Type annotations (as source text) for params and columns, derived from the IR."""

from __future__ import annotations

import json

from tsgen.model import OutputField, Param
from tsgen.render.naming import pascal


def py_string(value: str) -> str:
    """A Python string literal for any text (JSON string syntax is valid Python for it)."""
    return json.dumps(value, ensure_ascii=False)


def literal(values: list[str]) -> str:
    return "Literal[" + ", ".join(py_string(value) for value in values) + "]"


def row_type(field: OutputField) -> str:
    return f"{field.python_type} | None"


def _optional(annotation: str, param: Param) -> str:
    return annotation if param.required else f"{annotation} | None"


def enum_alias(api_name: str, param: Param) -> str:
    """The module-level alias a generated client module gives an enum param's `Literal` (spelled once, used by
    every variant of the method): `ft_mins`'s `freq` → `_FtMinsFreq`."""
    return f"_{pascal(api_name)}{pascal(param.name)}"


def closed_enum(param: Param) -> list[str] | None:
    """The values a parameter is limited to; an open enum (known values, not all) limits nothing."""
    return [value.value for value in param.enum] if param.enum and not param.enum_open else None


def enum_type(param: Param) -> str:
    return literal(closed_enum(param) or [])


def method_type(param: Param, alias: str | None = None) -> str:
    """What a client method accepts: the natural Python values, checked by the request model. A closed enum param
    is spelled `alias` when given (see `enum_alias`), else its `Literal`."""
    if values := closed_enum(param):
        annotation = alias or literal(values)
    elif param.python_type == "date" and param.multi:
        annotation = "str | datetime.date | Sequence[str | datetime.date]"
    elif param.python_type == "date":
        annotation = "str | datetime.date"
    elif param.python_type == "datetime":
        annotation = "str | datetime.datetime"
    elif param.multi:
        annotation = "str | Sequence[str]"
    else:
        annotation = param.python_type
    return _optional(annotation, param)


def request_type(param: Param) -> str:
    """The request model's field type: validators that produce the wire string."""
    if values := closed_enum(param):
        annotation = literal(values)
    elif param.python_type == "date" and param.multi:
        annotation = "DateList"
    elif param.python_type == "date":
        annotation = "DateParam"
    elif param.python_type == "datetime":
        annotation = "DateTimeParam"
    elif param.multi:
        annotation = "Codes"
    else:
        annotation = param.python_type
    return _optional(annotation, param)


def fields_type(api_name: str) -> str:
    """A method's `fields`: a list of the interface's column names (each checked against its Literal, so a
    misspelled name in a literal list is a type error) or the SDK's comma-separated string, which no type can
    check and the runtime checks instead (unknown names raise ParameterError naming the closest).

    A `list[str]` built at run time cannot be told apart from a literal list by mypy or pyright (a literal list
    would match a `Sequence[str]` alternative too), so it is not accepted as such: annotate it
    `list[<Api>Field]`, or pass `",".join(names)`."""
    return f"Sequence[{pascal(api_name)}Field] | str | None"

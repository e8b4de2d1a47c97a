"""The arguments an interface's examples pass: the docs' own example call where it parses and fits the metadata,
completed with synthesized values for required parameters it leaves out.

The docs' examples are SDK calls (`pro.daily(ts_code='000001.SZ', ...)` or `pro.query('daily', ...)`); they are
read with `ast`, never run. A value that does not fit its parameter (a wrong type, an empty string, a date in
another format, a value outside the enumeration) is dropped rather than passed on: every example must run.
"""

from __future__ import annotations

import ast
import re

from tsgen.model import Interface, Param

Value = str | int | float | bool

_FORMAT_PATTERNS = {
    "YYYYMMDD": re.compile(r"\d{8}"),
    "YYYYMM": re.compile(r"\d{6}"),
    "YYYY-MM-DD HH:MM:SS": re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
}
_TYPE_PATTERNS = {
    "date": _FORMAT_PATTERNS["YYYYMMDD"],
    "datetime": _FORMAT_PATTERNS["YYYY-MM-DD HH:MM:SS"],
}
# Synthesized values: a date range that opens and closes, so range examples read naturally.
_OPENING = {"date": "20240102", "datetime": "2024-01-02 09:30:00", "YYYYMM": "202401"}
_CLOSING = {"date": "20240131", "datetime": "2024-01-02 15:00:00", "YYYYMM": "202406"}
# A filter that keeps an example of an interface without required parameters small and typical.
_PREFERRED_FILTERS = (("ts_code",), ("start_date", "end_date"), ("trade_date",))


def _calls_of(source: str, names: set[str]) -> list[ast.Call]:
    """Calls `pro.<name>(...)` / `pro.query('<name>', ...)` in one docs example, in source order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        if name == "query" and node.args and isinstance(node.args[0], ast.Constant):
            name = str(node.args[0].value)
        if name in names:
            found.append(node)
    return sorted(found, key=lambda call: (call.lineno, call.col_offset))


def fitting_value(param: Param, value: object) -> Value | None:
    """`value` when the client, the CLI and the MCP schema all accept it for `param`; otherwise None."""
    if isinstance(value, bool):
        return value if param.python_type == "bool" else None
    if param.python_type == "int":
        return value if isinstance(value, int) else None
    if param.python_type == "float":
        return float(value) if isinstance(value, int | float) else None
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        return None
    if param.enum is not None:
        return value if value in {allowed.value for allowed in param.enum} else None
    pattern = _FORMAT_PATTERNS.get(param.format or "") or _TYPE_PATTERNS.get(param.python_type)
    if pattern is not None and not pattern.fullmatch(value):
        return None
    if not param.multi and "," in value:
        return None
    return value


def docs_arguments(interface: Interface) -> dict[str, Value]:
    """The keyword arguments of the first docs example that calls this interface, kept where they fit."""
    names = {interface.api_name} | ({interface.variant_of} if interface.variant_of else set())
    params = {param.name: param for param in interface.params}
    for source in interface.examples:
        for call in _calls_of(source, names):
            arguments: dict[str, Value] = {}
            for keyword in call.keywords:
                if keyword.arg in params and isinstance(keyword.value, ast.Constant):
                    value = fitting_value(params[keyword.arg], keyword.value.value)
                    if value is not None:
                        arguments[keyword.arg] = value
            return arguments
    return {}


def synthesized_value(param: Param) -> Value:
    """A plausible value of the right type and format."""
    if param.enum:
        return param.enum[0].value
    if param.python_type == "int":
        return 1
    if param.python_type == "float":
        return 1.0
    if param.python_type == "bool":
        return True
    kind = param.format if param.format == "YYYYMM" else param.python_type
    if kind in _OPENING:
        return _CLOSING[kind] if param.name.startswith("end") else _OPENING[kind]
    if param.name.endswith("code"):
        return "000001.SZ"
    return "1"


def example_arguments(interface: Interface) -> dict[str, Value]:
    """What every example of the interface passes, in the order the docs list the parameters."""
    arguments = docs_arguments(interface)
    params = {param.name: param for param in interface.params}
    wanted = {name for name, param in params.items() if param.required and name not in arguments}
    if not arguments and not wanted:
        for names in _PREFERRED_FILTERS:
            if all(name in params for name in names):
                wanted.update(names)
                break
    arguments.update({name: synthesized_value(params[name]) for name in wanted})
    return {param.name: arguments[param.name] for param in interface.params if param.name in arguments}

"""JSON Schema fragments for params and columns, shared by openapi.json and the MCP tool manifests."""

from __future__ import annotations

from typing import Any

from tsgen.model import Interface, OutputField, Param, ParamGroup
from tsgen.render.typetext import closed_enum

_JSON_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
_PATTERNS = {
    "YYYYMMDD": r"^\d{8}$",
    "YYYYMM": r"^\d{6}$",
    "YYYY-MM-DD HH:MM:SS": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$",
}


def param_schema(param: Param) -> dict[str, Any]:
    schema: dict[str, Any] = {"description": param.description}
    if values := closed_enum(param):
        schema["type"] = "string"
        schema["enum"] = values
    elif param.python_type in ("date", "datetime"):
        schema["type"] = "string"
    else:
        schema["type"] = _JSON_TYPES[param.python_type]
    if param.format in _PATTERNS and not schema.get("enum"):
        schema["pattern"] = _PATTERNS[param.format]
        schema["description"] = f"{param.description} (format {param.format})".strip()
    if param.multi and not schema.get("enum"):
        schema["description"] = f"{schema['description']} (several codes: comma-separated)".strip()
    return schema


def group_text(group: ParamGroup) -> str:
    """A parameter group in words, as docstrings, `describe` and the schemas state it."""
    quantity = "exactly one" if group.kind == "one" else "at least one"
    return f"give {quantity} of {', '.join(group.params)}"


def params_schema(interface: Interface) -> dict[str, Any]:
    """The parameters; a group becomes an `anyOf` (`oneOf` for exactly-one) of single-member `required` sets."""
    required = [param.name for param in interface.params if param.required]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {param.name: param_schema(param) for param in interface.params},
        "required": required,
        "additionalProperties": False,
    }
    groups = [
        {"oneOf" if group.kind == "one" else "anyOf": [{"required": [name]} for name in group.params]}
        for group in interface.param_groups
    ]
    if len(groups) == 1:
        schema.update(groups[0])
    elif groups:
        schema["allOf"] = groups
    if groups:
        schema["description"] = "; ".join(group_text(group) for group in interface.param_groups).capitalize() + "."
    return schema


def column_schema(field: OutputField) -> dict[str, Any]:
    return {"type": [_JSON_TYPES[field.python_type], "null"], "description": field.description}


def fields_schema(interface: Interface) -> dict[str, Any]:
    """The `fields` argument: a list of this interface's column names."""
    return {
        "type": "array",
        "items": {"type": "string", "enum": [field.name for field in interface.fields]},
        "uniqueItems": True,
        "description": "Columns to return; default: the columns the docs mark 默认显示.",
    }

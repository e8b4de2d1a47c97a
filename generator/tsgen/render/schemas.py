"""JSON Schema fragments for params and columns, shared by openapi.json and the MCP tool manifests."""

from __future__ import annotations

from typing import Any

from tsgen.model import Interface, OutputField, Param

_JSON_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
_PATTERNS = {
    "YYYYMMDD": r"^\d{8}$",
    "YYYYMM": r"^\d{6}$",
    "YYYY-MM-DD HH:MM:SS": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$",
}


def param_schema(param: Param) -> dict[str, Any]:
    schema: dict[str, Any] = {"description": param.description}
    if param.enum:
        schema["type"] = "string"
        schema["enum"] = [value.value for value in param.enum]
    elif param.python_type in ("date", "datetime"):
        schema["type"] = "string"
    else:
        schema["type"] = _JSON_TYPES[param.python_type]
    if param.format in _PATTERNS and not param.enum:
        schema["pattern"] = _PATTERNS[param.format]
        schema["description"] = f"{param.description} (format {param.format})".strip()
    if param.multi and not param.enum:
        schema["description"] = f"{schema['description']} (several codes: comma-separated)".strip()
    return schema


def params_schema(interface: Interface) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {param.name: param_schema(param) for param in interface.params},
        "required": [param.name for param in interface.params if param.required],
        "additionalProperties": False,
    }


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

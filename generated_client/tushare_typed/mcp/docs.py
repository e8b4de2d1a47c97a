"""Interface documentation for MCP clients: what ``describe_interface`` returns and what the resources
``tushare://interfaces/<api_name>`` and ``tushare://categories`` hold, built from the catalog alone.

Each fact is one entry of :data:`FACTS` (a label and a function of the interface), so a fact the catalog gains
(parameter groups, permissions) is one more entry, shown in the structured document and in the Markdown alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from ..catalog import FieldSpec, InterfaceSpec, ParamSpec

__all__ = [
    "CATEGORIES_URI",
    "FACTS",
    "INTERFACE_URI_PREFIX",
    "category_index",
    "example_arguments",
    "interface_document",
    "interface_markdown",
    "interface_uri",
]

INTERFACE_URI_PREFIX: Final = "tushare://interfaces/"
CATEGORIES_URI: Final = "tushare://categories"
_EXAMPLE_VALUES: Final = {"YYYYMMDD": "20240102", "YYYYMM": "202401", "YYYY-MM-DD HH:MM:SS": "2024-01-02 09:30:00"}


def interface_uri(api_name: str) -> str:
    return f"{INTERFACE_URI_PREFIX}{api_name}"


def _points(spec: InterfaceSpec) -> int | None:
    return spec.points


def _row_limit(spec: InterfaceSpec) -> int | None:
    return spec.row_limit


def _quotas(spec: InterfaceSpec) -> list[str]:
    return [limit.summary() for limit in spec.rate_limits]


def _keys(spec: InterfaceSpec) -> list[str]:
    return list(spec.keys)


#: (key, label, value) of each interface-level fact; a value of None or [] is left out of the Markdown.
FACTS: Final[tuple[tuple[str, str, Callable[[InterfaceSpec], Any]], ...]] = (
    ("points", "Points required", _points),
    ("row_limit", "Rows per request (tushare's cap; paging is automatic)", _row_limit),
    ("quotas", "Quotas", _quotas),
    ("keys", "Columns identifying a row", _keys),
)


def _param(param: ParamSpec) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": param.name,
        "type": param.format or param.python_type,
        "required": param.required,
        "description": param.description,
    }
    if param.enum:
        document["enum"] = list(param.enum)
    if param.multi:
        document["multi"] = True
    return document


def _field(field: FieldSpec) -> dict[str, Any]:
    return {
        "name": field.name,
        "label": field.label,
        "type": field.python_type,
        "default": field.default,
        "description": field.description,
    }


def _example_value(param: ParamSpec) -> Any:
    if param.enum:
        return param.enum[0]
    if param.format in _EXAMPLE_VALUES:
        return _EXAMPLE_VALUES[param.format]
    by_type: dict[str, Any] = {"int": 1, "float": 1.0, "bool": True, "date": "20240102"}
    if param.python_type in by_type:
        return by_type[param.python_type]
    return "000001.SZ" if param.name.endswith("code") else "VALUE"


def example_arguments(spec: InterfaceSpec) -> dict[str, Any]:
    """``call_interface`` arguments: the required parameters (or the first one) and three default columns."""
    chosen = [p for p in spec.params if p.required] or list(spec.params[:1])
    arguments: dict[str, Any] = {"api_name": spec.api_name, "params": {p.name: _example_value(p) for p in chosen}}
    fields = list(spec.default_fields[:3] or spec.field_names[:3])
    if fields:
        arguments["fields"] = fields
    return arguments


def interface_document(spec: InterfaceSpec) -> dict[str, Any]:
    """The structured description of one interface (``describe_interface``'s structuredContent)."""
    document: dict[str, Any] = {
        "api_name": spec.api_name,
        "title": spec.title,
        "description": spec.description,
        "category": " / ".join(spec.category),
    }
    document.update({key: value(spec) for key, _, value in FACTS})
    document["params"] = [_param(param) for param in spec.params]
    document["fields"] = [_field(field) for field in spec.fields]
    document["example"] = example_arguments(spec)
    document["resource"] = interface_uri(spec.api_name)
    return document


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]


def _fact_text(value: Any) -> str:
    return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)


def interface_markdown(spec: InterfaceSpec) -> str:
    """The interface's documentation as Markdown (the resource text, and describe_interface's text part)."""
    lines = [f"# {spec.api_name} — {spec.title}".rstrip(" —"), ""]
    if spec.description:
        lines += [spec.description, ""]
    lines.append(f"- Category: {' / '.join(spec.category) or '-'}")
    for _, label, value in FACTS:
        fact = value(spec)
        if fact not in (None, []):
            lines.append(f"- {label}: {_fact_text(fact)}")
    lines += ["", "## Parameters", ""]
    params = [
        (
            p.name,
            p.format or p.python_type,
            "yes" if p.required else "",
            p.description + (f" (one of: {', '.join(p.enum)})" if p.enum else ""),
        )
        for p in spec.params
    ]
    lines += _table(["name", "type", "required", "description"], params) if params else ["(none)"]
    lines += ["", "## Columns (default: returned when `fields` is not given)", ""]
    fields = [(f.name, f.label, f.python_type, "yes" if f.default else "", f.description) for f in spec.fields]
    lines += _table(["name", "label (zh)", "type", "default", "description"], fields)
    example = json.dumps(example_arguments(spec), ensure_ascii=False)
    lines += ["", "## Example", "", f"call_interface {example}", ""]
    return "\n".join(lines)


def category_index(specs: Iterable[InterfaceSpec]) -> str:
    """Every interface by category, as Markdown: the resource ``tushare://categories``."""
    by_category: dict[str, list[InterfaceSpec]] = {}
    for spec in specs:
        by_category.setdefault(" / ".join(spec.category) or "-", []).append(spec)
    lines = ["# tushare interfaces by category", ""]
    for category in sorted(by_category):
        lines += [f"## {category}", ""]
        for spec in by_category[category]:
            points = f" ({spec.points} points)" if spec.points is not None else ""
            lines.append(f"- `{spec.api_name}` — {spec.title}{points}")
        lines.append("")
    return "\n".join(lines)
